"""The demo sends its upcoming meetings' invitations over SMTP and holds every kind of answer."""

from __future__ import annotations

from sqlalchemy import func, select

from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.meetings.models import Meeting, MeetingStatus


def test_demo_emails_upcoming_meetings_over_smtp_and_is_idempotent(app, smtp_server):
    seed_demo()
    db.session.commit()

    records = db.session.scalars(select(OutgoingMessage)).all()
    assert records and all(r.status is MessageStatus.SENT for r in records)
    assert len(smtp_server.received) == len(records)
    assert {r.recipients[0] for r in smtp_server.received} == {r.recipient for r in records}
    meeting_ids = {r.meeting_id for r in records}
    meetings = db.session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids))).all()
    assert all(m.status is MeetingStatus.PLANNED for m in meetings)
    answers = set(db.session.scalars(select(Invitation.answer).where(Invitation.contact_id.is_not(None))))
    assert answers == {Answer.ACCEPTED, Answer.DECLINED, Answer.TENTATIVE, Answer.PENDING}

    rows_before = db.session.scalar(select(func.count(Invitation.id)))
    seed_demo()
    db.session.commit()
    assert len(smtp_server.received) == len(records)
    assert db.session.scalar(select(func.count(OutgoingMessage.id))) == len(records)
    assert db.session.scalar(select(func.count(Invitation.id))) == rows_before
