"""The attendance and minutes sections of the meeting page."""

from __future__ import annotations

from clas_local import permissions
from clas_local.attendance.forms import UninvitedForm
from clas_local.attendance.models import Presence
from clas_local.attendance.queries import addable_partners, attendance_sheet, meeting_minutes
from clas_local.attendance.services import CHILDREN_REMINDER


def panel_context(meeting, user, uninvited_form: UninvitedForm | None = None) -> dict:
    sheet = attendance_sheet(meeting)
    can_edit = permissions.can_edit_meeting(user, meeting)
    if can_edit and uninvited_form is None:
        uninvited_form = UninvitedForm(formdata=None)
    if uninvited_form is not None:
        uninvited_form.set_partners(addable_partners(meeting, sheet))
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "sheet": sheet,
        "can_edit": can_edit,
        "uninvited_form": uninvited_form if can_edit else None,
        "presence": Presence,
        "minutes": meeting_minutes(meeting),
        "reminder": CHILDREN_REMINDER,
    }


def meeting_panel(meeting, user) -> dict | None:
    if not permissions.can_view_meeting(user, meeting):
        return None
    return panel_context(meeting, user)
