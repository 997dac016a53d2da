"""Reads for the attendance table: one row per invited organisation, then the others who came."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.meetings.models import Meeting, Minutes
from clas_local.partners.models import SCHOOL_KINDS, Contact, Partner


@dataclass
class AttendanceRow:
    """What the organiser sees for one organisation: invitation, answer, presence, people."""

    partner: Partner | None
    attendance: Attendance | None
    invitations: list[Invitation] = field(default_factory=list)

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
        return list(self.attendance.people) if self.attendance else []

    @property
    def answer(self) -> Answer | None:
        """The organisation's answer: its own row's, else the best of its people's."""
        if not self.invitations:
            return None
        org_rows = [inv for inv in self.invitations if inv.contact_id is None]
        answers = [inv.answer for inv in (org_rows or self.invitations) if inv.answer is not Answer.PENDING]
        if not answers:
            answers = [inv.answer for inv in self.invitations if inv.answer is not Answer.PENDING]
        for preferred in (Answer.ACCEPTED, Answer.TENTATIVE, Answer.DECLINED):
            if preferred in answers:
                return preferred
        return Answer.PENDING

    @property
    def invited_contacts(self) -> list[Contact]:
        return [inv.contact for inv in self.invitations if inv.contact is not None]

    @property
    def available_contacts(self) -> list[Contact]:
        """Known people of the organisation not yet listed as present (never anonymised ones)."""
        if self.partner is None:
            return []
        present_ids = {person.contact_id for person in self.people if person.contact_id}
        return [c for c in self.partner.contacts if c.anonymised_at is None and c.id not in present_ids]


@dataclass
class AttendanceSheet:
    meeting: Meeting
    invited_rows: list[AttendanceRow]
    other_rows: list[AttendanceRow]

    @property
    def rows(self) -> list[AttendanceRow]:
        return self.invited_rows + self.other_rows

    @property
    def recorded(self) -> bool:
        return any(row.attendance is not None for row in self.rows)

    def count(self, presence: Presence) -> int:
        return sum(1 for row in self.rows if row.presence is presence)

    @property
    def people_count(self) -> int:
        return sum(len(row.people) for row in self.rows)

    def row_for_partner(self, partner_id: int) -> AttendanceRow | None:
        return next((row for row in self.rows if row.partner and row.partner.id == partner_id), None)

    def row_for_attendance(self, attendance_id: int) -> AttendanceRow | None:
        return next((row for row in self.rows if row.attendance and row.attendance.id == attendance_id), None)


def _invitations(meeting_id: int, partner_id: int | None = None) -> list[Invitation]:
    query = (
        select(Invitation)
        .where(Invitation.meeting_id == meeting_id)
        .options(
            selectinload(Invitation.partner).selectinload(Partner.contacts),
            selectinload(Invitation.contact),
        )
        .order_by(Invitation.id)
    )
    if partner_id is not None:
        query = query.where(Invitation.partner_id == partner_id)
    return list(db.session.scalars(query))


def _attendances(meeting_id: int, partner_id: int | None = None) -> list[Attendance]:
    query = (
        select(Attendance)
        .where(Attendance.meeting_id == meeting_id)
        .options(
            selectinload(Attendance.partner).selectinload(Partner.contacts),
            selectinload(Attendance.people).selectinload(Attendee.contact),
        )
        .order_by(Attendance.id)
        # Rows may have just been written with a Core upsert: read them afresh.
        .execution_options(populate_existing=True)
    )
    if partner_id is not None:
        query = query.where(Attendance.partner_id == partner_id)
    return list(db.session.scalars(query))


def attendance_sheet(meeting: Meeting) -> AttendanceSheet:
    """Every invited organisation (with or without a recorded presence), then the others: 4 queries."""
    invitations = _invitations(meeting.id)
    attendances = _attendances(meeting.id)
    by_partner: dict[int, AttendanceRow] = {}
    for invitation in invitations:
        row = by_partner.setdefault(invitation.partner_id, AttendanceRow(invitation.partner, None))
        row.invitations.append(invitation)
    others: list[AttendanceRow] = []
    for attendance in attendances:
        if attendance.partner_id is not None and attendance.partner_id in by_partner:
            by_partner[attendance.partner_id].attendance = attendance
        else:
            others.append(AttendanceRow(attendance.partner, attendance))
    invited_rows = sorted(by_partner.values(), key=lambda row: row.organisation_name.lower())
    return AttendanceSheet(meeting, invited_rows, others)


def partner_row(meeting: Meeting, partner: Partner) -> AttendanceRow:
    invitations = _invitations(meeting.id, partner.id)
    attendances = _attendances(meeting.id, partner.id)
    return AttendanceRow(partner, attendances[0] if attendances else None, invitations)


def attendance_row(attendance: Attendance) -> AttendanceRow:
    fresh = db.session.scalar(
        select(Attendance)
        .where(Attendance.id == attendance.id)
        .options(
            selectinload(Attendance.partner).selectinload(Partner.contacts),
            selectinload(Attendance.people).selectinload(Attendee.contact),
        )
        .execution_options(populate_existing=True)
    )
    invitations = _invitations(fresh.meeting_id, fresh.partner_id) if fresh.partner_id else []
    return AttendanceRow(fresh.partner, fresh, invitations)


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
    return db.session.scalar(
        select(Partner).where(Partner.id == partner_id, Partner.committee_id == meeting.committee_id)
    )


def addable_partners(meeting: Meeting, sheet: AttendanceSheet) -> list[tuple[int, str]]:
    """Directory organisations that may be added as uninvited attendees.

    Schools are many (a department holds thousands): only the project's own schools are
    offered; every other kind of partner of the committee is.
    """
    listed = {row.partner.id for row in sheet.rows if row.partner is not None}
    query = select(Partner.id, Partner.name, Partner.kind).where(Partner.committee_id == meeting.committee_id)
    if meeting.project_id is not None:
        from clas_local.projects.models import ProjectSchool

        project_schools = select(ProjectSchool.partner_id).where(ProjectSchool.project_id == meeting.project_id)
        query = query.where(Partner.kind.not_in(sorted(SCHOOL_KINDS)) | Partner.id.in_(project_schools))
    else:
        query = query.where(Partner.kind.not_in(sorted(SCHOOL_KINDS)))
    rows = db.session.execute(query.order_by(Partner.name)).all()
    return [(row.id, row.name) for row in rows if row.id not in listed]


def meeting_minutes(meeting: Meeting) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
