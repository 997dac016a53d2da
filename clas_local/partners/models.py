"""The committee's directory: organisations (partners) and the people there (contacts)."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from clas_local.db import (
    EMAIL_LEN,
    NAME_LEN,
    PHONE_LEN,
    Base,
    LabelledEnum,
    TimestampMixin,
    UTCDateTime,
    enum_column,
)

UAI_LETTERS = "ABCDEFGHJKLMNPRSTUVWXYZ"
UAI_RE = re.compile(r"^\d{7}[A-Z]$")


def uai_check_letter(digits: str) -> str:
    return UAI_LETTERS[int(digits) % 23]


def uai_error(uai: str) -> str | None:
    """Why a UAI is invalid, in French, or None when it is valid."""
    if not UAI_RE.match(uai):
        return "Un UAI compte 7 chiffres suivis d'une lettre (ex. 0350122T)."
    expected = uai_check_letter(uai[:7])
    if uai[7] != expected:
        return f"La lettre de contrôle de l'UAI {uai} est fausse : {uai[:7]}{expected} attendu."
    return None


class PartnerKind(LabelledEnum):
    ECOLE = ("ecole", "École")
    COLLEGE = ("college", "Collège")
    LYCEE = ("lycee", "Lycée")
    EDUCATION_NATIONALE = ("education_nationale", "Éducation nationale (circonscription, DSDEN)")
    PRE = ("pre", "Programme de réussite éducative (PRE)")
    PEDT = ("pedt", "Projet éducatif de territoire (PEDT)")
    PEL = ("pel", "Projet éducatif local (PEL)")
    CITE_EDUCATIVE = ("cite_educative", "Cité éducative")
    REAAP = ("reaap", "REAAP")
    CENTRE_SOCIAL = ("centre_social", "Centre social")
    ALSH = ("alsh", "Accueil de loisirs (ALSH)")
    COLLECTIVITE = ("collectivite", "Collectivité")
    CAF = ("caf", "CAF")
    ETAT = ("etat", "Services de l'État")
    ASSOCIATION = ("association", "Association")
    BIBLIOTHEQUE = ("bibliotheque", "Bibliothèque / médiathèque")
    AUTRE = ("autre", "Autre")

    @property
    def is_school(self) -> bool:
        return self in SCHOOL_KINDS


SCHOOL_KINDS = frozenset({PartnerKind.ECOLE, PartnerKind.COLLEGE, PartnerKind.LYCEE})
# Partners a project can cite on its "axe territoire" (everything but schools).
TERRITORY_KINDS = frozenset(PartnerKind) - SCHOOL_KINDS
# Territory schemes that cover communes: a project whose schools lie there is offered the link.
COVERING_KINDS = frozenset({PartnerKind.PRE, PartnerKind.PEDT, PartnerKind.PEL, PartnerKind.CITE_EDUCATIVE})


class EducationPrioritaire(LabelledEnum):
    NONE = ("none", "Hors éducation prioritaire")
    REP = ("rep", "REP")
    REP_PLUS = ("rep_plus", "REP+")


class Sector(LabelledEnum):
    PUBLIC = ("public", "Public")
    PRIVATE = ("private", "Privé")


class Partner(TimestampMixin, Base):
    __tablename__ = "partner"
    __table_args__ = (
        UniqueConstraint("committee_id", "uai"),
        CheckConstraint("uai IS NULL OR length(uai) = 8", name="uai_length"),
        CheckConstraint(
            "uai IS NULL OR kind IN ('ecole', 'college', 'lycee')", name="uai_only_for_schools"
        ),
        Index("ix_partner_committee_kind_name", "committee_id", "kind", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    kind: Mapped[PartnerKind] = mapped_column(enum_column(PartnerKind, "partner_kind"))
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    uai: Mapped[str | None] = mapped_column(String(8))
    education_prioritaire: Mapped[EducationPrioritaire] = mapped_column(
        enum_column(EducationPrioritaire, "education_prioritaire"), default=EducationPrioritaire.NONE
    )
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector, "sector"))
    address: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str] = mapped_column(String(10), default="")
    commune_code: Mapped[str] = mapped_column(String(5), default="")
    commune_name: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    phone: Mapped[str] = mapped_column(String(PHONE_LEN), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_LEN), default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    circonscription: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    # For a PRE, PEDT, PEL or cité éducative: the INSEE codes of the communes it covers
    # (a JSON list, alike on both engines; a handful of codes per partner).
    covered_communes: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Lower-cased, accent-free copy of name, commune and UAI for portable search.
    search_text: Mapped[str] = mapped_column(String(600), default="", index=True)

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Contact.id"
    )

    def __repr__(self) -> str:
        return f"<Partner {self.kind.value} {self.name}>"

    @property
    def is_school(self) -> bool:
        return self.kind in SCHOOL_KINDS

    @property
    def covers_communes(self) -> bool:
        return self.kind in COVERING_KINDS

    @property
    def is_maternelle(self) -> bool:
        """A nursery school, which the Clas does not cover (« du CP au lycée »): the
        Annuaire names them « École maternelle … »."""
        return self.kind is PartnerKind.ECOLE and "maternelle" in (self.name or "").lower()

    @validates("uai")
    def _check_uai(self, _key: str, uai: str | None) -> str | None:
        if not uai:
            return None
        uai = uai.strip().upper()
        error = uai_error(uai)
        if error:
            raise ValueError(error)
        return uai

    @validates("covered_communes")
    def _check_communes(self, _key: str, codes: list[str] | None) -> list[str]:
        from clas_local.partners.validation import INSEE_RE

        for code in codes or []:
            if not INSEE_RE.match(code):
                raise ValueError(f"Code INSEE invalide : {code}")
        return list(codes or [])


class Contact(TimestampMixin, Base):
    """A person at a partner. Anonymising erases the person but keeps the row,
    so that past invitations and attendance still name the organisation and function."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"), index=True)
    full_name: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    function: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    email: Mapped[str] = mapped_column(String(EMAIL_LEN), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    partner: Mapped[Partner] = relationship(back_populates="contacts")

    @property
    def display_name(self) -> str:
        return contact_display_name(self.full_name, self.function, self.anonymised_at)


def contact_reference(contact: Contact) -> str:
    """How the audit log names a contact: number, function and organisation, never the
    person's name or address — the log is append-only, and an anonymised contact must
    not survive in it."""
    function = f" ({contact.function})" if contact.function else ""
    return f"contact n° {contact.id}{function} de {contact.partner.name}"


def contact_display_name(full_name: str, function: str, anonymised_at: datetime | None) -> str:
    """A contact's name as pages print it (for queries that read the columns, not the object)."""
    if anonymised_at:
        return f"Contact anonymisé ({function})" if function else "Contact anonymisé"
    return full_name
