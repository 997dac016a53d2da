"""Writes for invitations: e-mail contacts, record answers, remind, and follow meeting changes.

Messages are queued in the caller's transaction (mail.services.queue) and handed to
mail.services.deliver_after_commit: they leave only once the view has committed.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select, update

from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.i18n import plural
from clas_local.invitations import itip, queries
from clas_local.invitations.messages import build_invitation_message
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.mail import services as mail
from clas_local.mail.models import MessageKind, OutgoingMessage
from clas_local.meetings import services as meetings
from clas_local.meetings.models import Meeting, MeetingStatus
from clas_local.partners.models import Contact, contact_reference
from clas_local.signals import invitees_removed, meeting_changed

COMMENT_MAX = 500
log = logging.getLogger(__name__)


class InvitationError(ValueError):
    """A request that cannot be carried out, with the French reason."""


def _queue_for(invitation: Invitation, kind: MessageKind, attendees: list[Invitation], **what) -> OutgoingMessage:
    """`what`: for an update, the `changes` (what, before, now); for a cancellation, its `reason`."""
    meeting = invitation.meeting
    message = build_invitation_message(invitation, kind, attendees, **what)
    outgoing = mail.queue(message, kind, committee=meeting.committee, meeting=meeting, invitation=invitation)
    invitation.sent_sequence = meeting.sequence
    invitation.last_sent_at = utcnow()
    return outgoing


def invite_contacts(meeting: Meeting, contact_ids: Iterable[int]) -> list[OutgoingMessage]:
    """E-mail the chosen contacts of the invited organisations; each gets their own answer link.

    A contact already sent the current version of the meeting is skipped (a failed
    message is resent with « Renvoyer »)."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise InvitationError("Cette réunion est annulée : elle ne peut plus être envoyée.")
    invitations = queries.meeting_invitations(meeting.id)
    invited_partners = {inv.partner_id for inv in invitations if inv.contact_id is None}
    by_contact = {inv.contact_id: inv for inv in invitations if inv.contact_id is not None}
    wanted = set(contact_ids)
    contacts = db.session.scalars(
        select(Contact).where(Contact.id.in_(wanted), Contact.partner_id.in_(invited_partners)).order_by(Contact.id)
    ).all() if wanted else []
    contacts = [c for c in contacts if itip.contact_address(c) is not None]
    if not contacts:
        raise InvitationError("Choisissez au moins un contact, avec une adresse e-mail, d'une organisation invitée.")

    to_send = []
    for contact in contacts:
        invitation = by_contact.get(contact.id)
        if invitation is None:
            invitation = by_contact[contact.id] = meetings.invite_contact(meeting, contact)
        if invitation.sent_sequence is None or invitation.sent_sequence < meeting.sequence:
            to_send.append(invitation)
    db.session.flush()
    attendees = _attendees(meeting)
    records = []
    for invitation in to_send:
        kind = MessageKind.INVITATION if invitation.sent_sequence is None else MessageKind.UPDATE
        records.append(_queue_for(invitation, kind, attendees))
    if records:
        record(
            "invitation.sent",
            meeting,
            committee=meeting.committee,
            summary=f"Invitation envoyée à {plural(len(records), 'contact')}",
            contact_ids=[inv.contact_id for inv in to_send],
        )
    mail.deliver_after_commit(records)
    return records


def _attendees(meeting: Meeting) -> list[Invitation]:
    """Contacts e-mailed about this meeting (or about to be): the ATTENDEE list of its calendar."""
    return [inv for inv in queries.contact_invitations(meeting.id) if itip.can_receive_mail(inv)]


def record_answer(
    invitation: Invitation,
    answer: Answer | str,
    channel: AnswerChannel,
    comment: str = "",
    *,
    now: datetime | None = None,
) -> Invitation:
    answer = Answer(answer)
    if answer is Answer.PENDING:
        raise InvitationError("Choisissez une réponse : présent·e, excusé·e ou peut-être.")
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        raise InvitationError(f"Le commentaire ne peut dépasser {COMMENT_MAX} caractères.")
    invitation.answer = answer
    invitation.answer_to_reconfirm = False
    invitation.answer_channel = channel
    invitation.answered_at = now or utcnow()
    invitation.comment = comment
    who = contact_reference(invitation.contact) if invitation.contact is not None else invitation.partner.name
    record(
        "invitation.answered",
        invitation,
        committee_id=invitation.meeting.committee_id,
        summary=f"{who} : {answer.label} ({channel.label})",
        meeting_id=invitation.meeting_id,
        answer=answer.value,
        channel=channel.value,
    )
    db.session.flush()
    return invitation


@dataclass
class Reminders:
    """What a reminder run queued, and the meetings whose reminders could not be prepared."""

    records: list[OutgoingMessage] = field(default_factory=list)
    failed: list[Meeting] = field(default_factory=list)


