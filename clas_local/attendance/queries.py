"""Reads for the attendance table: one row per invited organisation, then the others who came."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import distinct, func, inspect, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.meetings.models import Meeting, Minutes
from clas_local.meetings.queries import offered_partners
from clas_local.partners.models import Contact, Partner


@dataclass
class AttendanceRow:
    """What the organiser sees for one organisation: invitation, answer, presence, people."""

    partner: Partner | None
    attendance: Attendance | None
    invitations: list[Invitation] = field(default_factory=list)
    # The organisation's known people, loaded once for the whole table (not per row).
    contacts: list[Contact] = field(default_factory=list)

    @property
    def dom_id(self) -> str:
        if self.partner is not None:
            return f"attendance-partner-{self.partner.id}"
        return f"attendance-other-{self.attendance.id}"

    @property
    def organisation_name(self) -> str:
        if self.partner is not None:
            return self.partner.name
        return self.attendance.organisation_label if self.attendance else ""

    @property
    def invited(self) -> bool:
        return bool(self.invitations)

    @property
    def presence(self) -> Presence | None:
        return self.attendance.presence if self.attendance else None

    @property
    def people(self) -> list[Attendee]:
        """The people who came (none for an excused or absent organisation)."""
        return self.attendance.present_people if self.attendance else []

    @property
    def kept_people(self) -> list[Attendee]:
        """Names entered while the organisation was « Présent », kept while it is not."""
        if self.attendance is None or self.attendance.presence is Presence.PRESENT:
            return []
        return list(self.attendance.people)

    @property
    def answer(self) -> Answer | None:
        """The organisation's answer: the best one given by it or by its people."""
        if not self.invitations:
            return None
        return Answer.best(inv.answer for inv in self.invitations)

    @property
    def invited_contacts(self) -> list[Contact]:
        by_id = {contact.id: contact for contact in self.contacts}
        return [by_id[inv.contact_id] for inv in self.invitations if inv.contact_id in by_id]

    @property
    def available_contacts(self) -> list[Contact]:
        """Known people of the organisation not yet listed as present (never anonymised ones)."""
        listed = self.attendance.people if self.attendance else []
        present_ids = {person.contact_id for person in listed if person.contact_id}
        return [c for c in self.contacts if c.anonymised_at is None and c.id not in present_ids]


@dataclass
class AttendanceSheet:
    meeting: Meeting
    invited_rows: list[AttendanceRow]
    other_rows: list[AttendanceRow]

    @property
    def rows(self) -> list[AttendanceRow]:
        return self.invited_rows + self.other_rows

    @property
    def summary(self) -> AttendanceSummary:
        counts = {presence: sum(1 for row in self.rows if row.presence is presence) for presence in Presence}
        return AttendanceSummary(counts, sum(len(row.people) for row in self.rows))


@dataclass(frozen=True)
class AttendanceSummary:
    """How many organisations came, were excused or absent, and how many people came."""

    counts: dict[Presence, int]
    people: int

    @property
    def recorded(self) -> bool:
        return any(self.counts.values())

    def count(self, presence: Presence) -> int:
        return self.counts.get(presence, 0)


def attendance_summary(meeting: Meeting) -> AttendanceSummary:
    """The summary in one query, for the counts sent beside a changed row."""
    counts, people = {}, 0
    for presence, organisations, persons in db.session.execute(
        select(Attendance.presence, func.count(distinct(Attendance.id)), func.count(Attendee.id))
        .outerjoin(Attendee, Attendee.attendance_id == Attendance.id)
        .where(Attendance.meeting_id == meeting.id)
        .group_by(Attendance.presence)
    ):
        counts[presence] = organisations
        if presence is Presence.PRESENT:  # an excused organisation's kept names did not come
            people += persons
    return AttendanceSummary(counts, people)


def sheet_options() -> tuple:
    """Loader options for a meeting whose attendance table is shown: invitations and their partners."""
    return (selectinload(Meeting.invitations).selectinload(Invitation.partner),)


def _attendances(meeting_id: int, partner_id: int | None = None, attendance_id: int | None = None) -> list[Attendance]:
    """Attendance rows with their organisation and people, in one query."""
    query = (
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .options(
            joinedload(Attendance.partner),
            joinedload(Attendance.people).joinedload(Attendee.contact),
        )
        .order_by(Attendance.id)
    )
    if partner_id is not None:
        query = query.where(Attendance.partner_id == partner_id)
    if attendance_id is not None:
        query = query.where(Attendance.id == attendance_id)
    return list(db.session.scalars(query).unique())


