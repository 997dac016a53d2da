"""Our .ics files read by Thunderbird's parser (ical.js) and a strict Python parser give
the same instants as zoneinfo, in Paris and overseas, every month and around DST changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest

from clas_local.calendar.ics import FEED_REFRESH, build_calendar, meeting_event
from clas_local.meetings.models import MeetingKind, MeetingStatus
from tests.calendar.ical_tools import assert_both_parsers_read, icaljs_instants

UTC = timezone.utc


def fake_meeting(n, starts_at, tz="Europe/Paris", **overrides):
    committee = SimpleNamespace(slug="rennes", name="Comité local de Rennes", timezone=tz)
    project = SimpleNamespace(name="Clas du Blosne", school_year="2026-2027")
    fields = dict(
        id=n, uid=f"meeting-{n}@clas-local", committee=committee, project=project, kind=MeetingKind.SUIVI,
        title="", status=MeetingStatus.PLANNED, sequence=0, starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90), place="Salle 2", online_url="", agenda="",
        created_at=datetime(2026, 9, 1, tzinfo=UTC), updated_at=datetime(2026, 9, 2, tzinfo=UTC),
    )
    fields.update(overrides)
    return SimpleNamespace(**fields)


def local_starts(tz: str) -> list[datetime]:
    """A 17:30 meeting on the 3rd and the 28th of every month of the school year, and the
    hours around each DST change of 2026 and 2027 — as aware instants."""
    zone = ZoneInfo(tz)
    starts = []
    for year, month in [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 9)]:
        for day in (3, 28):
            starts.append(datetime(year, month, day, 17, 30, tzinfo=zone))
    for change in (datetime(2026, 3, 29), datetime(2026, 10, 25), datetime(2027, 3, 28), datetime(2027, 10, 31)):
        for delta_hours in (-24, -2, -1, 0, 0.5, 1, 1.5, 2, 3, 24):
            starts.append(change.replace(tzinfo=UTC) + timedelta(hours=delta_hours))
    return [start.astimezone(UTC) for start in starts]


@pytest.mark.parametrize("tz", ["Europe/Paris", "Indian/Reunion", "America/Cayenne"])
def test_icaljs_and_strict_parser_agree_with_zoneinfo(tz):
    meetings = [fake_meeting(n, start, tz) for n, start in enumerate(local_starts(tz))]
    ics = build_calendar(
        [meeting_event(m, "https://clas.exemple.fr") for m in meetings], method="PUBLISH", name="Test", timezone=tz
    )
    assert_both_parsers_read(ics, meetings)


def test_times_carry_the_committee_tzid_except_the_repeated_hour():
    ordinary = fake_meeting(1, datetime(2026, 11, 12, 16, 30, tzinfo=UTC))
    # 00:30 UTC on 25 October 2026 is 02:30 CEST: 02:30 happens twice that night in Paris.
    repeated = fake_meeting(2, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    ics = build_calendar([meeting_event(m, "http://x") for m in (ordinary, repeated)],
                         method="PUBLISH", name=None, timezone="Europe/Paris")
    text = ics.decode()
    assert "DTSTART;TZID=Europe/Paris:20261112T173000\r\n" in text
    assert "DTSTART:20261025T003000Z\r\n" in text
    assert icaljs_instants(ics)[ordinary.uid]["tzid"] == "Europe/Paris"


def test_event_properties_in_french():
    meeting = fake_meeting(7, datetime(2026, 11, 12, 16, 30, tzinfo=UTC), sequence=3,
                           agenda="Bilan du premier trimestre", online_url="https://visio.exemple.fr/abc")
    event = meeting_event(meeting, "https://clas.exemple.fr/")
    assert event["UID"] == "meeting-7@clas-local"
    assert event.decoded("DTSTAMP").tzinfo is not None and event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 9, 2, tzinfo=UTC)
    assert event["SEQUENCE"] == 3
    assert event["STATUS"] == "CONFIRMED"
    assert event["SUMMARY"] == "Suivi – Clas du Blosne"
    description = str(event["DESCRIPTION"])
    assert "projet « Clas du Blosne »" in description
    assert "jeudi 12 novembre 2026, de 17 h 30 à 19 h" in description
    assert "Ordre du jour :\nBilan du premier trimestre" in description
    assert "https://clas.exemple.fr/c/rennes/meetings/7" in description
    assert event["URL"] == "https://clas.exemple.fr/c/rennes/meetings/7"
    assert event["LOCATION"] == "Salle 2"


def test_a_cancelled_meeting_says_so():
    meeting = fake_meeting(8, datetime(2026, 11, 12, 16, 30, tzinfo=UTC), status=MeetingStatus.CANCELLED)
    event = meeting_event(meeting, "http://x")
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"].startswith("Annulée : ")


def test_calendar_envelope_crlf_and_folding():
    meeting = fake_meeting(9, datetime(2026, 11, 12, 16, 30, tzinfo=UTC), agenda="é" * 200)
    ics = build_calendar([meeting_event(meeting, "http://x")], method="PUBLISH", name="Réunions du comité",
                         timezone="Europe/Paris", refresh=FEED_REFRESH)
    lines = ics.split(b"\r\n")
    assert b"\n" not in ics.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in lines)
    calendar = icalendar.Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["NAME"] == calendar["X-WR-CALNAME"] == "Réunions du comité"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in ics
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in ics
    assert "é" * 200 in str(calendar.walk("VEVENT")[0]["DESCRIPTION"])
