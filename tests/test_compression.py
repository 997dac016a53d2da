"""gzip for the whole application: pages, calendars, CSV and JSON when the client accepts it,
`Vary: Accept-Encoding` on what may be compressed, files and small answers left alone."""

from __future__ import annotations

import gzip
import re
from datetime import datetime, timedelta, timezone

from clas_local.auth.models import Role
from tests.calendar.ical_tools import READERS
from tests.calendar.test_feeds import new_feed_token

GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def test_a_page_is_gzipped_when_accepted_and_reads_the_same(client, login_as):
    login_as(Role.HOST)
    plain = client.get("/c/rennes/meetings")
    packed = client.get("/c/rennes/meetings", headers=GZIP)
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip"
    # The CSRF token is signed with the time: two requests a second apart carry different ones.
    def without_tokens(page: bytes) -> bytes:
        page = re.sub(rb'(csrf[-_]token"[^>]*?(?:content|value)=")[^"]+', rb"\1", page)
        return re.sub(rb'("X-CSRFToken": ")[^"]+', rb"\1", page)

    assert without_tokens(gzip.decompress(packed.data)) == without_tokens(plain.data)
    assert len(packed.data) < len(plain.data) / 2
    assert "Accept-Encoding" in plain.headers["Vary"] and "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data)


def test_a_feed_round_trips_through_gzip_and_its_etag_still_gives_304(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    token = new_feed_token(client)
    meetings = [make_meeting(project=make_project(), starts_at=datetime.now(timezone.utc) + timedelta(days=day + 1))
                for day in range(10)]
    anonymous = client.application.test_client()
    plain = anonymous.get(f"/cal/{token}.ics")
    packed = anonymous.get(f"/cal/{token}.ics", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    body = gzip.decompress(packed.data)
    for read in READERS:
        assert set(read(body)) == {m.uid for m in meetings}
    assert len(body) == len(plain.data)  # the same calendar (its DTSTAMP aside)
    assert packed.headers["ETag"] == plain.headers["ETag"]
    again = anonymous.get(f"/cal/{token}.ics", headers={**GZIP, "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_gzip_refused_small_answers_and_files_are_left_alone(client, login_as, app):
    login_as(Role.HOST)
    refused = client.get("/c/rennes/meetings", headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert "Content-Encoding" not in refused.headers
    small = client.get("/healthz", headers=GZIP)
    assert len(small.data) < 1024 and "Content-Encoding" not in small.headers
    static = client.get("/static/css/app.css", headers=GZIP)
    assert static.status_code == 200
    assert "Content-Encoding" not in static.headers  # sent as a file: passed through untouched
    static.close()
