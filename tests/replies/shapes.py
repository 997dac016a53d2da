"""iMIP REPLY messages as Outlook, Gmail and Thunderbird send them, built from the REQUEST
a person received (same UID, SEQUENCE, ORGANIZER), to be delivered into the test mailbox.

The shapes follow what these clients write (RFC 6047 and their public examples):

- Outlook / Exchange: multipart/alternative[text/plain, text/html, text/calendar;
  method=REPLY in base64], `Content-Class: urn:content-classes:calendarmessage`, the
  calendar with a Windows zone name as TZID and the note in COMMENT;LANGUAGE=fr-FR.
- Gmail: multipart/mixed[alternative[text/plain, text/html, text/calendar; method=REPLY
  7bit], application/ics « invite.ics » attachment in base64]; the note as the
  ATTENDEE's X-RESPONSE-COMMENT parameter.
- Thunderbird: multipart/mixed[text/plain, text/calendar (no method parameter,
  quoted-printable), application/ics « invite.ics » attachment].
"""

from __future__ import annotations

import base64
import quopri
from datetime import datetime, timezone
from email.header import Header
from email.utils import format_datetime, make_msgid

import icalendar

CRLF = "\r\n"


def reply_calendar(request: bytes, attendee: str, partstat: str, *, prodid: str, sequence: int | None = None,
                   comment: str = "", comment_param: str = "", method: str = "REPLY", uid: str | None = None,
                   cn: str = "", tzid: str | None = None, organizer: str | None = None) -> str:
    """The REPLY a client writes for `request`: its UID, SEQUENCE, DTSTART and ORGANIZER, one ATTENDEE."""
    event = icalendar.Calendar.from_ical(request).walk("VEVENT")[0]
    organizer = f"mailto:{organizer}" if organizer else str(event["ORGANIZER"])
    start = event.decoded("DTSTART").astimezone(timezone.utc)
    end = event.decoded("DTEND").astimezone(timezone.utc)
    attendee_params = f";PARTSTAT={partstat}" + (f";CN={cn}" if cn else "")
    if comment_param:
        attendee_params += f';X-RESPONSE-COMMENT="{comment_param}"'
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        f"METHOD:{method}",
    ]
    if tzid:
        lines += [
            "BEGIN:VTIMEZONE", f"TZID:{tzid}",
            "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
            "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
            "RRULE:FREQ=YEARLY;INTERVAL=1;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]  # fmt: skip
    lines += [
        "BEGIN:VEVENT",
        f"ATTENDEE{attendee_params}:mailto:{attendee}",
    ]
    if comment:
        lines.append(f"COMMENT;LANGUAGE=fr-FR:{comment}")
    lines += [
        f"UID:{uid or event['UID']}",
        f"SUMMARY:Accepté : {event['SUMMARY']}",
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
        f"DTEND:{end:%Y%m%dT%H%M%SZ}",
        f"DTSTAMP:{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}",
        f"SEQUENCE:{event['SEQUENCE'] if sequence is None else sequence}",
        f"ORGANIZER:{organizer}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return CRLF.join(lines) + CRLF


def _headers(sender: str, to: str, subject: str, content_type: str, extra: list[str] = ()) -> list[str]:
    return [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        f"Date: {format_datetime(datetime.now(timezone.utc))}",
        f"Message-ID: {make_msgid(domain='client.example.net')}",
        "MIME-Version: 1.0",
        *(name + ": " + (value if value.isascii() else Header(value, "utf-8").encode())
          for name, value in (line.split(": ", 1) if ": " in line else (line.rstrip(":"), "") for line in extra)),
        f"Content-Type: {content_type}",
    ]


def _b64(text: str) -> str:
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return CRLF.join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def _qp(text: str) -> str:
    text = text.replace(CRLF, "\n")
    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("\n", CRLF)


def outlook(calendar: str, *, sender: str, to: str, subject: str = "Accepté : Réunion de suivi") -> bytes:
    boundary = "_000_PR3P192MB0731F5B6D3E2A0D0C2E1A9C2A2PR3P192MB0731EURP_"
    parts = [
        *_headers(sender, to, subject, f'multipart/alternative; boundary="{boundary}"',
                  ["Thread-Topic: Réunion de suivi", "Content-Class: urn:content-classes:calendarmessage",
                   "Content-Language: fr-FR", "X-MS-Has-Attach:"]),
        "",
        f"--{boundary}",
        'Content-Type: text/plain; charset="iso-8859-1"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        quopri.encodestring("Je serai là.".encode("iso-8859-1")).decode("ascii"),
        f"--{boundary}",
        'Content-Type: text/html; charset="iso-8859-1"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        quopri.encodestring("<html><body><p>Je serai là.</p></body></html>".encode("iso-8859-1")).decode("ascii"),
        f"--{boundary}",
        'Content-Type: text/calendar; charset="utf-8"; method=REPLY',
        "Content-Transfer-Encoding: base64",
        "",
        _b64(calendar),
        f"--{boundary}--",
        "",
    ]
    return CRLF.join(parts).encode("ascii")


def gmail(calendar: str, *, sender: str, to: str, subject: str = "Refusé : Réunion de suivi") -> bytes:
    mixed, alternative = "000000000000a1b2c3060f3d9e7f", "000000000000a1b2c0060f3d9e7d"
    parts = [
        *_headers(sender, to, subject, f'multipart/mixed; boundary="{mixed}"', ["Reply-To: " + sender]),
        "",
        f"--{mixed}",
        f'Content-Type: multipart/alternative; boundary="{alternative}"',
        "",
        f"--{alternative}",
        'Content-Type: text/plain; charset="UTF-8"; format=flowed; delsp=yes',
        "Content-Transfer-Encoding: base64",
        "",
        _b64("Isabelle Caradec a refusé cette invitation."),
        f"--{alternative}",
        'Content-Type: text/html; charset="UTF-8"',
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _qp("<p>Isabelle Caradec a refusé cette invitation.</p>"),
        f"--{alternative}",
        'Content-Type: text/calendar; charset="UTF-8"; method=REPLY',
        "Content-Transfer-Encoding: " + ("7bit" if calendar.isascii() else "quoted-printable"),
        "",
        calendar if calendar.isascii() else _qp(calendar),
        f"--{alternative}--",
        f"--{mixed}",
        'Content-Type: application/ics; name="invite.ics"',
        'Content-Disposition: attachment; filename="invite.ics"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64(calendar),
        f"--{mixed}--",
        "",
    ]
    return CRLF.join(parts).encode("ascii")


def thunderbird(calendar: str, *, sender: str, to: str, subject: str = "Peut-être : Réunion de suivi") -> bytes:
    boundary = "------------8rXq2Zc1fT0h5bW3kQ9yLmNa"
    parts = [
        *_headers(sender, to, subject, f'multipart/mixed; boundary="{boundary}"',
                  ["User-Agent: Mozilla Thunderbird"]),
        "",
        "This is a multi-part message in MIME format.",
        f"--{boundary}",
        "Content-Type: text/plain; charset=UTF-8; format=flowed",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _qp("Isabelle Caradec <i.caradec@ecole.example.fr> a accepté provisoirement votre invitation."),
        f"--{boundary}",
        # No method parameter: the calendar's own METHOD says REPLY.
        "Content-Type: text/calendar; charset=UTF-8",
        "Content-Transfer-Encoding: quoted-printable",
        "",
        _qp(calendar),
        f"--{boundary}",
        'Content-Type: application/ics; name="invite.ics"',
        'Content-Disposition: attachment; filename="invite.ics"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64(calendar),
        f"--{boundary}--",
        "",
    ]
    return CRLF.join(parts).encode("ascii")


def attachment_only(calendar: str, *, sender: str, to: str, subject: str = "Réponse") -> bytes:
    """A client that only attaches the file (as a forwarded .ics): application/octet-stream « reponse.ics »."""
    boundary = "attachment-only"
    parts = [
        *_headers(sender, to, subject, f'multipart/mixed; boundary="{boundary}"'),
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "Voir la piece jointe.",
        f"--{boundary}",
        'Content-Type: application/octet-stream; name="reponse.ics"',
        'Content-Disposition: attachment; filename="reponse.ics"',
        "Content-Transfer-Encoding: base64",
        "",
        _b64(calendar),
        f"--{boundary}--",
        "",
    ]
    return CRLF.join(parts).encode("ascii")


def plain(*, sender: str, to: str, subject: str, body: str = "Bonjour, je viendrai.") -> bytes:
    return CRLF.join([*_headers(sender, to, subject, "text/plain; charset=utf-8"),
                      "Content-Transfer-Encoding: 8bit", "", body, ""]).encode("utf-8")
