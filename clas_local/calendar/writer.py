"""The fast path for feeds and downloads: RFC 5545 lines written directly.

The icalendar library builds a property object per value and folds line by line in
Python; for a feed of 1,000 meetings that was ~5 s. Here each VEVENT is written as
bytes from plain values (`EventData`) by the same `_summary` / `_description` /
`_zoned` helpers as `ics.meeting_event` (so the texts and times are the same), and the
VTIMEZONE is still the one `ics.vtimezone` computes. The serialised event, minus its
DTSTAMP, is kept in a process-local LRU keyed by every value it is written from: an edit
anywhere (the meeting, its project's or committee's name, the base URL) is a new key,
so a stale entry is never served and nothing depends on there being one process.

The invitations e-mails (METHOD:REQUEST / CANCEL) keep using `ics.meeting_event` and
`ics.build_calendar`, which add ORGANIZER and ATTENDEE.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone as dt_timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

import icalendar

from clas_local.calendar.ics import PRODID, ZONE_MARGIN_YEARS, _description, _summary, _utc, _vtimezone_ical, _zoned
from clas_local.lru import LRU

LINE_OCTETS = 75  # RFC 5545 §3.1, excluding the CRLF
# Serialised events kept per process (about 2 KB each with their key): a department's
# busiest feeds. A miss only costs writing that event again.
EVENT_CACHE_SIZE = 16384

CRLF = b"\r\n"
# TEXT may not hold control characters other than HTAB (RFC 5545 §3.3.11); line breaks
# are escaped as \n, the other controls (pasted from word processors) are dropped.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class CommitteeData(NamedTuple):
    slug: str
    name: str
    timezone: str


class ProjectData(NamedTuple):
    name: str
    school_year: str


class EventData(NamedTuple):
    """Everything a meeting's VEVENT is written from (hashable: it is the cache key).

    Field names match Meeting's, so ics._summary / ics._description read it as a meeting."""

    id: int
    uid: str
    kind: object  # MeetingKind
    status: object  # MeetingStatus
    sequence: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    online_url: str
    agenda: str
    created_at: datetime | None
    updated_at: datetime | None
    committee: CommitteeData
    project: ProjectData | None
    base_url: str


def event_data(meeting, base_url: str) -> EventData:
    """The values of a Meeting (committee and project loaded) for `event_bytes`."""
    committee = meeting.committee
    project = meeting.project
    return EventData(
        meeting.id,
        meeting.uid,
        meeting.kind,
        meeting.status,
        meeting.sequence,
        meeting.title or "",
        meeting.starts_at,
        meeting.ends_at,
        meeting.place or "",
        meeting.online_url or "",
        meeting.agenda or "",
        meeting.created_at,
        meeting.updated_at,
        CommitteeData(committee.slug, committee.name, committee.timezone),
        ProjectData(project.name, project.school_year) if project is not None else None,
        base_url,
    )


# -- content lines ----------------------------------------------------------------------------


def escape_text(value: str) -> str:
    """A TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma escaped, line breaks as \\n."""
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROLS.search(value):
        value = _CONTROLS.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _one_line(value: str) -> str:
    """A value written unescaped: line breaks and other controls become spaces."""
    return "".join(" " if not char.isprintable() else char for char in value)


def fold(line: str) -> bytes:
    """The content line as UTF-8 with CRLF, folded so no physical line exceeds 75 octets.

    A fold never cuts a UTF-8 sequence, nor a backslash escape (some clients mis-read
    `\\` + CRLF + space + `n`). Continuation lines start with one space, counted in the 75."""
    raw = line.encode("utf-8")
    if len(raw) <= LINE_OCTETS:
        return raw + CRLF
    parts = []
    start, limit = 0, LINE_OCTETS
    while len(raw) - start > limit:
        cut = start + limit
        while raw[cut] & 0xC0 == 0x80:  # inside a multi-octet character: cut before it
            cut -= 1
        backslashes = 0
        while cut - 1 - backslashes >= start and raw[cut - 1 - backslashes] == 0x5C:
            backslashes += 1
        if backslashes % 2:  # the cut would separate an escape's backslash from its letter
            cut -= 1
        parts.append(raw[start:cut])
        start, limit = cut, LINE_OCTETS - 1
    parts.append(raw[start:])
    return b"\r\n ".join(parts) + CRLF


def _stamp(moment: datetime) -> str:
    """20261112T173000 (a DATE-TIME's digits; strftime is several times slower)."""
    return (
        f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
        f"T{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
    )


def _utc_stamp(moment: datetime) -> str:
    return _stamp(moment) + "Z"


def _time_line(name: str, moment: datetime, zone: ZoneInfo, tzid: str) -> str:
    written = _zoned(moment, zone)
    if written.tzinfo is dt_timezone.utc:
        return f"{name}:{_stamp(written)}Z"
    return f"{name};TZID={tzid}:{_stamp(written)}"


class WrittenEvent(NamedTuple):
    """A serialised VEVENT without its DTSTAMP line, and what the calendar around it needs."""

    body: bytes  # from UID through END:VEVENT
    tzid: str
    first_year: int  # local years of its start and end (the VTIMEZONE's range)
    last_year: int


