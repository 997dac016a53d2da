"""Downloads and subscribable feeds: tokens, contents, headers, permissions, query counts, CLI."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import icalendar
from sqlalchemy import select

from clas_local.auth.models import Role
from clas_local.calendar import feeds, writer
from clas_local.calendar.models import CalendarFeed
from clas_local.extensions import db
from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind
from tests.calendar.ical_tools import icaljs_instants, strict_python_instants
from tests.conftest import count_queries, page_text, post

UTC = timezone.utc
TOKEN_RE = re.compile(r"/cal/([A-Za-z0-9_-]+)\.ics")


def new_feed_token(client, scope="person") -> str:
    response = post(client, "/compte/agenda", {"scope": scope})
    assert response.status_code == 200
    text = page_text(response)
    assert "webcal://" in text
    return TOKEN_RE.search(text).group(1)


def test_meeting_ics_download(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    meeting = make_meeting(project=make_project(name="Clas du Blosne"),
                           starts_at=datetime(2027, 3, 28, 15, 30, tzinfo=UTC))
    response = client.get(f"/c/rennes/meetings/{meeting.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert response.headers["Content-Disposition"] == f'attachment; filename="reunion-{meeting.id}.ics"'
    by_js = icaljs_instants(response.data)[meeting.uid]
    assert by_js["start"] == meeting.starts_at and by_js["summary"] == "Suivi – Clas du Blosne"
    assert strict_python_instants(response.data)[meeting.uid]["start"] == meeting.starts_at


def test_project_ics_holds_the_project_meetings_only(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    project = make_project()
    own = [make_meeting(project=project, starts_at=datetime(2026, 11, 5 + n, 16, tzinfo=UTC)) for n in range(2)]
    make_meeting(project=make_project())
    response = client.get(f"/c/rennes/projects/{project.id}/calendar.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert set(icaljs_instants(response.data)) == {m.uid for m in own}


def test_school_user_cannot_download_a_project_calendar(client, login_as, make_partner, make_project):
    school = make_partner(PartnerKind.ECOLE)
    login_as(Role.SCHOOL, partner=school)
    project = make_project(schools=(school,))
    assert client.get(f"/c/rennes/projects/{project.id}/calendar.ics").status_code == 404


def test_person_feed_lists_visible_meetings_with_publish_headers(client, login_as, make_partner, make_project,
                                                                 make_meeting, make_invitation):
    school = make_partner(PartnerKind.ECOLE)
    login_as(Role.SCHOOL, partner=school)
    invited = make_meeting(project=make_project(), starts_at=datetime(2026, 12, 1, 16, tzinfo=UTC))
    cancelled = make_meeting(project=make_project(), status=MeetingStatus.CANCELLED, sequence=1)
    hidden = make_meeting(project=make_project())
    make_invitation(invited, school)
    make_invitation(cancelled, school)
    token = new_feed_token(client)
    anonymous = client.application.test_client()
    response = anonymous.get(f"/cal/{token}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert b"\r\nMETHOD:PUBLISH\r\n" in response.data
    assert b"\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in response.data
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.data
    calendar = icalendar.Calendar.from_ical(response.data)
    assert calendar["X-WR-CALNAME"] == calendar["NAME"] == "Réunions Clas Local"
    events = icaljs_instants(response.data)
    assert set(events) == {invited.uid, cancelled.uid}
    assert hidden.uid not in events
    assert events[cancelled.uid]["status"] == "CANCELLED"
    assert events[invited.uid]["start"] == invited.starts_at


def test_committee_feed_follows_the_owner_rights(client, login_as, make_partner, make_project, make_meeting,
                                                 committee):
    porteur = make_partner(PartnerKind.ASSOCIATION)
    login_as(Role.PORTEUR, partner=porteur)
    own = make_meeting(project=make_project(porteur=porteur))
    comite = make_meeting(kind=MeetingKind.COMITE_LOCAL)
    other = make_meeting(project=make_project())
    token = new_feed_token(client, scope=str(committee.id))
    events = icaljs_instants(client.get(f"/cal/{token}.ics").data)
    assert set(events) == {own.uid, comite.uid}
    assert other.uid not in events


def test_wrong_or_regenerated_token_gives_404(client, login_as):
    login_as(Role.HOST)
    old = new_feed_token(client)
    assert client.get(f"/cal/{old}.ics").status_code == 200
    assert client.get("/cal/not-a-token.ics").status_code == 404
    new = new_feed_token(client)
    assert new != old
    assert client.get(f"/cal/{old}.ics").status_code == 404
    assert client.get(f"/cal/{new}.ics").status_code == 200
    stored = db.session.scalars(select(CalendarFeed.token_hash)).all()
    assert stored == [feeds.hash_token(new)]  # only the hash is kept


def test_feed_query_count_does_not_grow_with_meetings(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    token = new_feed_token(client)
    projects = [make_project() for _ in range(3)]

    def measure():
        writer.cache.clear()  # every measure reads the rows whole (a cold cache)
        with count_queries() as queries:
            assert client.get(f"/cal/{token}.ics").status_code == 200
        return len(queries)

    for n in range(3):
        make_meeting(project=projects[n], starts_at=datetime(2026, 12, 1 + n, 15, tzinfo=UTC))
    client.get(f"/cal/{token}.ics")  # the first fetch also notes the feed's use (an UPDATE every few hours)
    few = measure()
    for n in range(12):
        make_meeting(project=projects[n % 3], starts_at=datetime(2027, 1, 4 + n, 15, tzinfo=UTC))
    assert measure() == few


def test_a_member_who_leaves_stops_seeing_the_committee(client, login_as, make_meeting):
    from clas_local.auth.models import Membership

    user = login_as(Role.HOST)
    meeting = make_meeting()
    token = new_feed_token(client)
    assert meeting.uid in icaljs_instants(client.get(f"/cal/{token}.ics").data)
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == user.id)))
    db.session.commit()
    assert icaljs_instants(client.get(f"/cal/{token}.ics").data) == {}


def test_account_page_offers_instructions(client, login_as):
    login_as(Role.VIEWER)
    text = page_text(client.get("/compte/agenda"))
    for word in ("Outlook", "Google Agenda", "Thunderbird", "Créer mon lien"):
        assert word in text


def test_cli_prints_the_person_feed_url(app, make_member, client):
    user = make_member(Role.HOST, email="hote@exemple.fr")
    result = app.test_cli_runner().invoke(args=["clas", "feed-url", "--email", "hote@exemple.fr"])
    assert result.exit_code == 0, result.output
    token = TOKEN_RE.search(result.stdout).group(1)
    assert result.stdout.startswith("http://localhost/cal/")
    assert db.session.scalar(select(CalendarFeed.user_id).where(CalendarFeed.token_hash == feeds.hash_token(token))) == user.id
    assert client.get(f"/cal/{token}.ics").status_code == 200
    unknown = app.test_cli_runner().invoke(args=["clas", "feed-url", "--email", "personne@exemple.fr"])
    assert unknown.exit_code != 0 and "Aucun compte" in unknown.output
