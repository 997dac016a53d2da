"""Evidence files (signed sign-in sheets, minutes, conventions…) kept as proof."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import Base, LabelledEnum, UTCDateTime, enum_column, utcnow


class EvidenceKind(LabelledEnum):
    SIGNIN_SHEET = ("signin_sheet", "Feuille d'émargement signée")
    MINUTES = ("minutes", "Compte rendu")
    CONVENTION = ("convention", "Convention")
    DIAGNOSTIC = ("diagnostic", "Diagnostic")
    OTHER = ("other", "Autre")


class EvidenceFile(Base):
    __tablename__ = "evidence_file"
    __table_args__ = (
        CheckConstraint("meeting_id IS NOT NULL OR project_id IS NOT NULL", name="attached"),
        CheckConstraint("size_bytes >= 0", name="size_positive"),
        CheckConstraint("length(sha256) = 64", name="sha256_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), index=True)
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    original_name: Mapped[str] = mapped_column(String(255))
    # Random name on disk, outside static/: never derived from the uploaded name.
    storage_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, server_default=func.now())

    committee: Mapped["Committee"] = relationship()  # noqa: F821
    meeting: Mapped["Meeting | None"] = relationship()  # noqa: F821
    project: Mapped["Project | None"] = relationship()  # noqa: F821
    uploaded_by: Mapped["User | None"] = relationship()  # noqa: F821
