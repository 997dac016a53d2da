"""Read our .ics output the way calendar clients do, to compare their instants with zoneinfo's.

    from tests.calendar.ical_tools import icaljs_instants, strict_python_instants, zoneinfo_instant

- `icaljs_instants(ics)`: Thunderbird's parser, the npm package ical.js (tests/js), run with
  Node; it knows no zone but UTC, so it computes from the file's own VTIMEZONEs.
- `strict_python_instants(ics)`: the `ical` package, a strict RFC 5545 parser (it refuses
  what it does not understand); the instants are computed from the file's VTIMEZONE
  (ical's IcsTimezoneInfo), not from the TZID's name.

- `rdate_blind_instants(ics)`: ical.js again, with every RDATE line removed first: a reader
  that ignores RDATE (as some Outlook versions do) must still find the same instants.

All return {uid: {"start": datetime, "end": datetime, ...}} with aware UTC datetimes.
node_modules is installed with `npm ci` on first use when it is missing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import threading
from datetime import datetime, timezone
from pathlib import Path

JS_DIR = Path(__file__).resolve().parent.parent / "js"
SCRIPT = JS_DIR / "instants.mjs"
_install_lock = threading.Lock()


def ensure_node_modules() -> None:
    with _install_lock:
        if (JS_DIR / "node_modules" / "ical.js" / "package.json").exists():
            return
        npm = shutil.which("npm")
        assert npm, "npm is needed to install ical.js for the calendar tests (Node 20 and npm)"
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, check=True, capture_output=True)


def _parse_iso(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(timezone.utc)


def icaljs_instants(ics: bytes) -> dict[str, dict]:
    """{uid: {"start", "end" (aware UTC), "tzid", "sequence", "status", "summary", "description", "location",
    "url", "calendarName"}} as ical.js reads them."""
    ensure_node_modules()
    node = shutil.which("node")
    assert node, "Node is needed to run ical.js"
    with tempfile.NamedTemporaryFile(suffix=".ics") as handle:
        handle.write(ics)
        handle.flush()
        result = subprocess.run([node, str(SCRIPT), handle.name], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode()
    events = json.loads(result.stdout)
    return {
        event["uid"]: {**event, "start": _parse_iso(event["start"]), "end": _parse_iso(event["end"])}
        for event in events
    }


def strict_python_instants(ics: bytes) -> dict[str, dict]:
    """{uid: {"start", "end" (aware UTC), "tzid", "sequence", "status", "summary", "description", "location",
    "url"}} as `ical` reads them."""
    from ical.calendar_stream import IcsCalendarStream
    from ical.timezone import IcsTimezoneInfo

    calendar = IcsCalendarStream.calendar_from_ics(ics.decode("utf-8"))
    zones = {zone.tz_id: IcsTimezoneInfo.from_timezone(zone) for zone in calendar.timezones}

    def instant(value: datetime) -> tuple[datetime, str | None]:
        if value.tzinfo is None:
            raise AssertionError(f"floating time {value}: every time must carry a zone")
        if value.utcoffset() == timezone.utc.utcoffset(None) and str(value.tzinfo) in ("UTC", "UTC+00:00"):
            return value.astimezone(timezone.utc), None
        tzid = str(value.tzinfo)
        assert tzid in zones, f"TZID {tzid} has no VTIMEZONE in the file"
        local = value.replace(tzinfo=None)
        return (local - zones[tzid].utcoffset(local)).replace(tzinfo=timezone.utc), tzid

    found = {}
    for event in calendar.events:
        start, tzid = instant(event.dtstart)
        end, _ = instant(event.dtend)
        found[event.uid] = {
            "uid": event.uid,
            "start": start,
            "end": end,
            "tzid": tzid,
            "sequence": event.sequence,
            "status": event.status.value if event.status else None,
            "summary": event.summary,
            "description": event.description,
            "location": event.location,
            "url": event.url,
        }
    return found


def without_rdate(ics: bytes) -> bytes:
    """The file as a reader that ignores RDATE sees it (some Outlook versions, simple
    parsers): every RDATE content line, continuation lines included, removed."""
    unfolded = re.sub(rb"\r\n[ \t]", b"", ics)
    return b"".join(line + b"\r\n" for line in unfolded.split(b"\r\n") if line and not line.upper().startswith(b"RDATE"))


def rdate_blind_instants(ics: bytes) -> dict[str, dict]:
    """ical.js reading the file with every RDATE removed: a VTIMEZONE that needs its RDATE
    lists (rather than DTSTART + RRULE) is then read an hour off for part of the year."""
    return icaljs_instants(without_rdate(ics))


def zoneinfo_instant(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


# Every reader the calendar tests hold our files to; each must find zoneinfo's instants.
READERS = (icaljs_instants, strict_python_instants, rdate_blind_instants)


def assert_both_parsers_read(ics: bytes, meetings) -> None:
    """Every reader of READERS finds every meeting, at its own start and end instants."""
    for reader in READERS:
        read = reader(ics)
        assert len(read) == len(meetings), reader.__name__
        for meeting in meetings:
            expected = (meeting.starts_at, meeting.ends_at)
            assert (read[meeting.uid]["start"], read[meeting.uid]["end"]) == expected, (reader.__name__, meeting.starts_at)
