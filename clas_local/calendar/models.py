"""Secret, revocable calendar feed tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import Base, UTCDateTime, utcnow


class CalendarFeed(Base):
    """A subscribable feed: a person's (committee None) or one committee's, seen as its owner may.

    Only the SHA-256 of the token is stored: a leaked database gives no working URL.
    Regenerating replaces the hash, so the old URL answers 404.
    """

    __tablename__ = "calendar_feed"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    committee_id: Mapped[int | None] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped["User"] = relationship()  # noqa: F821
    committee: Mapped["Committee | None"] = relationship()  # noqa: F821
