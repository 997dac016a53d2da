"""Everything the dossier de concertation shows, loaded in a fixed number of queries.

The project's meetings with their minutes; their invitations, and their attendance with
the people present, as plain rows; the evidence files in one query; the checklist through
compliance.queries.load_facts. Twenty meetings or two, the count is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import aliased, joinedload

from clas_local.activity import queries as activity_queries
from clas_local.activity import rules as activity_rules
from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS, ActivityFigures
from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.compliance.queries import load_facts
from clas_local.compliance.rules import Checklist, EvidenceFact, MeetingFact, ProjectFacts, evaluate
from clas_local.db import utcnow
from clas_local.evidence.models import EvidenceFile
from clas_local.evidence.storage import existing_path
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.partners.models import Contact, Partner, PartnerKind, contact_display_name
from clas_local.meetings.models import Meeting, MeetingStatus


@dataclass(frozen=True)
class Reply:
    """One invitation as the dossier prints it: to the organisation or one of its people."""

    person: str  # "": the organisation itself
    answer: Answer
    answered_at: datetime | None
    channel: AnswerChannel | None
    comment: str


@dataclass(frozen=True)
class Person:
    name: str
    function: str


@dataclass
class Participant:
    """One organisation at a meeting: its invitations' replies and its attendance."""

    partner_id: int | None  # None: an organisation present without being in the directory
    name: str
    kind: PartnerKind | None
    replies: list[Reply] = field(default_factory=list)
    presence: Presence | None = None
    people: list[Person] = field(default_factory=list)


@dataclass
class DossierMeeting:
    """A meeting with one row per organisation (invited organisations in invitation order,
    then those present without an invitation): short to read, and to lay out in the PDF."""

    meeting: Meeting
    participants: list[Participant] = field(default_factory=list)
    files: list[EvidenceFile] = field(default_factory=list)

    @property
    def folder(self) -> str:
        """The meeting's folder in the ZIP: « 2026-10-08-diagnostic »."""
        return f"{self.day.isoformat()}-{self.meeting.kind.value}"

    @property
    def day(self):
        return self.local_start.date()

    @property
    def local_start(self) -> datetime:
        return self.meeting.starts_at.astimezone(ZoneInfo(self.meeting.committee.timezone or "Europe/Paris"))


@dataclass
class Dossier:
    project: object
    committee: object
    facts: ProjectFacts
    checklist: Checklist
    meetings: list[DossierMeeting]
    project_files: list[EvidenceFile]
    generated_at: datetime
    activity: ActivityFigures | None = None  # the porteur's « Bilan d'activité » of the year

    @property
    def activity_counts(self) -> dict[str, int | None]:
        return activity_queries.counts(self.activity)

    @property
    def activity_view(self) -> dict:
        """The « Bilan d'activité » section: counts, totals, warnings and headings."""
        counts = self.activity_counts
        oriented = [school.oriented_children_count for school in self.facts.schools
                    if school.oriented_children_count is not None]  # fmt: skip
        return {
            "counts": counts,
            "labels": COUNT_FIELDS,
            "headings": QUALITATIVE_FIELDS,
            "children_total": activity_rules.children_total(counts),
            "oriented_total": sum(oriented) if oriented else None,
            "warnings": activity_rules.warnings(counts, rural=self.facts.rural),
            "checkable": activity_rules.checkable(counts),
        }

    @property
    def comites(self) -> tuple[MeetingFact, ...]:
        return self.facts.comite_meetings

    @property
    def files(self) -> list[tuple[EvidenceFile, DossierMeeting | None]]:
        found = [(evidence, item) for item in self.meetings for evidence in item.files]
        return found + [(evidence, None) for evidence in self.project_files]


def meeting_fact(item: DossierMeeting, tz: ZoneInfo) -> MeetingFact:
    """The compliance facts of a meeting the dossier already holds (no query)."""
    meeting = item.meeting
    known = [row for row in item.participants if row.partner_id is not None]
    present = [row for row in known if row.presence is Presence.PRESENT]
    return MeetingFact(
        id=meeting.id,
        kind=meeting.kind,
        status=meeting.status,
        day=meeting.starts_at.astimezone(tz).date(),
        finished=meeting.ends_at <= utcnow(),
        title=meeting.title or "",
        present=frozenset(row.partner_id for row in present),
        invited=frozenset(row.partner_id for row in known if row.replies),
        answered=frozenset(
            row.partner_id for row in known if any(reply.answer is not Answer.PENDING for reply in row.replies)
        ),
        education_nationale_present=tuple(
            sorted(row.name for row in present if row.kind is PartnerKind.EDUCATION_NATIONALE)
        ),
        education_nationale_invited=any(row.replies and row.kind is PartnerKind.EDUCATION_NATIONALE for row in known),
        has_minutes=bool(meeting.minutes and meeting.minutes.body),
        evidence=tuple(EvidenceFact(e.id, e.original_name, e.kind.label) for e in item.files),
    )


