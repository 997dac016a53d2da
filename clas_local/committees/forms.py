from __future__ import annotations

from clas_local.forms import Form, SelectField, choices, enum_choices
from clas_local.i18n import TIMEZONE_LABELS, TIMEZONES  # noqa: F401  (TIMEZONE_LABELS: for the views)
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError

from clas_local.auth.models import Role
from clas_local.committees.models import INSEE_RE, HolidayZone

REQUIRED = "Ce champ est obligatoire."


class MemberForm(Form):
    email = EmailField(
        "Adresse e-mail", validators=[DataRequired(REQUIRED), Email("Adresse e-mail invalide."), Length(max=254)]
    )
    full_name = StringField("Nom et prénom", validators=[Optional(), Length(max=200)])
    role = SelectField("Rôle", choices=enum_choices(Role), validators=[DataRequired(REQUIRED)])
    partner_id = SelectField(
        "Organisation",
        description="Pour un porteur : l'organisme qui porte ses projets. Pour une école : son établissement.",
        coerce=lambda value: int(value) if value else None,
        validate_choice=True,
    )


def parse_insee_codes(text: str) -> list[str]:
    """« 35238, 35024 » or one per line → ["35238", "35024"]; ValueError with a French message."""
    codes = []
    for code in text.replace(",", " ").replace(";", " ").split():
        code = code.strip().upper()
        if not INSEE_RE.match(code):
            raise ValueError(f"« {code} » n'est pas un code INSEE de commune (5 caractères, par exemple 35238 ou 2A004).")
        if code not in codes:
            codes.append(code)
    return codes


class CommitteeSettingsForm(Form):
    """What a host may change about their committee (the slug, in every address, stays)."""

    name = StringField("Nom du comité", validators=[DataRequired(REQUIRED), Length(max=200)])
    host_organisation = StringField(
        "Collectivité porteuse", description="La mairie ou l'EPCI qui anime le comité local.",
        validators=[Optional(), Length(max=200)],
    )
    holiday_zone = SelectField("Zone de vacances scolaires", choices=enum_choices(HolidayZone))
    timezone = SelectField("Fuseau horaire", choices=choices(TIMEZONES), default="Europe/Paris")
    insee_codes = TextAreaField(
        "Communes du territoire (codes INSEE)",
        description="Séparés par des virgules ou des espaces, par exemple « 35238, 35024 ». "
        "L'import des écoles ne garde que ces communes.",
        validators=[Optional(), Length(max=5000)],
    )

    def validate_insee_codes(self, field) -> None:
        try:
            parse_insee_codes(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class CommitteeForm(CommitteeSettingsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from clas_local.department.forms import departement_choices

        self.departement_code.choices = departement_choices("— D'après les communes —")

    name = StringField("Nom du comité", validators=[DataRequired(REQUIRED), Length(max=200)])
    slug = StringField(
        "Identifiant (dans les adresses)",
        description="Minuscules, chiffres et tirets, par exemple « rennes-nord ».",
        validators=[
            DataRequired(REQUIRED),
            Length(min=2, max=60),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Minuscules, chiffres et tirets uniquement."),
        ],
    )
    departement_code = SelectField(
        "Département",
        default="",
        description="Le CAF et le comité départemental de ce département lisent le comité. "
        "Laissé vide, il est déduit des communes quand elles sont toutes du même département.",
    )
    host_email = EmailField(
        "E-mail de l'animateur du comité",
        validators=[Optional(), Email("Adresse e-mail invalide.")],
    )


HOLIDAY_NAMES = ("Vacances de la Toussaint", "Vacances de Noël", "Vacances d'hiver", "Vacances de printemps",
                 "Pont de l'Ascension", "Vacances d'été")  # fmt: skip


class HolidayPeriodForm(Form):
    """A school-holiday period of a year the packaged calendar does not know."""

    name = StringField(
        "Nom des vacances",
        description="Par exemple « Vacances de la Toussaint » : le démarrage de l'activité par défaut suit celles-ci.",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Indiquez le nom de ces vacances."), Length(max=200)],
    )
    first_day = DateField("Premier jour sans classe", validators=[DataRequired("Indiquez le premier jour (jj/mm/aaaa).")])
    last_day = DateField("Dernier jour sans classe", validators=[DataRequired("Indiquez le dernier jour (jj/mm/aaaa).")])
