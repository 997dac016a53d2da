"""The département level: who follows the committees of a département, and what they record.

A department user (a CAF conseiller, the secrétariat of the comité départemental) reads every
committee of one département and writes nothing inside them; what they write is their own:
field visits of the projects and difficulties flagged to the comité départemental. Free text
about the actions only: never a child's name or any personal data about a child.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import NAME_LEN, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class DepartmentFunction(LabelledEnum):
    CAF = ("caf", "Conseiller ou conseillère CAF")
    SECRETARIAT = ("secretariat", "Secrétariat du comité départemental")


class DepartmentAccess(TimestampMixin, Base):
    """A user's reading right over the committees of one département (at most one per user)."""

    __tablename__ = "department_access"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), unique=True)
    departement_code: Mapped[str] = mapped_column(String(3), index=True)
    function: Mapped[DepartmentFunction] = mapped_column(enum_column(DepartmentFunction, "department_function"))

    user: Mapped["User"] = relationship(back_populates="department_access")  # noqa: F821


class FieldVisit(TimestampMixin, Base):
    """« Visite de terrain » of a project (the referential recommends them after the bilan)."""

    __tablename__ = "field_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    visited_on: Mapped[date] = mapped_column(Date)
    # Who visited: names and functions of the visitors, as they wish to appear.
    visitors: Mapped[str] = mapped_column(String(NAME_LEN))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    project: Mapped["Project"] = relationship()  # noqa: F821
    committee: Mapped["Committee"] = relationship()  # noqa: F821


class DifficultyStatus(LabelledEnum):
    OPEN = ("open", "Ouverte")
    CLOSED = ("closed", "Close")


class Difficulty(TimestampMixin, Base):
    """A difficulty flagged to the comité départemental (« le comité départemental du Sdsf peut
    être informé des difficultés rencontrées »), about a committee or one of its projects."""

    __tablename__ = "department_difficulty"

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    noted_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[DifficultyStatus] = mapped_column(
        enum_column(DifficultyStatus, "difficulty_status"), default=DifficultyStatus.OPEN
    )
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