def _participants(meeting_ids, items: dict[int, DossierMeeting]) -> None:
    """Every meeting's invitations and attendance, as rows (two queries, no ORM objects: at
    40 meetings, building and converting the objects was most of the page's time)."""
    rows: dict[tuple[int, object], Participant] = {}

    def row(meeting_id: int, key, name: str, kind) -> Participant:
        if (meeting_id, key) not in rows:
            rows[meeting_id, key] = Participant(key if isinstance(key, int) else None, name, kind)
            items[meeting_id].participants.append(rows[meeting_id, key])
        return rows[meeting_id, key]

    invitations = (
        select(Invitation.meeting_id, Invitation.partner_id, Partner.name, Partner.kind, Contact.full_name,
               Contact.function, Contact.anonymised_at, Invitation.answer, Invitation.answered_at,
               Invitation.answer_channel, Invitation.comment)
        .join(Partner, Partner.id == Invitation.partner_id)
        .outerjoin(Contact, Contact.id == Invitation.contact_id)
        .where(Invitation.meeting_id.in_(meeting_ids))
        .order_by(Invitation.meeting_id, Invitation.id)
    )  # fmt: skip
    for meeting_id, partner_id, name, kind, person, function, anonymised_at, answer, at, channel, comment in (
        db.session.execute(invitations)
    ):
        display = contact_display_name(person, function, anonymised_at) if person is not None else ""
        row(meeting_id, partner_id, name, kind).replies.append(Reply(display, answer, at, channel, comment or ""))

    person = aliased(Contact)
    attendance = (
        select(Attendance.meeting_id, Attendance.partner_id, Partner.name, Partner.kind,
               Attendance.organisation_label, Attendance.presence, Attendee.id, Attendee.full_name,
               Attendee.function, person.full_name, person.function, person.anonymised_at)
        .outerjoin(Partner, Partner.id == Attendance.partner_id)
        # Only the people of an organisation present: an excused one keeps the names entered, unshown.
        .outerjoin(Attendee, and_(Attendee.attendance_id == Attendance.id, Attendance.presence == Presence.PRESENT))
        .outerjoin(person, person.id == Attendee.contact_id)
        .where(Attendance.meeting_id.in_(meeting_ids))
        .order_by(Attendance.meeting_id, Attendance.id, Attendee.id)
    )  # fmt: skip
    for (meeting_id, partner_id, name, kind, label, presence, attendee_id, free_name, function,
         contact_name, contact_function, anonymised_at) in db.session.execute(attendance):  # fmt: skip
        key = partner_id if partner_id is not None else ("label", label)
        found = row(meeting_id, key, name if partner_id is not None else label, kind)
        found.presence = presence
        if attendee_id is not None:
            shown = (
                contact_display_name(contact_name, contact_function, anonymised_at)
                if contact_name is not None
                else free_name
            )
            found.people.append(Person(shown, function))


def load_dossier(project, *, now: datetime | None = None) -> Dossier:
    committee = project.committee
    own = select(Meeting.id).where(Meeting.project_id == project.id, Meeting.status != MeetingStatus.CANCELLED)
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.id.in_(own)).order_by(Meeting.starts_at, Meeting.id).options(
            joinedload(Meeting.minutes)
        )
    )
    items = [DossierMeeting(meeting) for meeting in meetings]
    _participants(own, {item.meeting.id: item for item in items})
    by_id = {item.meeting.id: item for item in items}
    project_files = []
    for evidence in db.session.scalars(
        select(EvidenceFile)
        .where(
            EvidenceFile.committee_id == committee.id,
            or_(EvidenceFile.project_id == project.id, EvidenceFile.meeting_id.in_(list(by_id))),
        )
        .order_by(EvidenceFile.created_at, EvidenceFile.id)
    ):
        if evidence.meeting_id in by_id:
            by_id[evidence.meeting_id].files.append(evidence)
        elif evidence.meeting_id is None:
            project_files.append(evidence)
    tz = ZoneInfo(committee.timezone or "Europe/Paris")
    own = {project.id: [meeting_fact(item, tz) for item in items]}
    facts = load_facts(committee, [project], project_meetings=own)[project.id]
    return Dossier(
        project=project,
        committee=committee,
        facts=facts,
        checklist=evaluate(facts),
        meetings=items,
        project_files=project_files,
        generated_at=now or datetime.now(timezone.utc),
        activity=project.activity_figures,  # joined with the project by the dossier's routes
    )


def evidence_path(evidence: EvidenceFile) -> Path | None:
    """Where an evidence file lies on disk (through the evidence domain's storage), or None if it is not there."""
    return existing_path(evidence.storage_name)
