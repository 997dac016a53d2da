"""The feuille d'émargement: a printable A4 PDF, pre-filled with the invited organisations and people."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import render_template

from clas_local import pdf
from clas_local.attendance.queries import attendance_sheet
from clas_local.meetings.models import Meeting

EXTRA_ROWS = 8


@dataclass
class SheetLine:
    organisation: str
    name: str = ""
    function: str = ""


@dataclass
class SheetOrganisation:
    name: str
    kind: str
    lines: list[SheetLine] = field(default_factory=list)


def short_reference(meeting: Meeting) -> str:
    """A few characters of the calendar UID, enough to match the paper to the meeting."""
    return meeting.uid.split("@", 1)[0].replace("-", "")[:8].upper()


def organisations(meeting: Meeting) -> list[SheetOrganisation]:
    """Invited organisations with the people e-mailed (or, when none was, their known contacts)."""
    found = []
    for row in attendance_sheet(meeting).invited_rows:
        people = row.invited_contacts or [c for c in row.partner.contacts if c.anonymised_at is None]
        people = [person for person in people if person.anonymised_at is None]
        organisation = SheetOrganisation(row.partner.name, row.partner.kind.label)
        organisation.lines = [SheetLine(row.partner.name, p.full_name, p.function) for p in people] or [
            SheetLine(row.partner.name)
        ]
        found.append(organisation)
    return found


def render_html(meeting: Meeting) -> str:
    return render_template(
        "attendance/signin_sheet.html",
        meeting=meeting,
        committee=meeting.committee,
        organisations=organisations(meeting),
        reference=short_reference(meeting),
        extra_rows=range(EXTRA_ROWS),
    )


def render_pdf(meeting: Meeting) -> bytes:
    return pdf.render(render_html(meeting), "signin-sheet")


def filename(meeting: Meeting) -> str:
    local_day = meeting.starts_at.astimezone(_zone(meeting)).date().isoformat()
    return f"emargement-{meeting.kind.value}-{local_day}.pdf"


def _zone(meeting: Meeting):
    from zoneinfo import ZoneInfo

    return ZoneInfo(meeting.committee.timezone)
