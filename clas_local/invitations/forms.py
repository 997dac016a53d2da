"""Forms of the invitations domain: choose contacts, answer, enter an answer received by phone."""

from __future__ import annotations

from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from clas_local.forms import Form, SelectField, SelectMultipleField, choices
from clas_local.invitations.models import Answer
from clas_local.invitations.services import COMMENT_MAX

# How a person says it on the answer page (the stored labels are how organisers read it).
ANSWER_CHOICES = (
    (Answer.ACCEPTED.value, "Je serai présent·e"),
    (Answer.DECLINED.value, "Je ne pourrai pas venir"),
    (Answer.TENTATIVE.value, "Je ne sais pas encore (peut-être)"),
)
COMMENT_HINT = "Facultatif. Par exemple : « Je serai représentée par Mme Martin, adjointe »."


class InvitationForm(Form):
    """CSRFProtect checks every POST (the form field, or the X-CSRFToken header HTMX sends);
    the per-form check would only see the field, so it is left to CSRFProtect."""

    class Meta(Form.Meta):
        csrf = False


def optional_int(value) -> int | None:
    """An <option value=""> placeholder reads as None instead of failing int()."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # not an offered id: refused as an invalid choice


class SendInvitationsForm(InvitationForm):
    contacts = SelectMultipleField(
        "Contacts à inviter par e-mail",
        coerce=int,
        validators=[DataRequired("Choisissez au moins un contact à inviter.")],
    )


class AnswerForm(InvitationForm):
    answer = RadioField(
        "Votre réponse",
        choices=choices(ANSWER_CHOICES),
        validators=[InputRequired("Choisissez votre réponse.")],
    )
    comment = TextAreaField(
        "Commentaire",
        description=COMMENT_HINT,
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"{COMMENT_MAX} caractères au plus.")],
    )


class OrganiserAnswerForm(InvitationForm):
    invitation_id = SelectField("Invité·e", coerce=optional_int, validators=[InputRequired("Choisissez la personne ou l'organisation.")])
    answer = SelectField(
        "Réponse reçue",
        choices=choices((a.value, a.label) for a in (Answer.ACCEPTED, Answer.DECLINED, Answer.TENTATIVE)),
        validators=[InputRequired("Choisissez la réponse reçue.")],
    )
    comment = TextAreaField(
        "Commentaire",
        description="Facultatif. Par exemple : « Réponse par téléphone, représentée par son adjoint »",
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"{COMMENT_MAX} caractères au plus.")],
    )
