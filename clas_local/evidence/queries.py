"""Reads of evidence files: one query per page section, whatever the number of files."""

from __future__ import annotations

from sqlalchemy import select, union
from sqlalchemy.orm import contains_eager, joinedload

from clas_local.evidence.models import EvidenceFile
from clas_local.extensions import db
from clas_local.meetings.models import Meeting


def meeting_files(meeting) -> list[EvidenceFile]:
    return list(
        db.session.scalars(
            select(EvidenceFile)
            .where(EvidenceFile.meeting_id == meeting.id)
            .options(joinedload(EvidenceFile.uploaded_by))
            .order_by(EvidenceFile.created_at, EvidenceFile.id)
        )
    )


def project_files(project) -> tuple[list[EvidenceFile], list[EvidenceFile]]:
    """The project's own files, and those filed on its meetings (with their meeting), in one query.
    The files' ids first, each side on evidence_file's own indexes (PostgreSQL scans every file
    for « project OR meeting of the project »), then the files by primary key."""
    ids = union(
        select(EvidenceFile.id).where(EvidenceFile.project_id == project.id),
        select(EvidenceFile.id)
        .join(Meeting, EvidenceFile.meeting_id == Meeting.id)
        .where(EvidenceFile.committee_id == project.committee_id, Meeting.project_id == project.id),
    ).subquery()
    found = db.session.scalars(
        select(EvidenceFile)
        .join(ids, EvidenceFile.id == ids.c.id)
        .outerjoin(Meeting, EvidenceFile.meeting_id == Meeting.id)
        .options(contains_eager(EvidenceFile.meeting), joinedload(EvidenceFile.uploaded_by))
        .order_by(Meeting.starts_at.is_not(None), Meeting.starts_at, EvidenceFile.created_at, EvidenceFile.id)
    ).all()
    own = [evidence for evidence in found if evidence.meeting_id is None]
    on_meetings = [evidence for evidence in found if evidence.meeting_id is not None]
    return own, on_meetings
