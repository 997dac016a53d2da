"""The comité local: the tenant every other object belongs to."""

from __future__ import annotations

import re

from sqlalchemy import JSON, CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, validates

from clas_local.db import NAME_LEN, Base, TimestampMixin, enum_column
from clas_local.school_year import HolidayZone  # with the school calendar it selects; importable from here too

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
INSEE_RE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
SIREN_RE = re.compile(r"^\d{9}$")


class Committee(TimestampMixin, Base):
    __tablename__ = "committee"
    __table_args__ = (CheckConstraint("length(slug) >= 2", name="slug_length"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    host_organisation: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    # INSEE commune codes of the territory; a JSON list works alike on both engines.
    insee_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    epci_siren: Mapped[str | None] = mapped_column(String(9))
    holiday_zone: Mapped[HolidayZone] = mapped_column(enum_column(HolidayZone, "holiday_zone"))
    timezone: Mapped[str] = mapped_column(String(64), default="Europe/Paris")
    # Sender shown as ORGANIZER and From: in invitations; falls back to MAIL_DEFAULT_SENDER.
    sender_email: Mapped[str | None] = mapped_column(String(254))
    # The département whose comité départemental and CAF follow this committee (« 35 », « 2A »,
    # « 974 »): the department role reads every committee of its code. None: not set yet.
    departement_code: Mapped[str | None] = mapped_column(String(3), index=True)

    def __repr__(self) -> str:
        return f"<Committee {self.slug}>"

    @validates("slug")
    def _check_slug(self, _key: str, slug: str) -> str:
        if not SLUG_RE.match(slug or ""):
            raise ValueError("L'identifiant ne peut contenir que des minuscules, chiffres et tirets.")
        return slug

    @validates("timezone")
    def _check_timezone(self, _key: str, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"Fuseau horaire inconnu : {name}") from exc
        return name

    @validates("insee_codes")
    def _check_insee(self, _key: str, codes: list[str]) -> list[str]:
        for code in codes or []:
            if not INSEE_RE.match(code):
                raise ValueError(f"Code INSEE invalide : {code}")
        return list(codes or [])

    @validates("departement_code")
    def _check_departement(self, _key: str, code: str | None) -> str | None:
        from clas_local.department.models import normalise_code

        return normalise_code(code)

    @validates("epci_siren")
    def _check_siren(self, _key: str, siren: str | None) -> str | None:
        if siren and not SIREN_RE.match(siren):
            raise ValueError("Le SIREN d'un EPCI compte 9 chiffres.")
        return siren or None


class CommitteeRevision(Base):
    """How many times the database has written a row of the committee's data: the committee
    itself, its partners and contacts, projects and their links, collectifs, figures and
    financing, meetings with their invitations, attendance, minutes and files, the holidays
    entered. Database triggers count the writes (migration 6b0f3c2d9e17), whatever code path
    makes them (ORM, bulk statements, upserts, cascades): what is kept under a revision is never
    stale. A committee without a row has revision 0.

    On PostgreSQL the triggers are deferred to the commit: a transaction locks the counter's row
    last and briefly, never while it goes on to wait for other rows."""

    __tablename__ = "committee_revision"

    committee_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    revision: Mapped[int] = mapped_column(Integer, default=0)
