"""Feeds through the fast writer: same meetings as the shared visibility rule, fresh after
every edit despite the cache, a bounded number of queries cold and warm, ETag and 304."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from clas_local.auth.models import Role
from clas_local.calendar import feeds, writer
from clas_local.extensions import db
from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind
from clas_local.visibility import visible_meetings
from tests.calendar.ical_tools import READERS, icaljs_instants, strict_python_instants
from tests.calendar.test_feeds import new_feed_token
from tests.conftest import count_queries

UTC = timezone.utc


def fetch(client, token, **headers):
    return client.application.test_client().get(f"/cal/{token}.ics", headers=headers)


@pytest.mark.parametrize("role", [Role.HOST, Role.VIEWER, Role.PORTEUR, Role.SCHOOL])
def test_feed_holds_what_the_shared_visibility_rule_gives(client, login_as, make_partner, make_project,
                                                          make_meeting, make_invitation, committee, role):
    partner = make_partner(PartnerKind.ECOLE if role is Role.SCHOOL else PartnerKind.ASSOCIATION)
    user = login_as(role, partner=partner if role in (Role.PORTEUR, Role.SCHOOL) else None)
    own = make_project(porteur=partner if role is Role.PORTEUR else None, schools=(partner,))
    meetings = [make_meeting(project=own), make_meeting(project=make_project()), make_meeting(),
                make_meeting(project=own, status=MeetingStatus.CANCELLED, sequence=2)]
    make_invitation(meetings[0], partner)
    make_invitation(meetings[3], partner)
    token = new_feed_token(client)
    expected = {meeting.uid for meeting in db.session.scalars(visible_meetings(user, committee))}
    assert expected  # each role sees something, and hosts see more than schools
    for read in READERS:
        assert set(read(fetch(client, token).data)) == expected


def test_edits_show_at_the_next_fetch_despite_the_cache(client, login_as, make_project, make_meeting, committee):
    login_as(Role.HOST)
    project = make_project(name="Clas du Blosne")
    meeting = make_meeting(project=project, starts_at=datetime(2026, 12, 3, 16, 30, tzinfo=UTC))
    token = new_feed_token(client)
    assert icaljs_instants(fetch(client, token).data)[meeting.uid]["summary"] == "Suivi – Clas du Blosne"
    assert len(writer.cache) == 1

    project.name = "Clas du Blosne-Sud"  # the meeting row does not change
    db.session.commit()
    assert icaljs_instants(fetch(client, token).data)[meeting.uid]["summary"] == "Suivi – Clas du Blosne-Sud"

    meeting.title = "Point d'étape, 2e trimestre"
    meeting.starts_at = datetime(2027, 1, 14, 16, 30, tzinfo=UTC)
    meeting.ends_at = datetime(2027, 1, 14, 18, 0, tzinfo=UTC)
    meeting.status, meeting.sequence = MeetingStatus.CANCELLED, meeting.sequence + 1
    db.session.commit()
    event = icaljs_instants(fetch(client, token).data)[meeting.uid]
    assert event["summary"] == "Annulée : Point d'étape, 2e trimestre – Clas du Blosne-Sud"
    assert event["status"] == "CANCELLED" and event["sequence"] == meeting.sequence
    assert event["start"] == datetime(2027, 1, 14, 16, 30, tzinfo=UTC)

    committee.name = "Comité local de Rennes Métropole"
    db.session.commit()
    comite = make_meeting(kind=MeetingKind.COMITE_LOCAL)
    response = fetch(client, token)
    assert icaljs_instants(response.data)[comite.uid]["summary"] == "Comité local – Comité local de Rennes Métropole"


def test_query_count_bounded_cold_and_warm(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    token = new_feed_token(client)
    projects = [make_project() for _ in range(3)]

    def measure(cold):
        if cold:
            writer.cache.clear()
        with count_queries() as queries:
            assert fetch(client, token).status_code == 200
        return len(queries)

    for n in range(3):
        make_meeting(project=projects[n], starts_at=datetime(2026, 12, 1 + n, 15, tzinfo=UTC))
    fetch(client, token)  # the first fetch also notes the feed's use (an UPDATE every few hours)
    few = measure(cold=True), measure(cold=False)
    for n in range(12):
        make_meeting(project=projects[n % 3], starts_at=datetime(2027, 1, 4 + n, 15, tzinfo=UTC))
    many = measure(cold=True), measure(cold=False)
    assert many == few
    assert few[0] == few[1] + 1  # a cold cache reads the whole rows once more
    assert few[1] <= 8


def test_person_feed_across_committees_and_zones(client, make_committee, make_member, make_project, make_meeting):
    from clas_local.auth.models import Membership
    from tests.factories import sign_in

    user = make_member(Role.HOST)
    reunion = make_committee(name="Comité local de Saint-Denis", timezone="Indian/Reunion")
    db.session.add(Membership(user=user, committee=reunion, role=Role.HOST))
    db.session.commit()
    sign_in(client, user)
    token = new_feed_token(client)
    start = datetime(2027, 3, 28, 8, 0, tzinfo=UTC)
    in_paris = make_meeting(project=make_project(), starts_at=start)
    in_reunion = make_meeting(project=make_project(committee=reunion), starts_at=start)

    def counted():
        with count_queries() as queries:
            response = fetch(client, token)
        return response, len(queries)

    fetch(client, token)  # notes the feed's use: the counts below are of ordinary fetches
    writer.cache.clear()
    response, two_meetings = counted()
    data = response.data
    assert b"DTSTART;TZID=Indian/Reunion:20270328T120000\r\n" in data
    assert b"DTSTART;TZID=Europe/Paris:20270328T100000\r\n" in data
    for read in READERS:
        events = read(data)
        assert events[in_reunion.uid]["tzid"] == "Indian/Reunion" and events[in_paris.uid]["tzid"] == "Europe/Paris"
        assert events[in_reunion.uid]["start"] == events[in_paris.uid]["start"] == start
    for n in range(6):
        make_meeting(project=make_project(committee=reunion), starts_at=datetime(2027, 2, 1 + n, 8, tzinfo=UTC))
        make_meeting(project=make_project(), starts_at=datetime(2027, 2, 1 + n, 8, tzinfo=UTC))
    writer.cache.clear()
    assert counted()[1] == two_meetings


def test_etag_gives_304_until_the_feed_changes(client, login_as, make_project, make_meeting, make_partner,
                                               make_invitation):
    school = make_partner(PartnerKind.ECOLE)
    login_as(Role.SCHOOL, partner=school)
    meeting = make_meeting(project=make_project())
    make_invitation(meeting, school)
    token = new_feed_token(client)
    first = fetch(client, token)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    again = fetch(client, token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert fetch(client, token).headers["ETag"] == etag  # DTSTAMP differs, the ETag does not

    # A meeting the school is no longer invited to leaves the feed: a new ETag, the full body.
    from clas_local.invitations.models import Invitation

    db.session.query(Invitation).delete()
    db.session.commit()
    changed = fetch(client, token, **{"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert icaljs_instants(changed.data) == {}
    assert "Last-Modified" not in changed.headers


def test_no_feed_without_committee_is_still_a_valid_calendar(client, login_as, committee):
    from sqlalchemy import select

    from clas_local.auth.models import Membership

    user = login_as(Role.HOST)
    token = new_feed_token(client)
    db.session.delete(db.session.scalar(select(Membership).where(Membership.user_id == user.id)))
    db.session.commit()
    response = fetch(client, token)
    assert response.status_code == 200
    assert b"BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\n" in response.data
    assert strict_python_instants(response.data) == {} == icaljs_instants(response.data)
    assert feeds.find_feed(token) is not None