def send_reminders(
    now: datetime | None = None, *, days_before: int | None = None, meeting: Meeting | None = None
) -> Reminders:
    """Re-invite the e-mailed contacts who have not answered, or whose answer is « à reconfirmer »
    since the date or time changed; each is reminded once per date (reminded_at).

    Each meeting's reminders are prepared in a savepoint of their own: one meeting whose
    e-mail cannot be built (bad data from anywhere) is logged and skipped, never the end
    of the run for every other meeting."""
    now = now or utcnow()
    if meeting is None and days_before is None:
        days_before = current_app.config["REMINDER_DAYS_BEFORE"]
    due = db.session.scalars(
        queries.reminders_due(now, days_before=days_before, meeting_id=meeting.id if meeting else None)
    ).all()
    by_meeting: dict[int, list[Invitation]] = {}
    for invitation in due:
        by_meeting.setdefault(invitation.meeting_id, []).append(invitation)
    result = Reminders()
    for invitations in by_meeting.values():
        target = invitations[0].meeting
        try:
            with db.session.begin_nested():
                result.records += _remind(target, invitations, now)
        except Exception:
            log.exception("Reminders of meeting %s could not be prepared", target.id)
            result.failed.append(target)
    mail.deliver_after_commit(result.records)
    return result


def _remind(meeting: Meeting, invitations: list[Invitation], now: datetime) -> list[OutgoingMessage]:
    attendees = _attendees(meeting)
    records = []
    for invitation in invitations:
        if not itip.can_receive_mail(invitation):
            continue
        records.append(_queue_for(invitation, MessageKind.REMINDER, attendees))
        invitation.reminded_at = now
    if records:
        record("invitation.reminded", meeting, committee=meeting.committee,
               summary=f"Relance envoyée à {plural(len(records), 'contact')}")
    return records


# -- following the meeting -------------------------------------------------------------------


def queue_meeting_change(
    meeting: Meeting, *, cancelled: bool, changes: list | None = None, reason: str = ""
) -> list[OutgoingMessage]:
    """« Mise à jour » (REQUEST, higher SEQUENCE) or « Annulée » (CANCEL) to everyone already e-mailed;
    the update says what changed (before and now), the cancellation the organiser's reason."""
    attendees = [inv for inv in _attendees(meeting) if inv.sent_sequence is not None]
    kind = MessageKind.CANCELLATION if cancelled else MessageKind.UPDATE
    records = [
        _queue_for(invitation, kind, attendees, changes=changes or [], reason=reason)
        for invitation in attendees
        if cancelled or invitation.sent_sequence < meeting.sequence
    ]
    if records:
        record(
            "invitation.cancelled" if cancelled else "invitation.updated",
            meeting,
            committee=meeting.committee,
            summary=f"{kind.label} envoyée à {plural(len(records), 'contact')}",
        )
    mail.deliver_after_commit(records)
    return records


@invitees_removed.connect
def _on_invitees_removed(meeting: Meeting, invitations: list[Invitation], **_) -> None:
    """The people already e-mailed get a CANCEL for themselves only: the event leaves their calendar."""
    emailed = [inv for inv in invitations if inv.contact_id is not None and inv.sent_sequence is not None]
    if not emailed or meeting.status is MeetingStatus.CANCELLED:
        return
    records = [
        mail.queue(build_invitation_message(inv, MessageKind.CANCELLATION, [inv], withdrawn=True),
                   MessageKind.CANCELLATION, committee=meeting.committee, meeting=meeting)
        for inv in emailed
    ]  # fmt: skip
    names = sorted({inv.partner.name for inv in emailed})
    record("invitation.withdrawn", meeting, committee=meeting.committee,
           summary=f"Invitation retirée envoyée à {plural(len(records), 'contact')} : {', '.join(names)}")  # fmt: skip
    mail.deliver_after_commit(records)


def ask_to_reconfirm(meeting: Meeting) -> int:
    """The date or time changed: every answer given stands « à reconfirmer », and the update's
    calendar asks each person again (PARTSTAT=NEEDS-ACTION); a reminder may go again to whoever
    does not answer anew. Returns how many answers."""
    result = db.session.execute(
        update(Invitation)
        .where(Invitation.meeting_id == meeting.id, Invitation.answer != Answer.PENDING)
        .values(answer_to_reconfirm=True, reminded_at=None)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


@meeting_changed.connect
def _on_meeting_changed(meeting: Meeting, created: bool = False, material: bool = False, cancelled: bool = False,
                        rescheduled: bool = False, changes: list | None = None, reason: str = "", **_):
    if created:
        return
    if rescheduled and not cancelled:
        ask_to_reconfirm(meeting)
    if cancelled:
        queue_meeting_change(meeting, cancelled=True, reason=reason)
    elif material and meeting.status is not MeetingStatus.CANCELLED:
        queue_meeting_change(meeting, cancelled=False, changes=changes)
