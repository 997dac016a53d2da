"""Clas projects, the schools and territory partners they work with, and their collectifs."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates

from clas_local.db import NAME_LEN, Base, LabelledEnum, TimestampMixin, enum_column
from clas_local.school_year import school_year_error


class CafStatus(LabelledEnum):
    """Where the CAF's decision on one school year of a project stands."""

    DEPOSITED = ("depose", "Dossier déposé")
    GRANTED = ("accorde", "Financement accordé")
    REFUSED = ("refuse", "Financement refusé")

    @property
    def tone(self) -> str:
        return {"depose": "info", "accorde": "ok", "refuse": "danger"}[self.value]


class FinancingKind(LabelledEnum):
    """The referential's financing: one year at a time, or « pluriannuel » (agrément of a
    centre social, up to 5 years; convention d'objectifs et de financement, 4 years at most)."""

    ANNUAL = ("annuel", "Financement annuel")
    AGREMENT = ("agrement_centre_social", "Adossé à l'agrément du centre social (jusqu'à 5 ans)")
    COF = ("cof", "Convention d'objectifs et de financement – COF (4 ans au plus)")

    @property
    def max_years(self) -> int:
        return {"annuel": 1, "agrement_centre_social": 5, "cof": 4}[self.value]


class Project(TimestampMixin, Base):
    __tablename__ = "project"
    __table_args__ = (
        CheckConstraint("school_year LIKE '____-____'", name="school_year_format"),
        CheckConstraint(
            "caf_decided_on IS NULL OR caf_deposited_on IS NULL OR caf_decided_on >= caf_deposited_on",
            name="caf_dates_in_order",
        ),
        Index("ix_project_committee_year", "committee_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    # The organisation holding the project (association, centre social, commune…).
    porteur_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    # The coordinator the referential requires, a contact at the porteur.
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    is_rural: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    # The project's own first day of activity; None: the referential's « préconisé » default,
    # the first school day after the Toussaint holidays (school_year.activity_window).
    activity_start: Mapped[date | None] = mapped_column(Date)
    # A project that lasts is one row per school year: the year it was reconducted from (a year
    # is reconducted once: unique), and the first year of its line (None: this row is the first).
    previous_project_id: Mapped[int | None] = mapped_column(
        ForeignKey("project.id", ondelete="SET NULL"), unique=True
    )
    first_project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="SET NULL"), index=True)
    # The CAF's decision on this school year (the financing itself is the line's: ProjectFinancing).
    caf_status: Mapped[CafStatus | None] = mapped_column(enum_column(CafStatus, "caf_status"))
    caf_deposited_on: Mapped[date | None] = mapped_column(Date)
    caf_decided_on: Mapped[date | None] = mapped_column(Date)
    # Not a column: the version of the project's dossier, read with the project by the PDF
    # routes (dossier.cache.stamp_option); None otherwise.
    dossier_stamp: Mapped[str | None] = query_expression()
    # Not a column either: the committee's revision (clas_local.revisions), read with the project
    # by its page (projects.queries.DETAIL_OPTIONS); None otherwise.
    committee_revision: Mapped[int | None] = query_expression()

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    porteur: Mapped["Partner"] = relationship(foreign_keys=[porteur_id])  # noqa: F821
    coordinator: Mapped["Contact | None"] = relationship(foreign_keys=[coordinator_id])  # noqa: F821
    schools: Mapped[list[ProjectSchool]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectSchool.id"
    )
    territory_partners: Mapped[list[ProjectPartner]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectPartner.id"
    )
    collectifs: Mapped[list[Collectif]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="Collectif.id"
    )
    # The département's field visits (department/models.py), newest first; read-only here, the
    # database deletes them with the project.
    field_visits: Mapped[list["FieldVisit"]] = relationship(  # noqa: F821
        viewonly=True, order_by="(FieldVisit.visited_on.desc(), FieldVisit.id.desc())"
    )
    # The year's « Bilan d'activité » (activity.models), read only: joined into the project
    # page's query so that its panel costs no query; written through activity.services.
    activity_figures: Mapped["ActivityFigures | None"] = relationship(  # noqa: F821
        viewonly=True, uselist=False
    )

    def __repr__(self) -> str:
        return f"<Project {self.name} {self.school_year}>"

    @validates("school_year")
    def _check_school_year(self, _key: str, value: str) -> str:
        error = school_year_error(value)
        if error:
            raise ValueError(error)
        return value

    @property
    def first_year(self) -> int:
        return int(self.school_year[:4])

    @property
    def line_id(self) -> int:
        """The id of the first project of the line (its own id when it is the first)."""
        return self.first_project_id or self.id

    @property
    def next_school_year(self) -> str:
        return f"{self.first_year + 1}-{self.first_year + 2}"


