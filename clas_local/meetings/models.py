"""Concertation meetings (the referential's key moments and the comité local) and their minutes."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import NAME_LEN, Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class MeetingKind(LabelledEnum):
    DIAGNOSTIC = ("diagnostic", "Diagnostic")
    LANCEMENT = ("lancement", "Lancement")
    SUIVI = ("suivi", "Suivi")
    BILAN = ("bilan", "Bilan")
    COMITE_LOCAL = ("comite_local", "Comité local")
    # Another instance de concertation des politiques éducatives (PEDT commission, PEL…):
    # the porteur's presence there is evidence of the axe territoire, like a comité local's.
    INSTANCE = ("instance", "Instance de concertation (PEDT, PEL…)")
    AUTRE = ("autre", "Autre réunion")


# The four moments the referential names for the concertation with schools.
KEY_MOMENTS = (MeetingKind.DIAGNOSTIC, MeetingKind.LANCEMENT, MeetingKind.SUIVI, MeetingKind.BILAN)
# The only kinds a meeting may have without a project: every other one concerns a project.
PROJECTLESS_KINDS = (MeetingKind.COMITE_LOCAL, MeetingKind.INSTANCE, MeetingKind.AUTRE)
# Where a porteur takes part in the territory's concertation (comités locaux « et/ou » instances).
CONCERTATION_KINDS = (MeetingKind.COMITE_LOCAL, MeetingKind.INSTANCE)


class MeetingStatus(LabelledEnum):
    PLANNED = ("planned", "Prévue")
    CANCELLED = ("cancelled", "Annulée")
    HELD = ("held", "Tenue")


class MeetingState(enum.Enum):
    """Where a meeting stands as its reader sees it, in the same words on every page: the
    stored status, plus « à compléter » for a meeting that is over but still only planned
    (nobody has recorded its attendance and marked it held yet)."""

    PLANNED = ("planned", "Prévue", "info")
    TO_COMPLETE = ("to_complete", "À compléter (présences, compte rendu)", "warn")
    HELD = ("held", "Tenue", "ok")
    CANCELLED = ("cancelled", "Annulée", "danger")

    def __init__(self, code: str, label: str, tone: str):
        self.code = code
        self.label = label
        self.tone = tone

    @classmethod
    def of(cls, status: MeetingStatus, ends_at: datetime, now: datetime) -> MeetingState:
        if status is MeetingStatus.CANCELLED:
            return cls.CANCELLED
        if status is MeetingStatus.HELD:
            return cls.HELD
        return cls.TO_COMPLETE if ends_at <= now else cls.PLANNED


class MomentState(enum.Enum):
    """Where a key moment of a project stands on its timeline, in the same words on every page
    (project, dashboard, dossier, bilan). A key moment is never a failure of the dossier: not
    yet held, it is to plan, planned, or to complete (over, attendance not yet recorded), in
    the words `MeetingState` gives a single meeting."""

    TO_PLAN = ("to_plan", "À planifier", "neutral")
    PLANNED = ("planned", MeetingState.PLANNED.label, MeetingState.PLANNED.tone)
    TO_COMPLETE = ("to_complete", MeetingState.TO_COMPLETE.label, MeetingState.TO_COMPLETE.tone)
    HELD = ("held", MeetingState.HELD.label, MeetingState.HELD.tone)

    def __init__(self, code: str, label: str, tone: str):
        self.code = code
        self.label = label
        self.tone = tone

    @classmethod
    def of(cls, states) -> MomentState:
        """The moment's state from its meetings' `MeetingState`s (cancelled ones ignored)."""
        states = set(states) - {MeetingState.CANCELLED}
        for state, moment in (
            (MeetingState.HELD, cls.HELD),
            (MeetingState.TO_COMPLETE, cls.TO_COMPLETE),
            (MeetingState.PLANNED, cls.PLANNED),
        ):
            if state in states:
                return moment
        return cls.TO_PLAN


def new_calendar_uid() -> str:
    return f"{uuid.uuid4()}@clas-local"


class Meeting(TimestampMixin, Base):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("sequence >= 0", name="sequence_positive"),
        CheckConstraint(
            "project_id IS NOT NULL OR kind IN ('comite_local', 'instance', 'autre')", name="key_moment_has_project"
        ),
        Index("ix_meeting_committee_starts", "committee_id", "starts_at"),
        Index("ix_meeting_project_starts", "project_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    # None: a meeting of the comité local itself.
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"))
    kind: Mapped[MeetingKind] = mapped_column(enum_column(MeetingKind, "meeting_kind"))
    title: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    online_url: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus, "meeting_status"), default=MeetingStatus.PLANNED
    )
    # RFC 5545: the UID never changes; SEQUENCE rises on every material change.
    uid: Mapped[str] = mapped_column(String(120), unique=True, default=new_calendar_uid)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
    invitations: Mapped[list["Invitation"]] = relationship(  # noqa: F821
        back_populates="meeting", cascade="all, delete-orphan", order_by="Invitation.id"
    )
    attendances: Mapped[list["Attendance"]] = relationship(  # noqa: F821
        back_populates="meeting", cascade="all, delete-orphan", order_by="Attendance.id"
    )
    minutes: Mapped[Minutes | None] = relationship(back_populates="meeting", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Meeting {self.kind.value} {self.starts_at:%Y-%m-%d}>"

    @property
    def display_title(self) -> str:
        return self.title or self.kind.label

    def state(self, now: datetime) -> MeetingState:
        return MeetingState.of(self.status, self.ends_at, now)

    def open_for_answers(self, now: datetime) -> bool:
        """Invitees may still answer (by their link or their school's page): planned, not over."""
        return self.status is MeetingStatus.PLANNED and self.ends_at > now


class Minutes(TimestampMixin, Base):
    """The compte rendu of a meeting. Never a child's name: the form says so."""

    __tablename__ = "minutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    meeting: Mapped[Meeting] = relationship(back_populates="minutes")
