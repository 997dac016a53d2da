"""iCalendar (RFC 5545) for meetings: one event per meeting, and whole calendars.

`meeting_event` and `build_calendar` are shared: the downloads and feeds here, and the
invitation e-mails (METHOD:REQUEST / CANCEL, with ORGANIZER and ATTENDEE added by the
invitations domain) all go through them, so every client sees the same UID, SEQUENCE
and times.

Times are written in the committee's zone with its TZID, and the calendar carries a
VTIMEZONE computed here from zoneinfo's transitions (see `vtimezone`), so that a client
without its own zone database (Thunderbird's ical.js, strict parsers) computes exactly
the instant the server means. A wall time that is ambiguous in that zone (the repeated
hour when clocks go back) is written in UTC instead: a TZID cannot say which of the two
it is.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone as dt_timezone
from zoneinfo import ZoneInfo

import icalendar

from clas_local.i18n import format_time_range
from clas_local.text import one_line

PRODID = "-//Clas Local//Concertation des Clas//FR"
FEED_REFRESH = timedelta(hours=1)
# A VTIMEZONE covers from this many years before the first event to this many after the last.
ZONE_MARGIN_YEARS = 1


def meeting_url(meeting, base_url: str) -> str:
    return f"{base_url.rstrip('/')}/c/{meeting.committee.slug}/meetings/{meeting.id}"


def _summary(meeting) -> str:
    from clas_local.meetings.models import MeetingStatus

    what = meeting.title or meeting.kind.label
    subject = meeting.project.name if meeting.project is not None else meeting.committee.name
    summary = f"{what} – {subject}"
    if meeting.status is MeetingStatus.CANCELLED:
        summary = f"Annulée : {summary}"
    return one_line(summary)


def _description(meeting, url: str) -> str:
    from clas_local.meetings.models import MeetingKind, MeetingStatus

    tz = meeting.committee.timezone
    lines = []
    if meeting.status is MeetingStatus.CANCELLED:
        lines += ["Cette réunion est annulée.", ""]
    if meeting.project is not None:
        lines.append(
            f"Réunion de concertation ({meeting.kind.label.lower()}) du projet « {meeting.project.name} », "
            f"année scolaire {meeting.project.school_year}."
        )
    elif meeting.kind is MeetingKind.COMITE_LOCAL:
        lines.append(f"Réunion du {meeting.committee.name}.")
    else:
        lines.append(f"{meeting.kind.label} – {meeting.committee.name}.")
    lines.append(f"Quand : {format_time_range(meeting.starts_at, meeting.ends_at, tz)}.")
    if meeting.place:
        lines.append(f"Lieu : {meeting.place}")
    if meeting.online_url:
        lines.append(f"En ligne : {meeting.online_url}")
    if meeting.agenda.strip():
        lines += ["", "Ordre du jour :", meeting.agenda.strip()]
    lines += ["", f"Détails et réponses : {url}"]
    return "\n".join(lines)


def _zoned(moment: datetime, zone: ZoneInfo) -> datetime:
    """The wall time in `zone` when it names one instant, else the instant in UTC."""
    local = moment.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return moment.astimezone(dt_timezone.utc)
    return local


def _utc(moment: datetime | None) -> datetime:
    moment = moment or datetime.now(dt_timezone.utc)
    return moment.astimezone(dt_timezone.utc).replace(microsecond=0)


def meeting_event(meeting, base_url: str) -> icalendar.Event:
    """The VEVENT of a meeting. Needs meeting.committee and meeting.project loaded."""
    from clas_local.meetings.models import MeetingStatus

    zone = ZoneInfo(meeting.committee.timezone)
    url = meeting_url(meeting, base_url)
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("dtstamp", _utc(None))
    event.add("created", _utc(meeting.created_at))
    event.add("last-modified", _utc(meeting.updated_at))
    event.add("sequence", meeting.sequence)
    event.add("status", "CANCELLED" if meeting.status is MeetingStatus.CANCELLED else "CONFIRMED")
    event.add("summary", _summary(meeting))
    event.add("description", _description(meeting, url))
    location = meeting.place or meeting.online_url
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("dtstart", _zoned(meeting.starts_at, zone))
    event.add("dtend", _zoned(meeting.ends_at, zone))
    # A cancelled meeting stays visible (struck through by most clients) but keeps no time busy.
    event.add("transp", "TRANSPARENT" if meeting.status is MeetingStatus.CANCELLED else "OPAQUE")
    event.add("class", "PUBLIC")
    return event


# -- VTIMEZONE -----------------------------------------------------------------------------


def _offset_at(zone: ZoneInfo, moment: datetime) -> timedelta:
    return moment.astimezone(zone).utcoffset()


def _transitions(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """UTC instants (to the minute) where the zone's offset or name changes in [start, end)."""

    def state(moment):
        local = moment.astimezone(zone)
        return local.utcoffset(), local.tzname()

    found = []
    day = start
    while day < end:
        following = day + timedelta(days=1)
        if state(day) != state(following):
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                middle = middle.replace(second=0, microsecond=0)
                if middle <= low:
                    middle = low + timedelta(minutes=1)
                if state(middle) == state(low):
                    low = middle
                else:
                    high = middle
            found.append(high)
        day = following
    return found


