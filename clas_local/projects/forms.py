"""Forms of the project screens. Choices are filled by the view from the committee's directory."""

from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from clas_local.db import NAME_LEN
from clas_local.forms import Form, SelectField
from clas_local.school_year import school_year_error

NO_CHILD_DATA = (
    "Des nombres seulement : aucune donnée personnelle sur les enfants (ni nom, ni âge, ni classe) "
    "n'est enregistrée dans Clas Local."
)


def _school_year(_form, field) -> None:
    error = school_year_error((field.data or "").strip())
    if error:
        raise ValidationError(error)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ProjectForm(Form):
    name = StringField(
        "Nom du projet",
        filters=[_strip],
        validators=[DataRequired("Indiquez le nom du projet."), Length(max=NAME_LEN)],
    )
    school_year = StringField(
        "Année scolaire",
        description="Sous la forme « 2026-2027 ».",
        filters=[_strip],
        validators=[DataRequired("Indiquez l'année scolaire, par exemple « 2026-2027 »."), _school_year],
    )
    porteur_id = SelectField(
        "Porteur du projet",
        description="L'organisation qui porte le Clas (association, centre social, commune…).",
        validators=[DataRequired("Choisissez le porteur du projet.")],
        validate_choice=True,
    )
    coordinator_id = SelectField(
        "Coordinateur ou coordinatrice",
        description="Une personne du porteur, désignée pour coordonner l'action (référentiel : coordinateur des actions Clas).",
        validators=[Optional()],
    )
    activity_start = DateField(
        "Démarrage de l'activité",
        description="Le premier jour des séances. Laissé vide : le premier jour d'école après les vacances de la "
        "Toussaint, comme le préconise le référentiel. Les moments clés et la réunion « en amont » se situent par rapport à lui.",
        validators=[Optional()],
    )
    # Its hint is given by the template (projects/_form.html).
    is_rural = BooleanField("Projet en milieu rural")
    description = TextAreaField(
        "Description",
        description="Les objectifs du projet, le public, le diagnostic partagé… (aucune donnée sur les enfants).",
        validators=[Optional(), Length(max=5000)],
    )


class SchoolLinkForm(Form):
    partner_id = SelectField(
        "École ou établissement",
        validators=[DataRequired("Choisissez une école, un collège ou un lycée.")],
    )
    # Choices: the chosen school's contacts; add_school checks the contact belongs to it.
    referent_contact_id = SelectField(
        "Contact référent",
        description="La personne qui suit le projet dans cet établissement, choisie parmi ses contacts "
        "(vous pourrez la désigner plus tard).",
        validators=[Optional()],
        validate_choice=False,
    )


class ReferentForm(Form):
    referent_contact_id = SelectField("Contact référent", validators=[Optional()])


class OrientationForm(Form):
    """« Etablir une collaboration avec les équipes éducatives pour l'orientation des enfants
    vers le Clas »: how many children the school's team oriented, and when. A count only."""

    oriented_children_count = IntegerField(
        "Enfants orientés par l'équipe de l'école",
        description=NO_CHILD_DATA,
        validators=[Optional(), NumberRange(min=0, max=500, message="Indiquez un nombre d'enfants entre 0 et 500.")],
    )
    oriented_on = DateField("Date de l'orientation", validators=[Optional()])


class PartnerLinkForm(Form):
    partner_id = SelectField(
        "Partenaire du territoire",
        validators=[DataRequired("Choisissez un partenaire du territoire.")],
    )
    relation = TextAreaField(
        "Relation avec le projet",
        description="Une phrase : ce que vous faites ensemble (orientation des familles, locaux partagés…).",
        filters=[_strip],
        validators=[DataRequired("Décrivez en une phrase la relation avec ce partenaire."), Length(max=1000)],
    )


class RelationForm(Form):
    relation = TextAreaField(
        "Relation avec le projet",
        filters=[_strip],
        validators=[DataRequired("Décrivez en une phrase la relation avec ce partenaire."), Length(max=1000)],
    )


def _count(label: str, maximum: int, message: str, description: str = "") -> IntegerField:
    return IntegerField(
        label,
        description=description,
        validators=[
            InputRequired(message),
            NumberRange(min=0, max=maximum, message=f"Indiquez un nombre entre 0 et {maximum}."),
        ],
    )


class CollectifForm(Form):
    name = StringField(
        "Nom du collectif",
        description="Un nom de groupe, par exemple « CM1–CM2 Gantelles » ; jamais le prénom d'un enfant.",
        filters=[_strip],
        validators=[DataRequired("Indiquez le nom du collectif."), Length(max=NAME_LEN)],
    )
    children_count = _count(
        "Nombre d'enfants",
        100,
        "Indiquez le nombre d'enfants.",
        description=NO_CHILD_DATA + " Référentiel : de 8 à 12 enfants (milieu rural : 5 au moins).",
    )
    animateurs_count = _count(
        "Nombre d'animateurs", 20, "Indiquez le nombre d'animateurs.",
        description="Référentiel : 2 intervenants (milieu rural : 1 pour moins de 8 enfants).",
    )
    weekly_sessions = _count(
        "Séances par semaine", 14, "Indiquez le nombre de séances par semaine.",
        description="Référentiel : 2 séances (milieu rural : 1 séance de 2 h au moins).",
    )
    session_minutes = _count(
        "Durée d'une séance (en minutes)", 600, "Indiquez la durée d'une séance en minutes.",
        description="Par exemple 90 pour 1 h 30.",
    )
    planned_weeks = _count(
        "Semaines de fonctionnement prévues", 53, "Indiquez le nombre de semaines prévues.",
        description="Référentiel : 27 semaines, de la rentrée de la Toussaint au 15 juin.",
    )
    place = StringField(
        "Lieu",
        description="Le lieu des séances, accessible aux parents.",
        filters=[_strip],
        validators=[Optional(), Length(max=300)],
    )


# -- projects that last: financing and the CAF's decision per year ------------------------------


class ReconductForm(Form):
    """Nothing to fill: the confirmation of « Reconduire » (the CSRF token only)."""


class FinancingForm(Form):
    kind = SelectField(
        "Type de financement",
        validators=[DataRequired("Choisissez le type de financement.")],
        validate_choice=True,
    )
    first_year = StringField(
        "Première année scolaire financée",
        description="Sous la forme « 2026-2027 ».",
        filters=[_strip],
        validators=[DataRequired("Indiquez la première année financée, par exemple « 2026-2027 »."), _school_year],
    )
    last_year = StringField(
        "Dernière année scolaire financée",
        description="Pour un financement annuel, la même année.",
        filters=[_strip],
        validators=[DataRequired("Indiquez la dernière année financée, par exemple « 2029-2030 »."), _school_year],
    )


class CafDecisionForm(Form):
    status = SelectField("Décision de la CAF pour cette année", validators=[Optional()], validate_choice=True)
    deposited_on = DateField("Date de dépôt du dossier", validators=[Optional()])
    decided_on = DateField("Date de la décision", validators=[Optional()])
