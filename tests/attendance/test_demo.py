"""The demo holds attendance on its held meetings, their minutes and a sign-in sheet filed as evidence."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from clas_local.attendance.models import Attendance, Attendee
from clas_local.demo import seed_demo
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.meetings.models import Meeting, MeetingStatus, Minutes


def _counts() -> tuple[int, int, int, int]:
    return tuple(
        db.session.scalar(select(func.count()).select_from(model)) for model in (Attendance, Attendee, Minutes, EvidenceFile)
    )


def test_demo_attendance_minutes_and_evidence_idempotent(app):
    seed_demo()
    db.session.commit()

    held = db.session.scalars(select(Meeting).where(Meeting.status == MeetingStatus.HELD)).all()
    assert held
    for meeting in held:
        assert meeting.attendances, meeting.uid
        assert meeting.minutes is not None and meeting.minutes.body.strip(), meeting.uid
    planned_with_attendance = db.session.scalar(
        select(func.count()).select_from(Attendance).join(Meeting).where(Meeting.status != MeetingStatus.HELD)
    )
    assert planned_with_attendance == 0
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.invited.is_(False))) >= 1

    evidence = db.session.scalar(select(EvidenceFile).where(EvidenceFile.kind == EvidenceKind.SIGNIN_SHEET))
    path = Path(app.config["UPLOAD_FOLDER"]) / evidence.storage_name
    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == evidence.sha256
    assert evidence.content_type == "application/pdf" and evidence.original_name.endswith(".pdf")

    before = _counts()
    seed_demo()
    db.session.commit()
    assert _counts() == before
    assert len(list(Path(app.config["UPLOAD_FOLDER"]).iterdir())) == 1
