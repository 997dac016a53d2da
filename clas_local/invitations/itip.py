"""iTIP (RFC 5546) calendars for invitation e-mails: METHOD:REQUEST and METHOD:CANCEL.

Built on calendar.ics (same UID, SEQUENCE, times and VTIMEZONE as the downloads and
feeds), with the ORGANIZER (the committee's sender) and one ATTENDEE per invited
contact, whose PARTSTAT follows their answer.
"""

from __future__ import annotations

from collections.abc import Iterable

import icalendar
from flask import current_app

from clas_local.calendar.ics import build_calendar, meeting_event
from clas_local.invitations.models import Answer, Invitation
from clas_local.invitations.tokens import calendar_replies_enabled, reply_address
from clas_local.mail.services import sender_parts
from clas_local.text import one_line

PARTSTAT = {
    Answer.PENDING: "NEEDS-ACTION",
    Answer.ACCEPTED: "ACCEPTED",
    Answer.DECLINED: "DECLINED",
    Answer.TENTATIVE: "TENTATIVE",
}

REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"


def attendee_name(invitation: Invitation) -> str:
    person = invitation.contact.display_name if invitation.contact is not None else ""
    return one_line(f"{person} ({invitation.partner.name})" if person else invitation.partner.name)


def contact_address(contact) -> str | None:
    """The contact's address as it can travel in any relay (ASCII, domain in IDNA), or None.

    An address whose local part has accents (« élodie@… ») needs SMTPUTF8, which many
    relays refuse: such a contact is shown as not reachable by e-mail rather than failing."""
    if contact is None or contact.anonymised_at is not None or not contact.email:
        return None
    local, _, domain = contact.email.strip().rpartition("@")
    if not local or not domain or not local.isascii():
        return None
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return f"{local}@{domain}"


def can_receive_mail(invitation: Invitation) -> bool:
    return contact_address(invitation.contact) is not None


def invitation_event(meeting, attendees: Iterable[Invitation], recipient: Invitation | None = None) -> icalendar.Event:
    """The VEVENT of an invitation e-mail to `recipient`.

    With calendar replies read (`tokens.calendar_replies_enabled`), the ORGANIZER is the
    recipient's own reply address, where their client sends « Accepter »; and a person who
    has not answered is asked to (RSVP=TRUE). Without, every RSVP is FALSE: no client
    promises an answer that nobody would read, the e-mail's link is the way to answer."""
    event = meeting_event(meeting, current_app.config["BASE_URL"])
    name, address = sender_parts(meeting.committee)
    replies = calendar_replies_enabled()
    if replies and recipient is not None:
        address = reply_address(recipient)
    event.add("organizer", icalendar.vCalAddress(f"mailto:{address}"), parameters={"CN": name})
    for invitation in attendees:
        if not can_receive_mail(invitation):
            continue
        event.add(
            "attendee",
            icalendar.vCalAddress(f"mailto:{contact_address(invitation.contact)}"),
            parameters={
                "CN": attendee_name(invitation),
                "CUTYPE": "INDIVIDUAL",
                "ROLE": "REQ-PARTICIPANT",
                "PARTSTAT": "NEEDS-ACTION" if invitation.answer_to_reconfirm else PARTSTAT[invitation.answer],
                "RSVP": "TRUE" if replies and (invitation.answer is Answer.PENDING or invitation.answer_to_reconfirm)
                else "FALSE",
            },
        )
    return event


def invitation_calendar(meeting, attendees: Iterable[Invitation], method: str, recipient: Invitation | None = None) -> bytes:
    """The VCALENDAR of an invitation e-mail to `recipient` (REQUEST, CANCEL), or of the answer
    page's download (PUBLISH: an event to copy into one's calendar, with no ORGANIZER nor
    ATTENDEE, so that no client offers to answer a copy)."""
    if method == PUBLISH:
        event = meeting_event(meeting, current_app.config["BASE_URL"])
    else:
        event = invitation_event(meeting, attendees, recipient)
    return build_calendar([event], method=method, name=None, timezone=meeting.committee.timezone)
