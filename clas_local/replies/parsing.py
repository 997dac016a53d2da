"""Reading an iMIP REPLY (RFC 6047) out of an e-mail, whatever shape the client gave it.

- Outlook: multipart/alternative with text/plain, text/html and `text/calendar;
  method=REPLY` (often base64, charset utf-8); sometimes the calendar as an attachment.
- Gmail: multipart/mixed[alternative[text/plain, text/html, text/calendar; method=REPLY],
  application/ics attachment « invite.ics »] — the same calendar twice.
- Thunderbird: multipart/mixed[text/plain, text/calendar; method=REPLY (quoted-printable
  or 8bit), sometimes with `name=` and Content-Disposition].

So every leaf part whose type is text/calendar or application/ics, or whose file name
ends in .ics, is a candidate, decoded from its transfer encoding and charset; the
METHOD MIME parameter may be missing, the calendar's own METHOD decides.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import getaddresses

import icalendar

CALENDAR_TYPES = {"text/calendar", "application/ics", "text/x-vcalendar"}
# Headers that may name the address the message was delivered to (plus-addressing).
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To", "Cc")


class NotAReply(Exception):
    """Why a message holds no usable REPLY: (reason code, French detail)."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class Reply:
    uid: str
    sequence: int
    organizer: str
    attendees: list[tuple[str, str, str]]  # (address lower-case, PARTSTAT upper-case, its own comment)
    comment: str


def calendar_parts(message: EmailMessage) -> list[str]:
    """The text of every calendar part of the message, in order."""
    found = []
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = (part.get_filename() or "").lower()
        if part.get_content_type() not in CALENDAR_TYPES and not filename.endswith((".ics", ".vcs")):
            continue
        data = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "utf-8"
        try:
            text = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            text = data.decode("utf-8", "replace")
        if text.strip():
            found.append(text)
    return found


def _address(value) -> str:
    text = str(value).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _attendee(value) -> tuple[str, str, str]:
    params = getattr(value, "params", {})
    # Google Calendar sends the note as a parameter of the ATTENDEE, others as COMMENT.
    return _address(value), str(params.get("PARTSTAT", "")).upper(), str(params.get("X-RESPONSE-COMMENT", "")).strip()


def read_reply(message: EmailMessage) -> Reply:
    """The REPLY the message carries, or NotAReply with the reason."""
    texts = calendar_parts(message)
    if not texts:
        raise NotAReply("no_calendar", "Le message ne contient aucune réponse d'agenda (text/calendar).")
    problems = []
    for text in texts:
        try:
            calendar = icalendar.Calendar.from_ical(text)
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            problems.append(("malformed", f"Agenda illisible : {exc}"[:300]))
            continue
        method = str(calendar.get("METHOD", "")).upper()
        events = calendar.walk("VEVENT")
        if method != "REPLY":
            problems.append(("not_a_reply", f"L'agenda joint n'est pas une réponse (METHOD:{method or 'absent'})."))
            continue
        if not events or "UID" not in events[0]:
            problems.append(("malformed", "La réponse ne contient aucun événement identifiable (VEVENT, UID)."))
            continue
        event = events[0]
        try:
            sequence = int(event.get("SEQUENCE", 0))
        except (TypeError, ValueError):
            problems.append(("malformed", "Numéro de version (SEQUENCE) illisible."))
            continue
        attendees = event.get("ATTENDEE", [])
        if not isinstance(attendees, list):
            attendees = [attendees]
        comment = event.get("COMMENT", "")
        if isinstance(comment, list):
            comment = "\n".join(str(item) for item in comment)
        return Reply(
            uid=str(event["UID"]),
            sequence=sequence,
            organizer=_address(event.get("ORGANIZER", "")),
            attendees=[_attendee(a) for a in attendees],
            comment=str(comment).strip(),
        )
    reason, detail = problems[0]
    raise NotAReply(reason, detail)


def recipient_text(message: EmailMessage) -> str:
    """Every address the message was sent or delivered to, as one text to search for tokens."""
    values = []
    for header in RECIPIENT_HEADERS:
        values += [str(value) for value in message.get_all(header, [])]
    return " ".join(address for _, address in getaddresses(values)) + " " + " ".join(values)
