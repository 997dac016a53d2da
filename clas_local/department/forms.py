"""The department forms: field visit, difficulty, and the admin's département settings."""

from __future__ import annotations

from datetime import date

from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clas_local.department.models import DEPARTEMENTS, DepartmentFunction
from clas_local.forms import Form, SelectField, choices, enum_choices

REQUIRED = "Ce champ est obligatoire."
NO_CHILD_DATA = "Aucune donnée personnelle sur un enfant : ni nom, ni âge, ni situation familiale."


def _optional_id(value):
    return int(value) if value not in (None, "") else None


def departement_choices(empty: str) -> list:
    return choices([("", empty), *((code, f"{name} ({code})") for code, name in DEPARTEMENTS.items())])


class FieldVisitForm(Form):
    project_id = SelectField(
        "Projet visité", coerce=_optional_id, validate_choice=True,
        validators=[DataRequired("Choisissez le projet visité.")],
    )  # fmt: skip
    visited_on = DateField(
        "Date de la visite", validators=[DataRequired("Indiquez la date de la visite (jj/mm/aaaa).")]
    )
    visitors = StringField(
        "Visiteurs", description="Noms et fonctions des personnes venues, par exemple « Anne Martin, conseillère CAF ».",
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Indiquez qui a fait la visite."), Length(max=200, message="200 caractères au plus.")],
    )  # fmt: skip
    notes = TextAreaField(
        "Observations", description=NO_CHILD_DATA,
        validators=[Optional(), Length(max=5000, message="5 000 caractères au plus.")],
    )  # fmt: skip

    def validate_visited_on(self, field) -> None:
        if field.data and field.data > date.today():
            raise ValidationError("Une visite se note une fois faite : la date ne peut pas être dans le futur.")
        if field.data and field.data.year < 2000:
            raise ValidationError("Cette date est trop ancienne pour une visite de terrain.")


class DifficultyForm(Form):
    committee_id = SelectField(
        "Comité concerné", coerce=_optional_id, validate_choice=True,
        validators=[DataRequired("Choisissez le comité concerné.")],
    )  # fmt: skip
    project_id = SelectField("Projet concerné (facultatif)", coerce=_optional_id, validate_choice=True)
    text = TextAreaField(
        "Difficulté", description=NO_CHILD_DATA,
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired("Décrivez la difficulté."), Length(max=5000, message="5 000 caractères au plus.")],
    )  # fmt: skip


class DepartmentAccessForm(Form):
    """The admin's grant: which département an account reads, in which function."""

    departement_code = SelectField(
        "Département suivi", choices=departement_choices("— Aucun (retirer l'accès) —"), default=""
    )
    function = SelectField("Fonction", choices=enum_choices(DepartmentFunction))


class CommitteeDepartementForm(Form):
    departement_code = SelectField("Département du comité", choices=departement_choices("— Non renseigné —"), default="")