def _weekday_rule(onset: datetime) -> tuple[int, str, tuple[int, int]]:
    """(month, BYDAY, wall time) of an onset: « -1SU » for the last Sunday, « 2SU » the second…"""
    weekday = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")[onset.weekday()]
    next_month = (onset.replace(day=28) + timedelta(days=4)).replace(day=1)
    last = (next_month - timedelta(days=1)).day
    position = "-1" if onset.day + 7 > last else str((onset.day - 1) // 7 + 1)
    return onset.month, f"{position}{weekday}", (onset.hour, onset.minute)


def _observance(kind: str, name: str, offset_from: timedelta, offset_to: timedelta, starts: list[datetime],
                last_year: int):
    """One STANDARD or DAYLIGHT component for these onsets (local wall times before the change).

    Onsets that fall every year on the same weekday rule become DTSTART + a yearly RRULE
    (`FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU`), as Outlook and Exchange write and read them, with an
    UNTIL when the rule stopped before the range's end. Otherwise (a single onset, or rare
    historical onsets that follow no rule) they are listed as RDATEs, one line each (ical.js
    reads only the first value of a comma-separated RDATE)."""
    component = icalendar.TimezoneDaylight() if kind == "DAYLIGHT" else icalendar.TimezoneStandard()
    component.add("dtstart", starts[0])
    rules = {_weekday_rule(onset) for onset in starts}
    yearly = [onset.year for onset in starts] == list(range(starts[0].year, starts[0].year + len(starts)))
    if len(starts) > 1 and len(rules) == 1 and yearly:
        month, byday, _ = rules.pop()
        rule = {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": byday}
        if starts[-1].year < last_year:
            rule["UNTIL"] = (starts[-1] - offset_from).replace(tzinfo=dt_timezone.utc)
        component.add("rrule", rule)
    else:
        # A lone onset repeats DTSTART as RDATE: the recurrence set is a set (RFC 5545
        # §3.8.5.2), and the python `ical` parser only counts onsets RDATE or RRULE list;
        # readers that ignore RDATE still have DTSTART.
        for onset in starts:
            component.add("rdate", onset)
    component.add("tzname", name)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    return component


@functools.lru_cache(maxsize=64)
def _vtimezone_ical(tzid: str, first_year: int, last_year: int) -> bytes:
    zone = ZoneInfo(tzid)
    # Onsets from the year before the range: the offset in force on 1 January of first_year
    # is then that of an observance already started (one STANDARD and one DAYLIGHT for
    # zones with daylight saving, as Outlook expects, not a third « initial » one).
    start = datetime(first_year - 1, 1, 1, tzinfo=dt_timezone.utc)
    end = datetime(last_year + 1, 1, 1, tzinfo=dt_timezone.utc)
    vtimezone = icalendar.Timezone()
    vtimezone.add("tzid", tzid)
    groups: dict[tuple, list[datetime]] = {}
    for instant in _transitions(zone, start, end):
        before = _offset_at(zone, instant - timedelta(minutes=1))
        after_local = instant.astimezone(zone)
        kind = "DAYLIGHT" if after_local.dst() else "STANDARD"
        key = (kind, after_local.tzname(), before, after_local.utcoffset())
        wall_before = (instant + before).replace(tzinfo=None)
        groups.setdefault(key, []).append(wall_before)
    initial = datetime(first_year, 1, 1, tzinfo=dt_timezone.utc).astimezone(zone)
    if not any(onsets[0].year < first_year for onsets in groups.values()):
        # No change before the range (zones without daylight saving): the offset in force
        # on 1 January of first_year, as a single observance.
        kind = "DAYLIGHT" if initial.dst() else "STANDARD"
        vtimezone.add_component(
            _observance(kind, initial.tzname(), initial.utcoffset(), initial.utcoffset(),
                        [datetime(first_year, 1, 1)], last_year)
        )
    for (kind, name, offset_from, offset_to), starts in groups.items():
        vtimezone.add_component(_observance(kind, name, offset_from, offset_to, starts, last_year))
    return vtimezone.to_ical()


def vtimezone(tzid: str, first_year: int, last_year: int) -> icalendar.Timezone:
    """A VTIMEZONE for `tzid` whose transitions match zoneinfo's from 1 January of
    `first_year` to 31 December of `last_year` (computed once per zone and range)."""
    return icalendar.Timezone.from_ical(_vtimezone_ical(tzid, first_year, last_year))


def _event_years(events: list[icalendar.Event]) -> tuple[int, int]:
    years = []
    for event in events:
        for name in ("dtstart", "dtend"):
            if name in event:
                value = event.decoded(name)
                years.append(value.year)
    if not years:
        years = [date.today().year]
    return min(years) - ZONE_MARGIN_YEARS, max(years) + ZONE_MARGIN_YEARS


def build_calendar(
    events: Iterable[icalendar.Event],
    *,
    method: str,
    name: str | None,
    timezone: str,
    refresh: timedelta | None = None,
) -> bytes:
    """A VCALENDAR holding `events` and the VTIMEZONE of `timezone`, serialised.

    icalendar writes CRLF line ends and folds lines at 75 octets. `name` sets NAME and
    X-WR-CALNAME (a feed's title in clients); `refresh` (for subscribed feeds) sets
    REFRESH-INTERVAL and X-PUBLISHED-TTL."""
    events = list(events)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method.upper())
    if name:
        # TEXT (RFC 7986): commas, semicolons and backslashes escaped, on one line.
        calendar.add("name", icalendar.vText(one_line(name)))
        calendar.add("x-wr-calname", icalendar.vText(one_line(name)))
    calendar.add("x-wr-timezone", timezone)
    if refresh is not None:
        calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    calendar.add_component(vtimezone(timezone, *_event_years(events)))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
