"""Everything the dossier de concertation shows, loaded in a fixed number of queries.

The project's meetings come with their invitations, attendance (and the people present)
and minutes through selectinload; the evidence files in one query; the checklist through
compliance.queries.load_facts. Twenty meetings or two, the count is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.compliance.queries import load_facts
from clas_local.compliance.rules import Checklist, EvidenceFact, MeetingFact, ProjectFacts, evaluate
from clas_local.evidence.models import EvidenceFile
from clas_local.evidence.storage import path_for
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.partners.models import PartnerKind
from clas_local.meetings.models import Meeting, MeetingStatus


@dataclass
class Participant:
    """One organisation at a meeting: its invitations (the organisation's, its contacts') and its attendance."""

    name: str
    invitations: list[Invitation] = field(default_factory=list)
    attendance: Attendance | None = None


@dataclass
class DossierMeeting:
    meeting: Meeting
    invitations: list[Invitation]
    attendances: list[Attendance]
    files: list[EvidenceFile] = field(default_factory=list)

    @property
    def participants(self) -> list[Participant]:
        """Invited organisations in invitation order, then those present without an invitation.

        One row per organisation keeps the dossier short to read, and to lay out: tables are
        most of the PDF's rendering time.
        """
        rows: dict[object, Participant] = {}
        for invitation in self.invitations:
            row = rows.setdefault(invitation.partner_id, Participant(invitation.partner.name))
            row.invitations.append(invitation)
        for attendance in self.attendances:
            key = attendance.partner_id if attendance.partner_id is not None else ("label", attendance.organisation_label)
            rows.setdefault(key, Participant(attendance.organisation_name)).attendance = attendance
        return list(rows.values())

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
    present = [a for a in item.attendances if a.partner_id is not None and a.presence is Presence.PRESENT]
    return MeetingFact(
        id=meeting.id,
        kind=meeting.kind,
        status=meeting.status,
        day=meeting.starts_at.astimezone(tz).date(),
        title=meeting.title or "",
        present=frozenset(a.partner_id for a in present),
        invited=frozenset(i.partner_id for i in item.invitations),
        answered=frozenset(i.partner_id for i in item.invitations if i.answer is not Answer.PENDING),
        education_nationale_present=tuple(
            sorted(a.partner.name for a in present if a.partner.kind is PartnerKind.EDUCATION_NATIONALE)
        ),
        has_minutes=bool(meeting.minutes and meeting.minutes.body),
        evidence=tuple(EvidenceFact(e.id, e.original_name, e.kind.label) for e in item.files),
    )


def load_dossier(project, *, now: datetime | None = None) -> Dossier:
    committee = project.committee
    meetings = list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.project_id == project.id, Meeting.status != MeetingStatus.CANCELLED)
            .order_by(Meeting.starts_at, Meeting.id)
            .options(
                selectinload(Meeting.invitations).joinedload(Invitation.partner),
                selectinload(Meeting.invitations).joinedload(Invitation.contact),
                selectinload(Meeting.attendances).joinedload(Attendance.partner),
                selectinload(Meeting.attendances).joinedload(Attendance.people).joinedload(Attendee.contact),
                joinedload(Meeting.minutes),
            )
        )
    )
    items = [DossierMeeting(meeting, list(meeting.invitations), list(meeting.attendances)) for meeting in meetings]
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
    )


def evidence_path(evidence: EvidenceFile) -> Path | None:
    """Where an evidence file lies on disk (through the evidence domain's storage), or None."""
    try:
        return path_for(evidence.storage_name)
    except ValueError:
        return None
