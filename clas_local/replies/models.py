"""Answers from calendar clients (iMIP REPLY) that could not be recorded, with the reason.

The message itself is moved to the rejected IMAP folder; the row says why, for the
organiser and for `clas fetch-replies`'s summary. The sender's address and the raw
message name a person: partners/erasure.py erases them with the contact.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clas_local.db import Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class RejectionReason(LabelledEnum):
    NO_CALENDAR = ("no_calendar", "Message sans réponse d'agenda")
    MALFORMED = ("malformed", "Agenda illisible")
    NOT_A_REPLY = ("not_a_reply", "Agenda qui n'est pas une réponse")
    UNKNOWN_TOKEN = ("unknown_token", "Adresse de réponse inconnue ou falsifiée")
    WRONG_UID = ("wrong_uid", "Réponse à une autre réunion")
    OLD_SEQUENCE = ("old_sequence", "Réponse à une version dépassée de la réunion")
    CANCELLED = ("cancelled", "Réponse à une réunion annulée")
    CLOSED = ("closed", "Réponse à une réunion passée")
    NO_ANSWER = ("no_answer", "Réponse sans participation lisible")
    INVALID = ("invalid", "Réponse refusée")


class RejectedReply(TimestampMixin, Base):
    __tablename__ = "rejected_reply"
    __table_args__ = (Index("ix_rejected_reply_committee", "committee_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Known when the reply address named a real invitation (the reason is then about the reply).
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    reason: Mapped[RejectionReason] = mapped_column(enum_column(RejectionReason, "rejection_reason"))
    detail: Mapped[str] = mapped_column(Text, default="")
    sender: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    message_id: Mapped[str] = mapped_column(String(300), default="")
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The message as received (up to RAW_MAX octets), as the rejected folder keeps it whole.
    raw: Mapped[bytes] = mapped_column(LargeBinary, default=b"")

    RAW_MAX = 256 * 1024
