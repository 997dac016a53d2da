"""Outgoing e-mail, recorded before it is sent so that nothing is ever lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import Base, LabelledEnum, TimestampMixin, UTCDateTime, enum_column


class MessageKind(LabelledEnum):
    INVITATION = ("invitation", "Invitation")
    UPDATE = ("update", "Mise à jour")
    CANCELLATION = ("cancellation", "Annulation")
    REMINDER = ("reminder", "Relance")
    ACCOUNT = ("account", "Accès au compte (lien de mot de passe)")
    MINUTES = ("minutes", "Compte rendu")


class MessageStatus(LabelledEnum):
    QUEUED = ("queued", "En attente")
    SENT = ("sent", "Envoyé")
    FAILED = ("failed", "Échec")


class OutgoingMessage(TimestampMixin, Base):
    __tablename__ = "outgoing_message"
    __table_args__ = (Index("ix_outgoing_message_status", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="SET NULL"), index=True)
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    kind: Mapped[MessageKind] = mapped_column(enum_column(MessageKind, "message_kind"))
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    # The whole RFC 5322 message, built once: resending sends exactly the same bytes.
    raw: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[MessageStatus] = mapped_column(
        enum_column(MessageStatus, "message_status"), default=MessageStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    meeting: Mapped["Meeting | None"] = relationship()  # noqa: F821

    @property
    def readable_by_hosts(self) -> bool:
        """An account message holds a link that sets someone's password: only its recipient reads it."""
        return self.kind is not MessageKind.ACCOUNT
