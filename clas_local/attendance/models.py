"""What really happened at a meeting: which organisations came, and who was there."""

from __future__ import annotations

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import NAME_LEN, Base, LabelledEnum, TimestampMixin, enum_column


class Presence(LabelledEnum):
    PRESENT = ("present", "Présent")
    EXCUSED = ("excused", "Excusé")
    ABSENT = ("absent", "Absent")


class Attendance(TimestampMixin, Base):
    """One organisation at one meeting: invited or not, and whether it came.

    An attendee from outside the directory has no partner and an organisation label.
    """

    __tablename__ = "attendance"
    __table_args__ = (
        Index(
            "uq_attendance_meeting_partner",
            "meeting_id",
            "partner_id",
            unique=True,
            sqlite_where=text("partner_id IS NOT NULL"),
            postgresql_where=text("partner_id IS NOT NULL"),
        ),
        Index("ix_attendance_partner", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    organisation_label: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    presence: Mapped[Presence] = mapped_column(enum_column(Presence, "presence"))
    invited: Mapped[bool] = mapped_column(Boolean, default=True)

    meeting: Mapped["Meeting"] = relationship(back_populates="attendances")  # noqa: F821
    partner: Mapped["Partner | None"] = relationship()  # noqa: F821
    people: Mapped[list[Attendee]] = relationship(
        back_populates="attendance", cascade="all, delete-orphan", order_by="Attendee.id"
    )

    @property
    def organisation_name(self) -> str:
        return self.partner.name if self.partner else self.organisation_label

    @property
    def present_people(self) -> list[Attendee]:
        """The people who came. An organisation switched to excused or absent keeps the names
        entered (switching back to « Présent » shows them again), but none of them came."""
        return list(self.people) if self.presence is Presence.PRESENT else []


class Attendee(Base):
    """A person present: a known contact, or a free name with a function."""

    __tablename__ = "attendee"

    id: Mapped[int] = mapped_column(primary_key=True)
    attendance_id: Mapped[int] = mapped_column(ForeignKey("attendance.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(NAME_LEN), default="")
    function: Mapped[str] = mapped_column(String(NAME_LEN), default="")

    attendance: Mapped[Attendance] = relationship(back_populates="people")
    contact: Mapped["Contact | None"] = relationship()  # noqa: F821

    @property
    def display_name(self) -> str:
        if self.contact is not None:
            return self.contact.display_name
        return self.full_name
