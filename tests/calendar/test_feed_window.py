"""Feeds that stay small and cheap: a window of 12 months back and everything to come, a 304
that costs three statements and builds no calendar, and the Cache-Control the feed means."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from clas_local.auth.models import Role
from clas_local.calendar import feeds, writer
from clas_local.extensions import db
from tests.calendar.ical_tools import READERS
from tests.calendar.test_feeds import new_feed_token
from tests.conftest import count_queries, page_text

UTC = timezone.utc


def fetch(client, token, **headers):
    return client.application.test_client().get(f"/cal/{token}.ics", headers=headers)


def _weekly(make_meeting, project, first: datetime, weeks: int):
    return [make_meeting(project=project, starts_at=first + timedelta(weeks=week)) for week in range(weeks)]


def test_a_busy_committees_feed_is_bounded_by_the_window(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    token = new_feed_token(client)
    project = make_project()
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    # Four years of weekly meetings behind, half a year ahead.
    old = _weekly(make_meeting, project, now - timedelta(weeks=4 * 52), 4 * 52 - 1)
    ahead = _weekly(make_meeting, project, now + timedelta(days=1), 26)
    response = fetch(client, token)
    in_window = [m for m in old if m.starts_at >= feeds.window_start()] + ahead
    assert 52 <= len(in_window) <= 26 + 53
    for read in READERS:
        assert set(read(response.data)) == {m.uid for m in in_window}
    # The size follows the window, not the committee's history: 3 more years behind change nothing.
    _weekly(make_meeting, project, now - timedelta(weeks=7 * 52), 3 * 52)
    assert len(fetch(client, token).data) == len(response.data)


def test_a_304_costs_three_statements_and_builds_no_calendar(client, login_as, make_project, make_meeting, monkeypatch):
    login_as(Role.HOST)
    token = new_feed_token(client)
    project = make_project(name="Clas du Blosne")
    for day in range(20):
        make_meeting(project=project, starts_at=datetime.now(UTC) + timedelta(days=day + 1))
    first = fetch(client, token)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and etag.startswith('W/"')

    def no_calendar(*args, **kwargs):
        raise AssertionError("a 304 must not build the calendar")

    with monkeypatch.context() as patch:
        patch.setattr(feeds, "feed_calendar", no_calendar)
        with count_queries() as queries:
            again = fetch(client, token, **{"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert len(queries) <= 3, queries
    assert again.headers["ETag"] == etag

    # Renaming the project changes the text of every event: a new ETag, the full calendar.
    project.name = "Clas du Blosne-Sud"
    db.session.commit()
    renamed = fetch(client, token, **{"If-None-Match": etag})
    assert renamed.status_code == 200 and renamed.headers["ETag"] != etag
    assert "Clas du Blosne-Sud" in renamed.data.decode()


def test_the_feed_keeps_its_own_cache_control(client, login_as):
    login_as(Role.HOST)
    token = new_feed_token(client)
    response = fetch(client, token)
    assert response.headers["Cache-Control"] == "private, max-age=300"
    assert "Set-Cookie" not in response.headers


def test_the_feed_page_says_what_the_feed_holds(client, login_as):
    login_as(Role.HOST)
    text = page_text(client.get("/compte/agenda"))
    assert "les réunions des 12 derniers mois et toutes les réunions à venir" in text


def test_the_window_moves_with_the_day_and_the_etag_with_it(client, login_as, make_project, make_meeting, monkeypatch):
    login_as(Role.HOST)
    token = new_feed_token(client)
    meeting = make_meeting(project=make_project(), starts_at=datetime.now(UTC) - timedelta(days=364))
    first = fetch(client, token)
    assert meeting.uid.encode() in first.data
    later = datetime.now(UTC) + timedelta(days=3)
    monkeypatch.setattr(feeds, "utcnow", lambda: later)
    writer.cache.clear()
    moved = fetch(client, token, **{"If-None-Match": first.headers["ETag"]})
    assert moved.status_code == 200 and meeting.uid.encode() not in moved.data
