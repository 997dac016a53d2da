"""Read our .ics output the way calendar clients do, to compare their instants with zoneinfo's.

    from tests.calendar.ical_tools import icaljs_instants, strict_python_instants, zoneinfo_instant

- `icaljs_instants(ics)`: Thunderbird's parser, the npm package ical.js (tests/js), run with
  Node; it knows no zone but UTC, so it computes from the file's own VTIMEZONEs.
- `strict_python_instants(ics)`: the `ical` package, a strict RFC 5545 parser (it refuses
  what it does not understand); the instants are computed from the file's VTIMEZONE
  (ical's IcsTimezoneInfo), not from the TZID's name.

Both return {uid: {"start": datetime, "end": datetime, ...}} with aware UTC datetimes.
node_modules is installed with `npm ci` on first use when it is missing.
"""

from __future__ import annotations

import json
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


def zoneinfo_instant(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def assert_both_parsers_read(ics: bytes, meetings) -> None:
    """ical.js and the strict parser each find every meeting, at its own start and end instants."""
    by_js, by_strict = icaljs_instants(ics), strict_python_instants(ics)
    assert len(by_js) == len(by_strict) == len(meetings)
    for meeting in meetings:
        expected = (meeting.starts_at, meeting.ends_at)
        assert (by_js[meeting.uid]["start"], by_js[meeting.uid]["end"]) == expected, meeting.starts_at
        assert (by_strict[meeting.uid]["start"], by_strict[meeting.uid]["end"]) == expected, meeting.starts_at
