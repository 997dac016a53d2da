"""The invitation e-mail: French text and HTML, the iTIP calendar part and the same as an .ics attachment.

    multipart/mixed
      multipart/alternative
        text/plain                        the message, with the person's answer link
        text/html                         the same, for clients that show HTML
        text/calendar; method=REQUEST     what Outlook, Thunderbird, Gmail turn into an invitation
      application/ics  (attachment)       the same calendar, for clients that ignore the part above
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app, render_template

from clas_local.i18n import format_datetime, format_time_range
from clas_local.invitations import itip
from clas_local.invitations.models import Invitation
from clas_local.invitations.tokens import calendar_replies_enabled, make_token, reply_address
from clas_local.mail.headers import set_common_headers
from clas_local.mail.models import MessageKind
from clas_local.mail.services import sender_address
from clas_local.text import one_line


@dataclass(frozen=True)
class Wording:
    subject_prefix: str
    method: str
    filename: str


WORDING = {
    MessageKind.INVITATION: Wording("Invitation", itip.REQUEST, "invitation.ics"),
    MessageKind.UPDATE: Wording("Mise à jour", itip.REQUEST, "mise-a-jour.ics"),
    MessageKind.REMINDER: Wording("Relance", itip.REQUEST, "invitation.ics"),
    MessageKind.CANCELLATION: Wording("Annulée", itip.CANCEL, "annulation.ics"),
}
# A CANCEL to people whose organisation is no longer invited (the meeting itself goes on).
WITHDRAWN = Wording("Invitation retirée", itip.CANCEL, "annulation.ics")


# How a meeting without its own title is named in a sentence.
KIND_TITLES = {
    "diagnostic": "Réunion de diagnostic",
    "lancement": "Réunion de lancement",
    "suivi": "Réunion de suivi",
    "bilan": "Réunion de bilan",
    "comite_local": "Réunion du comité local",
    "instance": "Réunion de l'instance de concertation",
    "autre": "Réunion",
}


def meeting_title(meeting) -> str:
    return meeting.title or KIND_TITLES.get(meeting.kind.value, "Réunion")


def rsvp_url(invitation: Invitation) -> str:
    return f"{current_app.config['BASE_URL']}/rsvp/{make_token(invitation)}"


def meeting_subject(meeting) -> str:
    what = meeting_title(meeting)
    if meeting.project is not None:
        what = f"{what} – {meeting.project.name}"
    return one_line(f"{what} – {format_datetime(meeting.starts_at, meeting.committee.timezone)}")


def build_invitation_message(
    invitation: Invitation, kind: MessageKind, attendees: list[Invitation], *, withdrawn: bool = False,
    changes: list | None = None, reason: str = "",
) -> EmailMessage:
    """The e-mail for one invited contact; `attendees` are every contact invited to the meeting.
    `withdrawn`: a CANCEL for this person only, whose organisation is no longer invited."""
    meeting = invitation.meeting
    committee = meeting.committee
    wording = WITHDRAWN if withdrawn else WORDING[kind]
    context = {
        "kind": kind.value,
        "meeting": meeting,
        "committee": committee,
        "invitation": invitation,
        "contact": invitation.contact,
        "partner": invitation.partner,
        "when": format_time_range(meeting.starts_at, meeting.ends_at, committee.timezone),
        "rsvp_url": "" if withdrawn else rsvp_url(invitation),
        "withdrawn": withdrawn,
        "meeting_title": meeting_title(meeting),
        "filename": wording.filename,
        "changes": changes or [],
        "reason": reason,
    }
    replies = calendar_replies_enabled()
    context["calendar_replies"] = replies
    calendar = itip.invitation_calendar(meeting, attendees, wording.method, invitation)

    message = EmailMessage()
    message["From"] = sender_address(committee)
    message["To"] = formataddr((one_line(invitation.contact.full_name), itip.contact_address(invitation.contact)))
    set_common_headers(message, f"{wording.subject_prefix} : {meeting_subject(meeting)}")
    if replies and not withdrawn:
        # A « reply » in the mail client, like the calendar's answer, reaches the mailbox that
        # `clas fetch-replies` reads; without a calendar part it is kept there as rejected.
        message["Reply-To"] = formataddr((one_line(committee.name), reply_address(invitation)))
    if kind is MessageKind.REMINDER:
        # RFC 3834: sent by a program, not a person; auto-responders do not answer it.
        message["Auto-Submitted"] = "auto-generated"
    # Quoted-printable keeps the message 7-bit clean for any relay.
    message.set_content(render_template("mail/invitation.txt", **context), cte="quoted-printable")
    message.add_alternative(render_template("mail/invitation.html", **context), subtype="html", cte="quoted-printable")
    message.add_alternative(
        calendar, maintype="text", subtype="calendar", params={"method": wording.method, "charset": "utf-8"}
    )
    message.add_attachment(calendar, maintype="application", subtype="ics", filename=wording.filename)
    return message
