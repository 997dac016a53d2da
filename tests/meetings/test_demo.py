from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus


def test_demo_meetings_span_the_year_and_seed_once(app):
    seed_demo()
    db.session.commit()
    count = db.session.scalar(select(func.count(Meeting.id)))
    invitations = db.session.scalar(select(func.count(Invitation.id)))
    seed_demo()
    db.session.commit()
    assert db.session.scalar(select(func.count(Meeting.id))) == count
    assert db.session.scalar(select(func.count(Invitation.id))) == invitations
    meetings = db.session.scalars(select(Meeting)).all()
    statuses = [m.status for m in meetings]
    assert statuses.count(MeetingStatus.CANCELLED) == 1 and MeetingStatus.HELD in statuses
    assert any(m.kind is MeetingKind.COMITE_LOCAL for m in meetings)
    offsets = {m.starts_at.astimezone(ZoneInfo("Europe/Paris")).utcoffset().seconds // 3600 for m in meetings}
    assert offsets == {1, 2}  # both sides of the DST changes
    months = {m.starts_at.month for m in meetings}
    assert {10, 11, 6} <= months
    assert all(m.invitations for m in meetings)
