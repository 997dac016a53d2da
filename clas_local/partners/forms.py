"""Forms of the directory. Rules about what is valid come from partners.validation."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from clas_local.db import EMAIL_LEN, NAME_LEN
from clas_local.extensions import db
from clas_local.forms import Form, SelectField, choices, enum_choices
from clas_local.partners import validation
from clas_local.partners.models import (
    COVERING_KINDS,
    SCHOOL_KINDS,
    EducationPrioritaire,
    Partner,
    PartnerKind,
    Sector,
)


def parse_communes(text: str) -> list[str]:
    """« 35238, 2A004 » or one per line → ["35238", "2A004"]; ValueError with a French message."""
    codes: list[str] = []
    for code in text.replace(",", " ").replace(";", " ").split():
        code = code.strip().upper()
        if not validation.INSEE_RE.match(code):
            raise ValueError(
                f"« {code} » n'est pas un code INSEE de commune : 5 caractères, des chiffres (35238) "
                "ou, en Corse, 2A ou 2B suivis de 3 chiffres (2A004)."
            )
        if code not in codes:
            codes.append(code)
    if len(codes) > 200:
        raise ValueError("Indiquez 200 communes au plus.")
    return codes


def _check(rule):
    """A WTForms validator from one of our `…_error(value) -> message | None` rules."""

    def validator(_form, field):
        message = rule(field.data or "")
        if message:
            raise ValidationError(message)

    return validator


class PartnerForm(Form):
    kind = SelectField("Type de partenaire", validators=[DataRequired("Choisissez le type de partenaire.")])
    name = StringField(
        "Nom",
        validators=[DataRequired("Indiquez le nom de l'organisation."), Length(max=NAME_LEN)],
    )
    uai = StringField(
        "UAI (code de l'établissement)",
        description="Pour une école, un collège ou un lycée : 7 chiffres et une lettre, ex. 0350122T.",
        validators=[Length(max=8, message="Un UAI compte 8 caractères.")],
    )
    education_prioritaire = SelectField(
        "Éducation prioritaire", choices=enum_choices(EducationPrioritaire), default=EducationPrioritaire.NONE.value
    )
    sector = SelectField("Secteur", choices=choices([("", "Non précisé"), *Sector.choices()]), default="")
    address = StringField("Adresse", validators=[Optional(), Length(max=300)])
    postcode = StringField("Code postal", validators=[Optional(), _check(validation.postcode_error)])
    commune_name = StringField("Commune", validators=[Optional(), Length(max=NAME_LEN)])
    commune_code = StringField(
        "Code commune INSEE", description="Ex. 35238 pour Rennes.", validators=[Optional(), _check(validation.commune_code_error)]
    )
    phone = StringField("Téléphone", description="Ex. 02 99 12 34 56.", validators=[Optional(), _check(validation.phone_error)])
    email = StringField(
        "E-mail", validators=[Optional(), Length(max=EMAIL_LEN), _check(validation.email_error)]
    )
    website = StringField("Site web", validators=[Optional(), Length(max=300)])
    circonscription = StringField("Circonscription", validators=[Optional(), Length(max=NAME_LEN)])
    is_open = BooleanField("Établissement ou structure en activité", default=True)
    covered_communes = TextAreaField(
        "Communes couvertes (codes INSEE)",
        description="Pour un PRE, un PEDT, un PEL ou une cité éducative : les codes INSEE des communes qu'il couvre, "
        "séparés par des virgules ou des espaces (ex. « 35238, 35024 » ; en Corse « 2A004 »). Les projets dont une "
        "école s'y trouve se verront suggérer ce partenaire.",
        validators=[Optional(), Length(max=2000)],
    )
    notes = TextAreaField(
        "Notes",
        description="Informations utiles sur l'organisation. N'y notez aucune donnée sur les enfants.",
        validators=[Optional(), Length(max=2000)],
    )

    def __init__(self, *args, committee, kinds, partner: Partner | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.committee = committee
        self.partner = partner
        self.kind.choices = choices([("", "— Choisir —"), *((kind.value, kind.label) for kind in kinds)])

    def validate_uai(self, field):
        kind = PartnerKind(self.kind.data) if self.kind.data in PartnerKind._value2member_map_ else None
        value = (field.data or "").strip().upper()
        field.data = value
        if kind is None or kind not in SCHOOL_KINDS:
            if value:
                raise ValidationError("Seuls les écoles, collèges et lycées ont un UAI : laissez ce champ vide.")
            return
        if not value:
            raise ValidationError("Indiquez l'UAI de l'établissement (ex. 0350122T).")
        message = validation.uai_error(value)
        if message:
            raise ValidationError(message)
        query = select(Partner.name).where(Partner.committee_id == self.committee.id, Partner.uai == value)
        if self.partner is not None:
            query = query.where(Partner.id != self.partner.id)
        other = db.session.scalar(query)
        if other:
            raise ValidationError(f"L'annuaire a déjà un établissement avec cet UAI : {other}.")

    def validate_covered_communes(self, field):
        try:
            codes = parse_communes(field.data or "")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        kind = PartnerKind(self.kind.data) if self.kind.data in PartnerKind._value2member_map_ else None
        if codes and kind not in COVERING_KINDS:
            raise ValidationError(
                "Seuls un PRE, un PEDT, un PEL ou une cité éducative couvrent des communes : laissez ce champ vide."
            )

    def data_for_service(self) -> dict:
        data = {name: self[name].data for name in (
            "name", "uai", "address", "postcode", "commune_name", "commune_code", "phone", "email", "website",
            "circonscription", "is_open", "notes",
        )}  # fmt: skip
        data = {name: ("" if value is None else value) for name, value in data.items()}
        data["is_open"] = bool(self.is_open.data)
        data["kind"] = PartnerKind(self.kind.data)
        data["education_prioritaire"] = EducationPrioritaire(self.education_prioritaire.data)
        data["sector"] = Sector(self.sector.data) if self.sector.data else None
        data["covered_communes"] = parse_communes(self.covered_communes.data or "")
        return data


class ContactForm(Form):
    full_name = StringField(
        "Nom et prénom", validators=[DataRequired("Indiquez le nom de la personne."), Length(max=NAME_LEN)]
    )
    function = StringField(
        "Fonction", description="Ex. directrice, CPE, coordinateur Clas.", validators=[Optional(), Length(max=NAME_LEN)]
    )
    email = StringField("E-mail", validators=[Optional(), Length(max=EMAIL_LEN), _check(validation.email_error)])
    phone = StringField("Téléphone", description="Ex. 06 12 34 56 78.", validators=[Optional(), _check(validation.phone_error)])


class ContactExportForm(Form):
    format = HiddenField(default="json")


class ImportForm(Form):
    file = FileField(
        "Export CSV de l'Annuaire de l'éducation",
        description="Fichier « fr-en-annuaire-education » téléchargé sur data.education.gouv.fr (CSV, séparateur « ; »).",
        validators=[FileRequired("Choisissez le fichier à importer.")],
    )
    territory_only = BooleanField("Seulement les communes du territoire du comité", default=True)
    all_types = BooleanField(
        "Importer aussi les autres établissements (services administratifs, CIO, médico-social…)", default=False
    )
