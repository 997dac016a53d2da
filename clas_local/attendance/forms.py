"""Forms of the attendance table and the minutes. Adults only: every name field says so."""

from __future__ import annotations

from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from clas_local.attendance.models import Presence
from clas_local.db import NAME_LEN
from clas_local.forms import Form, SelectField, choices, enum_choices

ADULTS_ONLY = "Un adulte (professionnel, bénévole, élu…) : jamais le nom d'un enfant."
MINUTES_MAX = 50_000


class AppForm(Form):
    """CSRF is checked for every POST by CSRFProtect (form field or the X-CSRFToken header that
    HTMX sends); the per-form check would only see the form field, so it is left to CSRFProtect."""

    class Meta(Form.Meta):
        csrf = False


def _optional_int(value):
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1  # refused by validate_choice: not an offered id


class PresenceForm(AppForm):
    presence = RadioField(
        "Présence",
        choices=enum_choices(Presence),
        validators=[DataRequired("Choisissez présent, excusé ou absent.")],
    )


class PersonForm(AppForm):
    """Someone present for an organisation: a known contact, or a free name and function."""

    contact_id = SelectField("Contact connu", coerce=_optional_int, validate_choice=True)
    full_name = StringField(
        "Ou nom et prénom", description=ADULTS_ONLY, validators=[Optional(), Length(max=NAME_LEN)]
    )
    function = StringField("Fonction", validators=[Optional(), Length(max=NAME_LEN)])

    def set_contacts(self, contacts) -> None:
        self.contact_id.choices = choices([("", "— Personne d'autre —"), *((c.id, c.display_name) for c in contacts)])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.contact_id.data and not (self.full_name.data or "").strip():
            self.full_name.errors.append("Choisissez un contact connu ou indiquez le nom de la personne présente.")
            return False
        return True


class UninvitedForm(AppForm):
    """An organisation that came without an invitation."""

    partner_id = SelectField("Organisation de l'annuaire", coerce=_optional_int, validate_choice=True)
    organisation_label = StringField(
        "Ou nom de l'organisation",
        description="Si elle n'est pas dans l'annuaire.",
        validators=[Optional(), Length(max=NAME_LEN)],
    )
    full_name = StringField(
        "Personne présente (facultatif)", description=ADULTS_ONLY, validators=[Optional(), Length(max=NAME_LEN)]
    )
    function = StringField("Fonction", validators=[Optional(), Length(max=NAME_LEN)])

    def set_partners(self, partners: list[tuple[int, str]]) -> None:
        self.partner_id.choices = choices([("", "— Hors annuaire —"), *partners])

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if not self.partner_id.data and not (self.organisation_label.data or "").strip():
            self.organisation_label.errors.append(
                "Choisissez une organisation de l'annuaire ou écrivez le nom de l'organisation."
            )
            return False
        return True


class MinutesForm(AppForm):
    body = TextAreaField(
        "Compte rendu",
        validators=[Length(max=MINUTES_MAX, message=f"Le compte rendu ne peut pas dépasser {MINUTES_MAX} caractères.")],
    )
