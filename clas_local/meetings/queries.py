"""Reads of meetings, always filtered to what the user may see."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from clas_local import permissions
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.url_numbers import parse_id
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus
from clas_local.partners.models import SCHOOL_KINDS, Partner
from clas_local.projects.models import Project, ProjectSchool
from clas_local.school_year import is_school_year, school_year_bounds, school_year_of
from clas_local.visibility import visible_meetings


def upcoming_meetings(user, committee, now: datetime, limit: int = 10) -> Select:
    return (
        visible_meetings(user, committee)
        .where(Meeting.ends_at >= now, Meeting.status != MeetingStatus.CANCELLED)
        .options(joinedload(Meeting.project))
        .order_by(Meeting.starts_at)
        .limit(limit)
    )


# -- the meeting list ----------------------------------------------------------------------

PER_PAGE = 25
MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
WHEN_CHOICES = {"upcoming": "À venir", "past": "Passées"}


@dataclass(frozen=True)
class MeetingFilters:
    """The list's filters, read from the query string (the same with or without HTMX)."""

    when: str = ""  # "", "upcoming", "past"
    kind: MeetingKind | None = None
    project_id: int | None = None
    status: MeetingStatus | None = None
    month: str = ""  # "2026-11"
    school_year: str = ""  # "2026-2027"

    @classmethod
    def from_args(cls, args) -> MeetingFilters:
        kind, status, month = args.get("kind", ""), args.get("status", ""), args.get("month", "")
        when = args.get("when", "")
        project = args.get("project", "")
        school_year = args.get("school_year", "")
        return cls(
            when=when if when in WHEN_CHOICES else "",
            kind=MeetingKind(kind) if kind in MeetingKind._value2member_map_ else None,
            project_id=parse_id(project),
            status=MeetingStatus(status) if status in MeetingStatus._value2member_map_ else None,
            month=month if MONTH_RE.match(month) else "",
            school_year=school_year if is_school_year(school_year) else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.params())

    def params(self) -> dict[str, str]:
        values = {
            "when": self.when,
            "kind": self.kind.value if self.kind else "",
            "project": str(self.project_id) if self.project_id else "",
            "status": self.status.value if self.status else "",
            "month": self.month,
            "school_year": self.school_year,
        }
        return {name: value for name, value in values.items() if value}


def month_bounds(month: str, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants where a month of the committee's calendar starts and ends."""
    match = MONTH_RE.match(month)
    year, number = int(match[1]), int(match[2])
    zone = ZoneInfo(timezone)
    start = datetime(year, number, 1, tzinfo=zone)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=zone)
    return start.astimezone(dt_timezone.utc), end.astimezone(dt_timezone.utc)


def meeting_list(user, committee, filters: MeetingFilters, now: datetime) -> Select:
    query = visible_meetings(user, committee).options(selectinload(Meeting.project))
    if filters.kind is not None:
        query = query.where(Meeting.kind == filters.kind)
    if filters.project_id is not None:
        query = query.where(Meeting.project_id == filters.project_id)
    if filters.status is not None:
        query = query.where(Meeting.status == filters.status)
    if filters.month:
        start, end = month_bounds(filters.month, committee.timezone)
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if filters.school_year:
        start, end = school_year_bounds(filters.school_year, ZoneInfo(committee.timezone))
        query = query.where(Meeting.starts_at >= start, Meeting.starts_at < end)
    if filters.when == "upcoming":
        return query.where(Meeting.ends_at >= now).order_by(Meeting.starts_at, Meeting.id)
    if filters.when == "past":
        query = query.where(Meeting.ends_at < now)
    return query.order_by(Meeting.starts_at.desc(), Meeting.id.desc())


def meeting_page(user, committee, filters: MeetingFilters, now: datetime, page: int):
    return db.paginate(
        meeting_list(user, committee, filters, now), page=page, per_page=PER_PAGE, error_out=False, count=True
    )


def school_years_of(months: list[str]) -> list[str]:
    """The school years ("2026-2027") of the list's months, most recent first (no query)."""
    years = {school_year_of(date(int(month[:4]), int(month[5:]), 1)) for month in months}
    return sorted(years, reverse=True)


def meeting_months(user, committee) -> list[str]:
    """The months ("2026-11") holding a meeting the user may see, for the month filter (one query)."""
    bounds = db.session.execute(
        visible_meetings(user, committee).with_only_columns(func.min(Meeting.starts_at), func.max(Meeting.starts_at))
    ).one()
    if bounds[0] is None:
        return []
    zone = ZoneInfo(committee.timezone)
    first, last = bounds[0].astimezone(zone), bounds[1].astimezone(zone)
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def project_meetings(project) -> list[Meeting]:
    """Every meeting of a project, oldest first (the caller has checked the project is visible)."""
    return list(
        db.session.scalars(
            select(Meeting)
            .where(Meeting.project_id == project.id)
            .options(selectinload(Meeting.project), selectinload(Meeting.committee))
            .order_by(Meeting.starts_at, Meeting.id)
        )
    )


def meeting_page_options() -> tuple:
    """Loader options for the meeting page: its project, invitations and the invited
    partners' contacts at once (the invitation and attendance panels both read them)."""
    return (
        selectinload(Meeting.project),
        selectinload(Meeting.invitations).selectinload(Invitation.partner).selectinload(Partner.contacts),
    )


# -- the form's choices --------------------------------------------------------------------


def plannable_projects(user, committee, school_years: tuple[str, ...], keep=None) -> list[Project]:
    """Projects the user may plan meetings for, of the given school years (plus `keep`)."""
    member = permissions.membership(user, committee)
    if member is None or member.role not in (Role.HOST, Role.PORTEUR):
        return [keep] if keep is not None else []
    query = select(Project).where(Project.committee_id == committee.id)
    if member.role is Role.PORTEUR:
        query = query.where(Project.porteur_id == member.partner_id)
    year_filter = Project.school_year.in_(school_years)
    query = query.where(or_(year_filter, Project.id == keep.id) if keep is not None else year_filter)
    return list(db.session.scalars(query.order_by(Project.school_year.desc(), Project.name)))


def offered_partners(project_id: int | None):
    """SQL condition: the organisations a meeting of this project involves, to invite or to
    note present. Schools are many (a department holds thousands): only the project's own;
    every partner of another kind (territory actors, Éducation nationale…)."""
    not_schools = Partner.kind.not_in(sorted(SCHOOL_KINDS))
    if project_id is None:
        return not_schools
    return or_(not_schools, Partner.id.in_(select(ProjectSchool.partner_id).where(ProjectSchool.project_id == project_id)))


def invitable_partners(committee, project=None, meeting=None) -> list:
    """The organisations the form offers (offered_partners), and the ones already invited.
    Two or three queries, whatever the size of the directory."""
    condition = offered_partners(project.id if project is not None else None)
    if meeting is not None and meeting.id is not None:
        condition = or_(condition, Partner.id.in_(select(Invitation.partner_id).where(Invitation.meeting_id == meeting.id)))
    query = select(Partner).where(Partner.committee_id == committee.id, condition)
    return list(db.session.scalars(query.order_by(Partner.kind, Partner.name)))


def filter_projects(user, committee) -> list[Project]:
    """Projects that have a meeting the user may see (the list's project filter), one query."""
    with_meetings = visible_meetings(user, committee).with_only_columns(Meeting.project_id).where(
        Meeting.project_id.is_not(None)
    )
    return list(
        db.session.scalars(
            select(Project)
            .where(Project.committee_id == committee.id, Project.id.in_(with_meetings))  # the committee's index
            .order_by(Project.school_year.desc(), Project.name)
        )
    )
