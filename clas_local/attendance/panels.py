"""The attendance and minutes sections of the meeting page."""

from __future__ import annotations

from dataclasses import replace

from clas_local import permissions
from clas_local.attendance.models import Presence
from clas_local.attendance.queries import attendance_sheet, meeting_minutes
from clas_local.attendance.services import CHILDREN_REMINDER, can_record, not_started_message


def panel_context(meeting, user) -> dict:
    """Three queries at most (attendance rows, contacts not loaded yet, minutes), whatever the size.
    A school user gets their own school's row only (permissions.own_organisation_only)."""
    sheet = attendance_sheet(meeting)
    own = permissions.own_organisation_only(user, meeting.committee)
    if own is not None:
        sheet = replace(sheet, invited_rows=[row for row in sheet.invited_rows if row.partner.id == own], other_rows=[])
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "sheet": sheet,
        "can_edit": permissions.can_edit_meeting(user, meeting),
        # Before the start the table is read-only and says from when it can be filled in.
        "can_record": can_record(meeting),
        "not_started": not_started_message(meeting),
        "presence": Presence,
        "minutes": meeting_minutes(meeting),
        "reminder": CHILDREN_REMINDER,
    }


def meeting_panel(meeting, user) -> dict | None:
    if not permissions.can_view_meeting(user, meeting):
        return None
    return panel_context(meeting, user)
