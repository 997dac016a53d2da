"""Reads for invitations: a meeting's invitees and messages, a school's invitations, reminders due."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Select, exists, func, inspect, or_, select
from sqlalchemy.orm import aliased, joinedload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.mail.models import OutgoingMessage
from clas_local.meetings.models import Meeting, MeetingStatus
from clas_local.partners.models import Contact, Partner


def meeting_invitations(meeting_id: int) -> list[Invitation]:
    """Every invitation row of a meeting, with partner, contact and the partner's contacts loaded."""
    return db.session.scalars(
        select(Invitation)
        .where(Invitation.meeting_id == meeting_id)
        .options(
            joinedload(Invitation.partner).selectinload(Partner.contacts),
            joinedload(Invitation.contact),
        )
        .order_by(Invitation.id)
    ).unique().all()


def meeting_invitees(meeting: Meeting) -> tuple[list[Invitation], dict[int, list[Contact]]]:
    """A meeting's invitation rows and the contacts of its invited organisations, by partner.

    Reuses meeting.invitations when the page already loaded them (with their partners);
    the contacts come in one query, which also serves Invitation.contact from the
    identity map: two queries at most, whatever the number of invitees."""
    state = inspect(meeting)
    if "invitations" in state.unloaded:
        invitations = db.session.scalars(
            select(Invitation)
            .where(Invitation.meeting_id == meeting.id)
            .options(joinedload(Invitation.partner))
            .order_by(Invitation.id)
        ).all()
    else:
        invitations = list(meeting.invitations)
    partner_ids = {invitation.partner_id for invitation in invitations}
    partners = {invitation.partner.id: invitation.partner for invitation in invitations}
    if all("contacts" not in inspect(partner).unloaded for partner in partners.values()):
        # The page loaded the partners' contacts already (meeting_page_options): no query.
        return invitations, {partner_id: list(partner.contacts) for partner_id, partner in partners.items()}
    contacts: dict[int, list[Contact]] = {partner_id: [] for partner_id in partner_ids}
    if partner_ids:
        for contact in db.session.scalars(
            select(Contact).where(Contact.partner_id.in_(partner_ids)).order_by(Contact.id)
        ):
            contacts[contact.partner_id].append(contact)
        for partner_id, partner in partners.items():
            # The other panels of the page (attendance) read partner.contacts without a query.
            set_committed_value(partner, "contacts", contacts[partner_id])
    return invitations, contacts


def contact_invitations(meeting_id: int) -> list[Invitation]:
    return [invitation for invitation in meeting_invitations(meeting_id) if invitation.contact_id is not None]


MESSAGE_COLUMNS = (
    OutgoingMessage.id,
    OutgoingMessage.invitation_id,
    OutgoingMessage.kind,
    OutgoingMessage.status,
    OutgoingMessage.recipient,
    OutgoingMessage.subject,
    OutgoingMessage.attempts,
    OutgoingMessage.last_error,
    OutgoingMessage.created_at,
    OutgoingMessage.sent_at,
    OutgoingMessage.updated_at,
    OutgoingMessage.committee_id,
    OutgoingMessage.meeting_id,
)


def meeting_messages(meeting_id: int) -> list[OutgoingMessage]:
    """A meeting's messages, oldest first, without their (large) raw bytes."""
    return db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.meeting_id == meeting_id)
        .options(load_only(*MESSAGE_COLUMNS))
        .order_by(OutgoingMessage.id)
    ).all()


def version_of(invitation_state: tuple, message_state: tuple) -> str:
    """(count, latest updated_at) of the invitations and of the messages, as one string."""
    def part(value):
        return str(int(value.timestamp() * 1000)) if isinstance(value, datetime) else str(value or 0)

    return "-".join(part(value) for value in (*invitation_state, *message_state))


def answers_version(meeting_id: int) -> str:
    """Changes whenever an answer or a message of the meeting changes: the poll's cheap check."""

    def state(model, column):
        where = model.meeting_id == meeting_id
        return (
            select(func.count(model.id)).where(where).scalar_subquery(),
            select(func.max(column)).where(where).scalar_subquery(),
        )

    row = db.session.execute(
        select(*state(Invitation, Invitation.updated_at), *state(OutgoingMessage, OutgoingMessage.updated_at))
    ).one()
    return version_of(row[:2], row[2:])


def loaded_version(invitations: list[Invitation], messages: list[OutgoingMessage]) -> str:
    """answers_version() computed from rows already loaded (no query)."""
    return version_of(
        (len(invitations), max((i.updated_at for i in invitations), default=None)),
        (len(messages), max((m.updated_at for m in messages), default=None)),
    )


def school_invitations(committee_id: int, partner_id: int) -> Select:
    """The invitations of one school (partner-level and its contacts'), soonest meeting first."""
    return (
        select(Invitation)
        .join(Meeting, Invitation.meeting_id == Meeting.id)
        .where(Meeting.committee_id == committee_id, Invitation.partner_id == partner_id)
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.project),
            joinedload(Invitation.contact),
        )
        .order_by(Meeting.starts_at, Invitation.id)
    )


def reminders_due(now: datetime, *, days_before: int | None, meeting_id: int | None = None) -> Select:
    """Contact invitations e-mailed, still unanswered or « à reconfirmer » (answered before the
    date or time changed), not reminded since, for a planned meeting to come.

    days_before limits to meetings starting within that many days (the daily command);
    None takes every future meeting (the organiser's button). A contact whose
    organisation has already answered as a whole (and need not reconfirm) is not reminded."""
    organisation = aliased(Invitation)
    organisation_answered = exists().where(
        organisation.meeting_id == Invitation.meeting_id,
        organisation.partner_id == Invitation.partner_id,
        organisation.contact_id.is_(None),
        organisation.answer != Answer.PENDING,
        organisation.answer_to_reconfirm.is_(False),
    )
    query = (
        select(Invitation)
        .join(Meeting, Invitation.meeting_id == Meeting.id)
        .where(
            Invitation.contact_id.is_not(None),
            Invitation.sent_sequence.is_not(None),
            or_(Invitation.answer == Answer.PENDING, Invitation.answer_to_reconfirm.is_(True)),
            Invitation.reminded_at.is_(None),
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.starts_at > now,
            ~organisation_answered,
        )
        .options(selectinload(Invitation.meeting))
        .order_by(Invitation.meeting_id, Invitation.id)
    )
    if days_before is not None:
        query = query.where(Meeting.starts_at <= now + timedelta(days=days_before))
    if meeting_id is not None:
        query = query.where(Invitation.meeting_id == meeting_id)
    return query
