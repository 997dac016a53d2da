"""The « Invitations et réponses » section of the meeting page."""

from __future__ import annotations

from dataclasses import dataclass, field

from clas_local import permissions
from clas_local.invitations import itip, queries
from clas_local.invitations.models import Answer, Invitation
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.meetings.models import MeetingStatus

ANSWER_TONES = {
    Answer.ACCEPTED: "ok",
    Answer.DECLINED: "warn",
    Answer.TENTATIVE: "info",
    Answer.PENDING: "neutral",
}
MESSAGE_TONES = {MessageStatus.SENT: "ok", MessageStatus.QUEUED: "info", MessageStatus.FAILED: "danger"}
# Agreeing with the message kinds, all feminine: « Invitation envoyée », « Relance non remise ».
MESSAGE_STATES = {MessageStatus.SENT: "envoyée", MessageStatus.QUEUED: "en attente", MessageStatus.FAILED: "non remise"}


@dataclass
class InvitedPerson:
    contact: object
    invitation: Invitation | None
    last_message: OutgoingMessage | None = None

    @property
    def can_be_sent(self) -> bool:
        return itip.contact_address(self.contact) is not None


@dataclass
class InvitedOrganisation:
    partner: object
    invitation: Invitation | None
    people: list[InvitedPerson] = field(default_factory=list)
    others: list[InvitedPerson] = field(default_factory=list)  # contacts not e-mailed yet


def _organisations(
    invitations: list[Invitation], contacts: dict[int, list], messages: list[OutgoingMessage]
) -> list[InvitedOrganisation]:
    last_by_invitation = {}
    for message in messages:  # oldest first: the last one wins
        if message.invitation_id is not None:
            last_by_invitation[message.invitation_id] = message
    organisations: dict[int, InvitedOrganisation] = {}
    for invitation in invitations:
        organisation = organisations.setdefault(
            invitation.partner_id, InvitedOrganisation(partner=invitation.partner, invitation=None)
        )
        if invitation.contact_id is None:
            organisation.invitation = invitation
        else:
            organisation.people.append(
                InvitedPerson(invitation.contact, invitation, last_by_invitation.get(invitation.id))
            )
    for organisation in organisations.values():
        invited = {person.contact.id for person in organisation.people}
        organisation.others = [
            InvitedPerson(contact, None)
            for contact in contacts.get(organisation.partner.id, [])
            if contact.id not in invited
        ]
    return sorted(organisations.values(), key=lambda o: (not o.partner.is_school, o.partner.name.lower()))


def _tally(organisations: list[InvitedOrganisation]) -> dict[Answer, int]:
    """Answers per organisation: its own answer, else the best of its people's."""
    tally = dict.fromkeys(Answer, 0)
    for organisation in organisations:
        answers = [p.invitation.answer for p in organisation.people]
        if organisation.invitation is not None:
            answers.append(organisation.invitation.answer)
        tally[Answer.best(answers)] += 1
    return tally


def answers_context(meeting, user) -> dict:
    """What the answers table needs (also served alone to the page's polling)."""
    can_edit = permissions.can_edit_meeting(user, meeting)
    invitations, contacts = queries.meeting_invitees(meeting)
    # Everyone polls the same version; only organisers see the messages themselves.
    messages = queries.meeting_messages(meeting.id)
    organisations = _organisations(invitations, contacts, messages)
    own = permissions.own_organisation_only(user, meeting.committee)
    if own is not None:  # a school sees its own school's invitations only
        organisations = [o for o in organisations if o.partner.id == own]
    return {
        "meeting": meeting,
        "committee": meeting.committee,
        "timezone": meeting.committee.timezone,
        "organisations": organisations,
        "tally": _tally(organisations),
        "can_edit": can_edit,
        "failed": [m for m in messages if m.status is MessageStatus.FAILED] if can_edit else [],
        "answer_tones": ANSWER_TONES,
        "message_tones": MESSAGE_TONES,
        "message_states": MESSAGE_STATES,
        "version": queries.loaded_version(invitations, messages),
        "polling": meeting.status is MeetingStatus.PLANNED,
        "Answer": Answer,
    }


def meeting_panel(meeting, user, *, notice: str | None = None, send_form=None, answer_form=None) -> dict | None:
    if not permissions.can_view_meeting(user, meeting):
        return None
    context = answers_context(meeting, user)
    context["notice"] = notice
    context["is_cancelled"] = meeting.status is MeetingStatus.CANCELLED
    # A school user answers for their school from their own list.
    context["answers_from_list"] = permissions.can_answer_for_school(user, meeting.committee)
    if context["can_edit"]:
        from clas_local.invitations.forms import SendInvitationsForm

        context["send_form"] = send_form or SendInvitationsForm(formdata=None)
        context["answer_form"] = answer_form or organiser_answer_form(context["organisations"], formdata=None)
        context["sendable"] = sum(
            1
            for organisation in context["organisations"]
            for person in organisation.people + organisation.others
            if person.can_be_sent
            and (
                person.invitation is None
                or person.invitation.sent_sequence is None
                or person.invitation.sent_sequence < meeting.sequence
            )
        )
        # The same people as queries.reminders_due: a contact whose organisation answered as a
        # whole (and need not reconfirm) is not reminded.
        context["pending_reminders"] = sum(
            1
            for organisation in context["organisations"]
            if organisation.invitation is None or organisation.invitation.awaits_answer
            for person in organisation.people
            if person.invitation.awaits_answer
            and person.invitation.sent_sequence is not None
            and person.invitation.reminded_at is None
            and itip.can_receive_mail(person.invitation)
        )
    return context


def organiser_answer_form(organisations: list[InvitedOrganisation], formdata=None, **kwargs):
    from clas_local.forms import choices
    from clas_local.invitations.forms import OrganiserAnswerForm

    if formdata is None:
        form = OrganiserAnswerForm(formdata=None, **kwargs)
    else:
        form = OrganiserAnswerForm(**kwargs)
    options = [("", "— Choisir —")]
    for organisation in organisations:
        if organisation.invitation is not None:
            options.append((organisation.invitation.id, f"{organisation.partner.name} (l'organisation)"))
        for person in organisation.people:
            options.append((person.invitation.id, f"{person.contact.display_name} – {organisation.partner.name}"))
    form.invitation_id.choices = choices(options)
    return form
