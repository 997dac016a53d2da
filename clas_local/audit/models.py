"""The audit log: who did what, when. Append-only, enforced by the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from clas_local.db import Base, UTCDateTime, utcnow


class AuditEvent(Base):
    """No foreign keys on purpose: a row must outlive the user or committee it names,
    and ON DELETE SET NULL would be an UPDATE, which the log refuses."""

    __tablename__ = "audit_event"
    __table_args__ = (Index("ix_audit_event_committee_at", "committee_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str] = mapped_column(String(254), default="")
    committee_id: Mapped[int | None] = mapped_column(Integer)
    # Dotted verb, e.g. "login.success", "meeting.update", "contact.anonymise".
    action: Mapped[str] = mapped_column(String(60))
    object_type: Mapped[str] = mapped_column(String(40), default="")
    object_id: Mapped[int | None] = mapped_column(Integer)
    summary: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip_address: Mapped[str] = mapped_column(String(45), default="")