def write_event(data: EventData) -> WrittenEvent:
    """The meeting's VEVENT lines (all but DTSTAMP), through END:VEVENT."""
    from clas_local.calendar.ics import meeting_url
    from clas_local.meetings.models import MeetingStatus

    tzid = data.committee.timezone
    zone = ZoneInfo(tzid)
    url = meeting_url(data, data.base_url)
    lines = [
        f"UID:{escape_text(data.uid)}",
        f"CREATED:{_utc_stamp(_utc(data.created_at))}",
        f"LAST-MODIFIED:{_utc_stamp(_utc(data.updated_at))}",
        f"SEQUENCE:{data.sequence}",
        "STATUS:" + ("CANCELLED" if data.status is MeetingStatus.CANCELLED else "CONFIRMED"),
        f"SUMMARY:{escape_text(_summary(data))}",
        f"DESCRIPTION:{escape_text(_description(data, url))}",
    ]
    location = data.place or data.online_url
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    lines += [
        f"URL:{url}",
        _time_line("DTSTART", data.starts_at, zone, tzid),
        _time_line("DTEND", data.ends_at, zone, tzid),
        "TRANSP:" + ("TRANSPARENT" if data.status is MeetingStatus.CANCELLED else "OPAQUE"),
        "CLASS:PUBLIC",
        "END:VEVENT",
    ]
    return WrittenEvent(
        b"".join(fold(line) for line in lines),
        tzid,
        data.starts_at.astimezone(zone).year,
        data.ends_at.astimezone(zone).year,
    )


# -- the cache of written events ------------------------------------------------------------


def event_key(meeting_id: int, sequence: int, updated_at, committee: CommitteeData, project: ProjectData | None,
              base_url: str) -> tuple:
    """What a written event depends on besides the meeting row, which any change to moves
    `updated_at` (TimestampMixin's onupdate): its project's and committee's names, the
    base URL. The SEQUENCE is there too, for clarity."""
    return (meeting_id, sequence, updated_at, committee, project, base_url)


cache = LRU(EVENT_CACHE_SIZE)  # WrittenEvent by event_key


def cached_event(data: EventData, key: tuple | None = None) -> WrittenEvent:
    """The written event from the cache, or written now and kept."""
    if key is None:
        key = event_key(data.id, data.sequence, data.updated_at, data.committee, data.project, data.base_url)
    found = cache.get(key)
    if found is None:
        found = write_event(data)
        cache.put(key, found)
    return found


# -- calendars --------------------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _duration(refresh: timedelta) -> str:
    return icalendar.vDuration(refresh).to_ical().decode("ascii")


class Calendar(NamedTuple):
    body: bytes
    etag: str  # a digest of everything but DTSTAMP: to be sent as a weak ETag


def publish_calendar(
    events: Iterable[WrittenEvent],
    *,
    name: str | None,
    timezone: str,
    refresh: timedelta | None = None,
    now: datetime | None = None,
) -> Calendar:
    """A METHOD:PUBLISH VCALENDAR of `events`, with a VTIMEZONE for each zone they use,
    over the local years of the events (as ics.build_calendar: one year of margin).

    X-WR-TIMEZONE is the events' zone when they share one, else `timezone`; that zone's
    VTIMEZONE comes first. `name` sets NAME and X-WR-CALNAME; `refresh` (feeds) sets
    REFRESH-INTERVAL and X-PUBLISHED-TTL."""
    events = list(events)
    zones = {event.tzid for event in events}
    main_zone = next(iter(zones)) if len(zones) == 1 else timezone
    if events:
        first = min(event.first_year for event in events) - ZONE_MARGIN_YEARS
        last = max(event.last_year for event in events) + ZONE_MARGIN_YEARS
    else:
        first, last = date.today().year - ZONE_MARGIN_YEARS, date.today().year + ZONE_MARGIN_YEARS
    header = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    if name:
        # TEXT values (NAME is TEXT in RFC 7986; X-WR-CALNAME is read as TEXT by Apple and
        # Google): a comma, semicolon or backslash unescaped would make the line invalid.
        name = escape_text(_one_line(name))
        header += [f"NAME:{name}", f"X-WR-CALNAME:{name}"]
    header.append(f"X-WR-TIMEZONE:{main_zone}")
    if refresh is not None:
        header += [f"REFRESH-INTERVAL;VALUE=DURATION:{_duration(refresh)}", f"X-PUBLISHED-TTL:{_duration(refresh)}"]
    parts = [fold(line) for line in header]
    for tzid in [main_zone, *sorted(zones - {main_zone})]:
        parts.append(_vtimezone_ical(tzid, first, last))
    digest = hashlib.blake2b(digest_size=16)
    for part in parts:
        digest.update(part)
    dtstamp = b"BEGIN:VEVENT\r\nDTSTAMP:" + _utc_stamp(_utc(now)).encode("ascii") + CRLF
    for event in events:
        digest.update(event.body)
        parts.append(dtstamp)
        parts.append(event.body)
    parts.append(b"END:VCALENDAR\r\n")
    return Calendar(b"".join(parts), digest.hexdigest())