def _contacts_by_partner(partners: list[Partner]) -> dict[int, list[Contact]]:
    """Each organisation's contacts: those already loaded (e.g. by the meeting page), the rest in one query."""
    found: dict[int, list[Contact]] = {}
    missing: list[Partner] = []
    for partner in partners:
        if "contacts" in inspect(partner).unloaded:
            missing.append(partner)
        else:
            found[partner.id] = list(partner.contacts)
    if missing:
        loaded: dict[int, list[Contact]] = {partner.id: [] for partner in missing}
        for contact in db.session.scalars(
            select(Contact).where(Contact.partner_id.in_(loaded)).order_by(Contact.id)
        ):
            loaded[contact.partner_id].append(contact)
        for partner in missing:
            # Later readers of partner.contacts (this request) get them without another query.
            set_committed_value(partner, "contacts", loaded[partner.id])
        found.update(loaded)
    return found


def partner_invitations(meeting: Meeting, partner: Partner) -> list[Invitation]:
    return list(
        db.session.scalars(
            select(Invitation)
            .where(Invitation.meeting_id == meeting.id, Invitation.partner_id == partner.id)
            .order_by(Invitation.id)
        )
    )


def attendance_sheet(meeting: Meeting) -> AttendanceSheet:
    """Every invited organisation (recorded or not), then the others who came.

    Uses the meeting's invitations as loaded by the page (with their partners), plus two
    queries: attendance rows with their people, and the contacts of every organisation listed.
    """
    attendances = _attendances(meeting.id)
    by_partner: dict[int, AttendanceRow] = {}
    for invitation in meeting.invitations:
        row = by_partner.setdefault(invitation.partner_id, AttendanceRow(invitation.partner, None))
        row.invitations.append(invitation)
    others: list[AttendanceRow] = []
    for attendance in attendances:
        if attendance.partner_id is not None and attendance.partner_id in by_partner:
            by_partner[attendance.partner_id].attendance = attendance
        else:
            others.append(AttendanceRow(attendance.partner, attendance))
    rows = [*by_partner.values(), *others]
    partners = {row.partner.id: row.partner for row in rows if row.partner is not None}
    contacts = _contacts_by_partner(list(partners.values()))
    for row in rows:
        if row.partner is not None:
            row.contacts = contacts[row.partner.id]
    invited_rows = sorted(by_partner.values(), key=lambda row: row.organisation_name.lower())
    return AttendanceSheet(meeting, invited_rows, others)


def partner_row(
    meeting: Meeting,
    partner: Partner,
    invitations: list[Invitation] | None = None,
    attendance: Attendance | None = None,
) -> AttendanceRow:
    """One organisation's row (for the HTMX swap). `partner` comes from committee_partner(),
    contacts included; what the caller already holds is not fetched again."""
    if invitations is None:
        invitations = partner_invitations(meeting, partner)
    if attendance is None:
        attendances = _attendances(meeting.id, partner_id=partner.id)
        attendance = attendances[0] if attendances else None
    return AttendanceRow(partner, attendance, invitations, list(partner.contacts))


def attendance_row(meeting: Meeting, attendance_id: int) -> AttendanceRow | None:
    attendances = _attendances(meeting.id, attendance_id=attendance_id)
    if not attendances:
        return None
    attendance = attendances[0]
    if attendance.partner is None:
        return AttendanceRow(None, attendance)
    invitations = partner_invitations(meeting, attendance.partner)
    row = AttendanceRow(attendance.partner, attendance, invitations)
    row.contacts = _contacts_by_partner([attendance.partner])[attendance.partner.id]
    return row


def load_attendance(meeting: Meeting, attendance_id: int) -> Attendance | None:
    return db.session.scalar(
        select(Attendance).where(Attendance.id == attendance_id, Attendance.meeting_id == meeting.id)
    )


def load_attendee(meeting: Meeting, attendee_id: int) -> Attendee | None:
    return db.session.scalar(
        select(Attendee)
        .join(Attendance, Attendee.attendance_id == Attendance.id)
        .where(Attendee.id == attendee_id, Attendance.meeting_id == meeting.id)
    )


def committee_partner(meeting: Meeting, partner_id: int) -> Partner | None:
    """A partner of the meeting's committee, with its contacts (one query)."""
    return (
        db.session.scalars(
            select(Partner)
            .where(Partner.id == partner_id, Partner.committee_id == meeting.committee_id)
            .options(joinedload(Partner.contacts))
        )
        .unique()
        .one_or_none()
    )


def addable_partners(meeting: Meeting) -> list[tuple[int, str]]:
    """Directory organisations that may be added as uninvited attendees (one query): those
    the meeting involves (meetings.queries.offered_partners), not already invited or listed."""
    invited = select(Invitation.partner_id).where(Invitation.meeting_id == meeting.id)
    listed = select(Attendance.partner_id).where(
        Attendance.meeting_id == meeting.id, Attendance.partner_id.is_not(None)
    )
    query = select(Partner.id, Partner.name).where(
        Partner.committee_id == meeting.committee_id,
        Partner.id.not_in(invited),
        Partner.id.not_in(listed),
        offered_partners(meeting.project_id),
    )
    return [(row.id, row.name) for row in db.session.execute(query.order_by(Partner.name))]


def meeting_minutes(meeting: Meeting) -> Minutes | None:
    """Through the relationship, so a page that loaded it with the meeting pays no query."""
    return meeting.minutes
