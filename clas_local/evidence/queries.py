"""Reads of evidence files."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local.evidence.models import EvidenceFile
from clas_local.extensions import db
from clas_local.meetings.models import Meeting


def meeting_files(meeting) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.meeting_id == meeting.id)
            .options(selectinload(EvidenceFile.uploaded_by))
            .order_by(EvidenceFile.created_at, EvidenceFile.id)
        )
    )


def project_files(project) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.project_id == project.id)
            .options(selectinload(EvidenceFile.uploaded_by))
            .order_by(EvidenceFile.created_at, EvidenceFile.id)
        )
    )


def project_meeting_files(project) -> list[EvidenceFile]:
    """Files filed on the project's meetings, for the project page's overview."""
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .join(Meeting, EvidenceFile.meeting_id == Meeting.id)
            .where(Meeting.project_id == project.id)
            .options(selectinload(EvidenceFile.meeting), selectinload(EvidenceFile.uploaded_by))
            .order_by(Meeting.starts_at, EvidenceFile.id)
        )
    )
