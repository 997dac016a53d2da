"""The fast writer (feeds and downloads) says exactly what icalendar's output says.

Both files are read by icalendar, the strict `ical` parser and ical.js (Thunderbird): same
UIDs, texts with commas, semicolons, line breaks and accents, same instants, statuses and
sequences; physical lines stay within 75 octets without cutting a character."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import icalendar
import pytest

from clas_local.calendar import writer
from clas_local.calendar.ics import FEED_REFRESH, build_calendar, meeting_event
from clas_local.calendar.writer import cached_event, escape_text, event_data, fold, publish_calendar
from clas_local.lru import LRU
from clas_local.meetings.models import MeetingKind, MeetingStatus
from tests.calendar.ical_tools import assert_both_parsers_read, icaljs_instants, strict_python_instants
from tests.calendar.test_ics import ZONES, fake_meeting, local_starts

UTC = timezone.utc
BASE = "https://clas.exemple.fr"
HOSTILE_AGENDA = (
    "1. Bilan, retours des écoles ; points forts\n2. Ligne Windows\r\n3. Retour seul\r"
    "4. Chemin C:\\dossier\\compte-rendu ; « guillemets », œuvre, Noël, Ça — 😀 中文\n"
) * 3


def hostile_meetings(tz: str = "Europe/Paris") -> list:
    starts = datetime(2026, 11, 12, 16, 30, tzinfo=UTC)
    return [
        fake_meeting(1, starts, tz, agenda=HOSTILE_AGENDA, title="Réunion, spéciale; n°1",
                     place="Salle 2, bâtiment B ; 1er étage"),
        fake_meeting(2, starts + timedelta(days=30), tz, status=MeetingStatus.CANCELLED, sequence=4,
                     online_url="https://visio.exemple.fr/salle?id=1,2;3", place=""),
        fake_meeting(3, datetime(2027, 3, 28, 0, 30, tzinfo=UTC), tz, kind=MeetingKind.COMITE_LOCAL, project=None,
                     place="", online_url=""),
        fake_meeting(4, datetime(2026, 10, 25, 0, 30, tzinfo=UTC), tz,  # the repeated hour in Paris: UTC
                     agenda="é" * 100 + "\\" * 75 + "€" * 30 + "😀" * 20),
    ]


def both_calendars(meetings, *, name="Réunions – Comité local de Rennes", tz="Europe/Paris"):
    old = build_calendar([meeting_event(m, BASE) for m in meetings], method="PUBLISH", name=name, timezone=tz,
                         refresh=FEED_REFRESH)
    new = publish_calendar([cached_event(event_data(m, BASE)) for m in meetings], name=name, timezone=tz,
                           refresh=FEED_REFRESH).body
    return old, new


def icalendar_view(ics: bytes) -> dict:
    """What icalendar reads: the calendar's properties, its VTIMEZONEs and each event's
    decoded properties (DTSTAMP aside: it is the time of writing)."""
    calendar = icalendar.Calendar.from_ical(ics)
    events = {}
    for event in calendar.walk("VEVENT"):
        events[str(event["UID"])] = {
            key: (event.decoded(key) if key not in ("SUMMARY", "DESCRIPTION", "LOCATION", "UID") else str(event[key]))
            for key in event
            if key != "DTSTAMP"
        }
        assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    return {
        "calendar": {key: calendar[key].to_ical() for key in calendar},
        "zones": [zone.to_ical() for zone in calendar.walk("VTIMEZONE")],
        "events": events,
    }


@pytest.mark.parametrize("tz", ["Europe/Paris", "America/Cayenne"])
def test_icalendar_reads_the_fast_output_as_the_library_output(tz):
    old, new = both_calendars(hostile_meetings(tz), tz=tz)
    assert icalendar_view(new) == icalendar_view(old)
    event = icalendar.Calendar.from_ical(new).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Réunion, spéciale; n°1 – Clas du Blosne"
    assert str(event["LOCATION"]) == "Salle 2, bâtiment B ; 1er étage"
    assert "C:\\dossier\\compte-rendu ; « guillemets », œuvre, Noël, Ça — 😀 中文\n" in str(event["DESCRIPTION"])


def test_strict_parser_and_icaljs_read_the_same_events():
    meetings = hostile_meetings()
    old, new = both_calendars(meetings)
    for read in (strict_python_instants, icaljs_instants):
        assert read(new) == read(old)
    by_js, by_strict = icaljs_instants(new), strict_python_instants(new)
    assert set(by_js) == set(by_strict) == {m.uid for m in meetings}
    first = meetings[0]
    agenda = HOSTILE_AGENDA.strip().replace("\r\n", "\n").replace("\r", "\n")
    for read in (by_js, by_strict):
        assert read[first.uid]["summary"] == "Réunion, spéciale; n°1 – Clas du Blosne"
        assert read[first.uid]["location"] == "Salle 2, bâtiment B ; 1er étage"
        assert f"Ordre du jour :\n{agenda}\n\nDétails et réponses : {BASE}/c/rennes/meetings/1" in (
            read[first.uid]["description"]
        )
        assert read[meetings[1].uid]["status"] == "CANCELLED" and read[meetings[1].uid]["sequence"] == 4
        assert read[meetings[1].uid]["summary"] == "Annulée : Suivi – Clas du Blosne"
        assert read[meetings[1].uid]["location"] == "https://visio.exemple.fr/salle?id=1,2;3"
        assert read[meetings[2].uid]["summary"] == "Comité local – Comité local de Rennes"
        for meeting in meetings:
            assert (read[meeting.uid]["start"], read[meeting.uid]["end"]) == (meeting.starts_at, meeting.ends_at)
    assert by_js[first.uid]["calendarName"] == "Réunions – Comité local de Rennes"
    assert by_js[first.uid]["url"] == f"{BASE}/c/rennes/meetings/1"


@pytest.mark.parametrize("tz", ZONES)
def test_fast_output_instants_every_month_and_around_dst_changes(tz):
    meetings = [fake_meeting(n, start, tz) for n, start in enumerate(local_starts(tz))]
    ics = publish_calendar([cached_event(event_data(m, BASE)) for m in meetings], name="Test", timezone=tz).body
    assert_both_parsers_read(ics, meetings)


def test_events_of_several_zones_each_get_their_vtimezone():
    paris = fake_meeting(1, datetime(2027, 3, 28, 8, 0, tzinfo=UTC))
    reunion = fake_meeting(2, datetime(2027, 3, 28, 8, 0, tzinfo=UTC), "Indian/Reunion")
    reunion.committee = type(reunion.committee)(slug="reunion", name="Comité de Saint-Denis",
                                                timezone="Indian/Reunion")
    ics = publish_calendar([cached_event(event_data(m, BASE)) for m in (paris, reunion)], name="Réunions",
                           timezone="Europe/Paris").body
    calendar = icalendar.Calendar.from_ical(ics)
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Paris", "Indian/Reunion"]
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Paris"
    assert b"DTSTART;TZID=Indian/Reunion:20270328T120000\r\n" in ics
    for read in (icaljs_instants(ics), strict_python_instants(ics)):
        assert read[reunion.uid]["tzid"] == "Indian/Reunion"
        assert read[reunion.uid]["start"] == read[paris.uid]["start"] == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)


def test_crlf_and_lines_of_at_most_75_octets_never_cutting_a_character():
    old, new = both_calendars(hostile_meetings())
    assert new.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in new.replace(b"\r\n", b"")
    for line in new.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # a character cut in two would not decode
    folded = [line for line in new.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) > 20  # the long description was indeed folded


@pytest.mark.parametrize("prefix", range(0, 80))
def test_fold_keeps_characters_and_escapes_whole(prefix):
    for tail in ("é" * 60, "€" * 60, "😀" * 40, "\\n" * 50, "\\\\" * 50, "a\\,b\\;" * 20):
        line = "DESCRIPTION:" + "x" * prefix + tail
        folded = fold(line)
        assert folded.endswith(b"\r\n") and not folded.endswith(b"\r\n\r\n")
        physical = folded[:-2].split(b"\r\n")
        assert all(len(part) <= 75 for part in physical)
        assert all(part.startswith(b" ") for part in physical[1:])
        pieces = [part.decode("utf-8") for part in physical]  # never half a character
        assert pieces[0] + "".join(piece[1:] for piece in pieces[1:]) == line
        for piece in pieces[:-1]:  # never a lone escaping backslash at the end of a line
            assert (len(piece) - len(piece.rstrip("\\"))) % 2 == 0


def test_escape_text():
    assert escape_text("a\\b;c,d\ne\r\nf\rg\th") == "a\\\\b\\;c\\,d\\ne\\nf\\ng\th"
    # Controls other than HTAB have no place in TEXT: dropped, not written raw.
    assert escape_text("bon\x00jour\x0b\x1f\x7f") == "bonjour"


def test_literal_backslash_n_and_control_characters_survive_every_parser():
    # icalendar's own escaping turns a typed « \N » into a line break; ours keeps the text.
    meeting = fake_meeting(5, datetime(2026, 12, 1, 16, 0, tzinfo=UTC), title="Notes \\N et \\n,",
                           agenda="Coller\x0bdepuis\x00Word\tavec tabulation")
    ics = publish_calendar([cached_event(event_data(meeting, BASE))], name=None, timezone="Europe/Paris").body
    assert str(icalendar.Calendar.from_ical(ics).walk("VEVENT")[0]["SUMMARY"]) == "Notes \\N et \\n, – Clas du Blosne"
    for read in (icaljs_instants(ics), strict_python_instants(ics)):
        assert read[meeting.uid]["summary"] == "Notes \\N et \\n, – Clas du Blosne"
        assert "Coller\ndepuis" not in read[meeting.uid]["description"]
        assert "CollerdepuisWord\tavec tabulation" in read[meeting.uid]["description"]


def test_written_events_are_cached_by_meeting_sequence_update_and_texts():
    meeting = fake_meeting(6, datetime(2026, 12, 1, 16, 0, tzinfo=UTC))
    first = cached_event(event_data(meeting, BASE))
    assert cached_event(event_data(meeting, BASE)) is first
    assert len(writer.cache) == 1
    meeting.project = type(meeting.project)(name="Clas renommé", school_year="2026-2027")
    renamed = cached_event(event_data(meeting, BASE))
    assert b"SUMMARY:Suivi \xe2\x80\x93 Clas renomm\xc3\xa9\r\n" in renamed.body
    meeting.sequence, meeting.updated_at, meeting.status = 1, meeting.updated_at + timedelta(seconds=1), MeetingStatus.CANCELLED
    assert b"STATUS:CANCELLED\r\n" in cached_event(event_data(meeting, BASE)).body
    assert b"URL:http://autre/c/rennes/meetings/6\r\n" in cached_event(event_data(meeting, "http://autre")).body


def test_the_cache_forgets_the_least_recently_used():
    small = LRU(2)
    events = [writer.write_event(event_data(fake_meeting(n, datetime(2026, 12, n, 16, tzinfo=UTC)), BASE))
              for n in (1, 2, 3)]
    small.put("a", events[0])
    small.put("b", events[1])
    assert small.get("a") is events[0]  # now the most recent
    small.put("c", events[2])
    assert small.get("b") is None and small.get("a") is events[0] and small.get("c") is events[2]
