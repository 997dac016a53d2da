"""Our .ics files read by Thunderbird's parser (ical.js), a strict Python parser and a reader
that ignores RDATE give the same instants as zoneinfo, in Paris and the overseas zones,
every month and around each DST change."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import icalendar
import pytest

from clas_local.calendar.ics import FEED_REFRESH, _transitions, build_calendar, meeting_event
from clas_local.meetings.models import MeetingKind, MeetingStatus
from tests.calendar.ical_tools import assert_both_parsers_read, icaljs_instants, rdate_blind_instants

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


# Paris and the overseas zones: five without daylight saving (Réunion, Guadeloupe, Martinique,
# Mayotte, Guyane), Saint-Pierre-et-Miquelon with North American rules (2nd / 1st Sunday).
ZONES = ["Europe/Paris", "Indian/Reunion", "America/Guadeloupe", "America/Martinique", "Indian/Mayotte",
         "America/Cayenne", "America/Miquelon"]
PARIS_CHANGES = (datetime(2026, 3, 29), datetime(2026, 10, 25), datetime(2027, 3, 28), datetime(2027, 10, 31))


def local_starts(tz: str) -> list[datetime]:
    """A 17:30 meeting on the 3rd and the 28th of every month of the school year, and the
    hours around each DST change of 2026 and 2027 (the zone's own, else Paris's) — as aware instants."""
    zone = ZoneInfo(tz)
    starts = []
    for year, month in [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 9)]:
        for day in (3, 28):
            starts.append(datetime(year, month, day, 17, 30, tzinfo=zone))
    changes = _transitions(zone, datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)) or [
        change.replace(tzinfo=UTC) + timedelta(hours=1) for change in PARIS_CHANGES
    ]
    for change in changes:
        for delta_hours in (-24, -3, -2, -1, 0, 0.5, 1, 1.5, 2, 3, 24):
            starts.append(change - timedelta(hours=1) + timedelta(hours=delta_hours))
    return [start.astimezone(UTC) for start in starts]


def test_the_vtimezone_has_one_standard_and_one_daylight_with_yearly_rules():
    calendar = icalendar.Calendar.from_ical(
        build_calendar([meeting_event(fake_meeting(1, datetime(2026, 11, 12, 16, 30, tzinfo=UTC)), "http://x")],
                       method="PUBLISH", name=None, timezone="Europe/Paris"))
    zone = calendar.walk("VTIMEZONE")[0]
    assert [component.name for component in zone.subcomponents] == ["DAYLIGHT", "STANDARD"]
    daylight, standard = zone.subcomponents
    assert daylight["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [3], "BYDAY": ["-1SU"]}
    assert standard["RRULE"] == {"FREQ": ["YEARLY"], "BYMONTH": [10], "BYDAY": ["-1SU"]}
    assert "RDATE" not in daylight and "RDATE" not in standard
    assert (daylight["TZOFFSETFROM"].td, daylight["TZOFFSETTO"].td) == (timedelta(hours=1), timedelta(hours=2))
    assert daylight.decoded("DTSTART") == datetime(2024, 3, 31, 2, 0)  # before the first event's year
    assert standard.decoded("DTSTART") == datetime(2024, 10, 27, 3, 0)


@pytest.mark.parametrize("tz", ["Indian/Reunion", "America/Guadeloupe", "Indian/Mayotte", "America/Cayenne"])
def test_zones_without_daylight_saving_have_a_single_standard(tz):
    ics = build_calendar([meeting_event(fake_meeting(1, datetime(2026, 11, 12, 16, 30, tzinfo=UTC), tz), "http://x")],
                         method="PUBLISH", name=None, timezone=tz)
    zone = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")[0]
    assert [component.name for component in zone.subcomponents] == ["STANDARD"]
    standard = zone.subcomponents[0]
    assert standard["TZOFFSETFROM"].td == standard["TZOFFSETTO"].td == ZoneInfo(tz).utcoffset(datetime(2026, 11, 12))
    # No rule; its only RDATE repeats DTSTART (for the `ical` parser), so ignoring it changes nothing.
    assert "RRULE" not in standard and standard.decoded("DTSTART") == datetime(2025, 1, 1)
    assert [rdate.dts[0].dt for rdate in _as_list(standard.get("RDATE"))] == [datetime(2025, 1, 1)]


def _as_list(value):
    return value if isinstance(value, list) else [value]


def test_the_rdate_blind_reader_catches_a_vtimezone_that_needs_rdate():
    """The reader is not blind to what it must catch: a Paris VTIMEZONE written as RDATE
    lists (as before) is read an hour off in summer once RDATE is ignored."""
    summer = fake_meeting(1, datetime(2027, 6, 3, 15, 30, tzinfo=UTC))
    ics = build_calendar([meeting_event(summer, "http://x")], method="PUBLISH", name=None, timezone="Europe/Paris")
    rdate_style = re.sub(rb"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n",
                         b"RDATE:20250330T020000\r\nRDATE:20260329T020000\r\nRDATE:20270328T020000\r\n", ics)
    rdate_style = re.sub(rb"RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n",
                         b"RDATE:20251026T030000\r\nRDATE:20261025T030000\r\nRDATE:20271031T030000\r\n", rdate_style)
    assert rdate_style != ics
    assert icaljs_instants(rdate_style)[summer.uid]["start"] == summer.starts_at
    assert rdate_blind_instants(rdate_style)[summer.uid]["start"] != summer.starts_at
    assert rdate_blind_instants(ics)[summer.uid]["start"] == summer.starts_at


@pytest.mark.parametrize("tz", ZONES)
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