class ProjectFinancing(TimestampMixin, Base):
    """How a line of projects is financed over a period of school years. Several may follow each
    other on a line (annual years, then a COF); their periods do not overlap."""

    __tablename__ = "project_financing"
    __table_args__ = (
        CheckConstraint("first_year LIKE '____-____' AND last_year LIKE '____-____'", name="financing_years_format"),
        CheckConstraint("last_year >= first_year", name="financing_years_in_order"),
        UniqueConstraint("line_project_id", "first_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The first project of the line (Project.line_id).
    line_project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[FinancingKind] = mapped_column(enum_column(FinancingKind, "financing_kind"))
    first_year: Mapped[str] = mapped_column(String(9))
    last_year: Mapped[str] = mapped_column(String(9))

    @property
    def years(self) -> int:
        return int(self.last_year[:4]) - int(self.first_year[:4]) + 1

    def covers(self, school_year: str) -> bool:
        return self.first_year <= school_year <= self.last_year


class ProjectSchool(Base):
    """A school the project works with, and the person there who is its referent."""

    __tablename__ = "project_school"
    __table_args__ = (
        UniqueConstraint("project_id", "partner_id"),
        CheckConstraint("oriented_children_count IS NULL OR oriented_children_count BETWEEN 0 AND 500", name="oriented_children_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    referent_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    # « Etablir une collaboration avec les équipes éducatives pour l'orientation des enfants
    # vers le Clas »: how many children the school's team oriented, and when. Counts only.
    oriented_children_count: Mapped[int | None] = mapped_column(Integer)
    oriented_on: Mapped[date | None] = mapped_column(Date)

    project: Mapped[Project] = relationship(back_populates="schools")
    partner: Mapped["Partner"] = relationship()  # noqa: F821
    referent_contact: Mapped["Contact | None"] = relationship()  # noqa: F821


class ProjectPartner(Base):
    """A territory partner of the project, with a sentence on the relation."""

    __tablename__ = "project_partner"
    __table_args__ = (UniqueConstraint("project_id", "partner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="RESTRICT"), index=True)
    relation: Mapped[str] = mapped_column(Text, default="")

    project: Mapped[Project] = relationship(back_populates="territory_partners")
    partner: Mapped["Partner"] = relationship()  # noqa: F821


class Collectif(TimestampMixin, Base):
    """A group of children. Counts only: no child's personal data is ever stored."""

    __tablename__ = "collectif"
    __table_args__ = (
        CheckConstraint("children_count >= 0 AND children_count <= 100", name="children_count_range"),
        CheckConstraint("animateurs_count >= 0 AND animateurs_count <= 20", name="animateurs_range"),
        CheckConstraint("weekly_sessions >= 0 AND weekly_sessions <= 14", name="weekly_sessions_range"),
        CheckConstraint("session_minutes >= 0 AND session_minutes <= 600", name="session_minutes_range"),
        CheckConstraint("planned_weeks >= 0 AND planned_weeks <= 53", name="planned_weeks_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    children_count: Mapped[int] = mapped_column(Integer, default=0)
    animateurs_count: Mapped[int] = mapped_column(Integer, default=0)
    weekly_sessions: Mapped[int] = mapped_column(Integer, default=0)
    session_minutes: Mapped[int] = mapped_column(Integer, default=0)
    planned_weeks: Mapped[int] = mapped_column(Integer, default=0)
    place: Mapped[str] = mapped_column(String(300), default="")

    project: Mapped[Project] = relationship(back_populates="collectifs")
