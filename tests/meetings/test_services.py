"""Meeting services: SEQUENCE rises exactly on material changes; signals; partner-level invitations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings import services
from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind

START = datetime(2026, 12, 3, 16, 30, tzinfo=timezone.utc)


@pytest.fixture
def project(make_project, make_partner):
    return make_project(schools=(make_partner(PartnerKind.ECOLE), make_partner(PartnerKind.COLLEGE)))


def plan(committee, project, **overrides):
    fields = dict(kind=MeetingKind.SUIVI, project=project, starts_at=START, ends_at=START + timedelta(hours=1),
                  place="Salle 2", partner_ids=[s.partner_id for s in project.schools] if project else [])
    fields.update(overrides)
    meeting = services.create_meeting(committee, **fields)
    db.session.commit()
    return meeting


def test_create_sends_created_and_invites_the_partners(committee, project, meeting_signals):
    meeting = plan(committee, project)
    assert meeting.sequence == 0 and meeting.status is MeetingStatus.PLANNED
    rows = db.session.scalars(select(Invitation).where(Invitation.meeting_id == meeting.id)).all()
    assert {r.partner_id for r in rows} == {s.partner_id for s in project.schools}
    assert all(r.contact_id is None for r in rows)
    assert meeting_signals == [(meeting, {"created": True, "material": False, "cancelled": False})]
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.object_id == meeting.id)) == "meeting.created"


@pytest.mark.parametrize(
    "change",
    [
        {"starts_at": START + timedelta(days=1), "ends_at": START + timedelta(days=1, hours=1)},
        {"ends_at": START + timedelta(hours=2)},
        {"place": "Médiathèque"},
        {"online_url": "https://visio.exemple.fr/clas"},
    ],
)
def test_material_changes_raise_sequence_once(committee, project, meeting_signals, change):
    meeting = plan(committee, project)
    assert services.update_meeting(meeting, **change) is True
    db.session.commit()
    assert meeting.sequence == 1
    rescheduled = "starts_at" in change or "ends_at" in change
    sent = dict(meeting_signals[-1][1])
    changes = sent.pop("changes")
    assert sent == {"created": False, "material": True, "cancelled": False, "rescheduled": rescheduled}
    assert changes and all(before != after for _what, before, after in changes)  # what the update e-mail says


@pytest.mark.parametrize(
    "change",
    [
        {"agenda": "Point sur les inscriptions"},
        {"title": "Suivi de décembre"},
        {"place": "Salle 2"},  # the same value: no change at all
        {"starts_at": START.astimezone(timezone(timedelta(hours=1)))},  # the same instant
    ],
)
def test_other_edits_keep_sequence(committee, project, change):
    meeting = plan(committee, project)
    assert services.update_meeting(meeting, **change) is False
    db.session.commit()
    assert meeting.sequence == 0


def test_changing_invitees_keeps_sequence(committee, project, make_partner, meeting_signals):
    meeting = plan(committee, project)
    other = make_partner(PartnerKind.EDUCATION_NATIONALE)
    dropped = project.schools[1].partner_id
    services.update_meeting(meeting, partner_ids=[project.schools[0].partner_id, other.id])
    db.session.commit()
    assert meeting.sequence == 0
    invited = set(db.session.scalars(select(Invitation.partner_id).where(Invitation.meeting_id == meeting.id)))
    assert invited == {project.schools[0].partner_id, other.id}
    assert dropped not in invited
    assert meeting_signals[-1][1]["material"] is False


def test_cancel_raises_sequence_and_keeps_the_meeting(committee, project, meeting_signals):
    meeting = plan(committee, project)
    services.cancel_meeting(meeting)
    db.session.commit()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.CANCELLED, 1)
    assert meeting.cancelled_at is not None
    assert {k: v for k, v in meeting_signals[-1][1].items() if k != "reason"} == {
        "created": False, "material": True, "cancelled": True
    }
    with pytest.raises(services.MeetingError):
        services.cancel_meeting(meeting)
    with pytest.raises(services.MeetingError, match="annulée"):
        services.update_meeting(meeting, place="Ailleurs")


def test_mark_held_keeps_sequence(committee, project):
    meeting = plan(committee, project)
    services.update_meeting(meeting, place="Médiathèque")
    assert services.mark_held(meeting) is True
    db.session.commit()
    assert (meeting.status, meeting.sequence) == (MeetingStatus.HELD, 1)
    assert services.mark_held(meeting) is False


def test_invalid_changes_are_refused_with_a_french_reason(committee, project, make_project, make_committee):
    with pytest.raises(services.MeetingError, match="après son début"):
        plan(committee, project, ends_at=START - timedelta(minutes=1))
    with pytest.raises(services.MeetingError, match="concerne un projet"):
        plan(committee, None, kind=MeetingKind.BILAN, partner_ids=[])
    elsewhere = make_project(committee=make_committee())
    with pytest.raises(services.MeetingError, match="n'appartient pas"):
        plan(committee, elsewhere, partner_ids=[])
