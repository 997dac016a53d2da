"""Who is invited to a meeting, and what they answered."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class Answer(LabelledEnum):
    PENDING = ("pending", "Pas encore de réponse")
    ACCEPTED = ("accepted", "Présent·e")
    DECLINED = ("declined", "Excusé·e")
    TENTATIVE = ("tentative", "Peut-être")

    @classmethod
    def best(cls, answers: Iterable[Answer]) -> Answer:
        """An organisation's answer from its own and its people's: someone comes (accepted),
        else someone may come (tentative), else it is excused (declined), else pending."""
        given = set(answers)
        return next((answer for answer in (cls.ACCEPTED, cls.TENTATIVE, cls.DECLINED) if answer in given), cls.PENDING)


class AnswerChannel(LabelledEnum):
    LINK = ("link", "Lien reçu par e-mail")
    PAGE = ("page", "Depuis son compte")
    ORGANISER = ("organiser", "Saisie par l'organisateur")
    CALENDAR = ("calendar", "Réponse depuis l'agenda")


def new_rsvp_nonce() -> str:
    return secrets.token_urlsafe(12)


class Invitation(TimestampMixin, Base):
    """A meeting × partner, optionally down to one contact of that partner.

    The partner-level row (contact None) says the organisation is invited; each
    contact-level row is a person who receives the e-mail and their own answer link.
    """

    __tablename__ = "invitation"
    __table_args__ = (
        Index("uq_invitation_meeting_partner_contact", "meeting_id", "partner_id", "contact_id", unique=True),
        # NULLs are distinct in a unique index: one partner-level row per meeting and partner.
        Index(
            "uq_invitation_meeting_partner_org",
            "meeting_id",
            "partner_id",
            unique=True,
            sqlite_where=text("contact_id IS NULL"),
            postgresql_where=text("contact_id IS NULL"),
        ),
        Index("ix_invitation_partner", "partner_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    partner_id: Mapped[int] = mapped_column(ForeignKey("partner.id", ondelete="CASCADE"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    answer: Mapped[Answer] = mapped_column(enum_column(Answer, "answer"), default=Answer.PENDING)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_channel: Mapped[AnswerChannel | None] = mapped_column(enum_column(AnswerChannel, "answer_channel"))
    comment: Mapped[str] = mapped_column(Text, default="")
    # The meeting's date or time changed since this answer: it stands, « à reconfirmer »,
    # and calendars ask again (PARTSTAT=NEEDS-ACTION) until the person answers anew.
    answer_to_reconfirm: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Part of every signed answer link: renewing it revokes the links already sent.
    rsvp_nonce: Mapped[str] = mapped_column(String(32), default=new_rsvp_nonce)
    # The meeting SEQUENCE last e-mailed to this person: a higher one means an update is owed.
    sent_sequence: Mapped[int | None] = mapped_column(Integer)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped["Meeting"] = relationship(back_populates="invitations")  # noqa: F821
    partner: Mapped["Partner"] = relationship()  # noqa: F821
    contact: Mapped["Contact | None"] = relationship()  # noqa: F821

    @property
    def awaits_answer(self) -> bool:
        """No answer yet, or one given before the date or time changed (« à reconfirmer »)."""
        return self.answer is Answer.PENDING or self.answer_to_reconfirm
