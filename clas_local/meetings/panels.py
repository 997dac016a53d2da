"""The project page's « Temps forts » panel: the referential's four key moments on a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from clas_local import permissions
from clas_local.extensions import db
from clas_local.holidays.queries import periods_of
from clas_local.meetings.models import KEY_MOMENTS, Meeting, MeetingKind, MeetingStatus, MomentState
from clas_local.school_year import (
    Periods,
    bilan_from,
    calendar_known,
    committee_today,
    is_school_day,
    parse_school_year,
    project_window,
    unknown_calendar_notice,
)

# What the referential expects at each moment, in French, shown under its name.
MOMENT_HINTS = {
    MeetingKind.DIAGNOSTIC: "Diagnostic préalable et conception du projet avec les écoles, avant le démarrage de l'activité.",
    MeetingKind.LANCEMENT: "Au démarrage de l'activité, pas avant : harmoniser les interventions entre l'école, les parents et la coordination.",
    MeetingKind.SUIVI: "En cours d'année, notamment quand des difficultés apparaissent.",
    MeetingKind.BILAN: "Bilan de fin d'année avec les équipes éducatives, dans la dernière partie de la période d'activité ou après.",
}


@dataclass
class Moment:
    kind: MeetingKind
    status: MomentState
    window: tuple[date, date]
    meetings: list[Meeting] = field(default_factory=list)
    plan_url: str | None = None

    @property
    def hint(self) -> str:
        return MOMENT_HINTS[self.kind]


def suggested_windows(
    school_year: str, zone, start: date | None = None, periods: Periods = ()
) -> dict[MeetingKind, tuple[date, date]]:
    """From the project's start of activity (`start`, else the referential's default):
    diagnostic before it; lancement at it, not before; suivi in between; bilan in the last
    part of the activity period (school_year.bilan_from) or just after it."""
    first = parse_school_year(school_year)
    start, end = project_window(school_year, zone, start, periods)
    bilan = bilan_from(start, end)
    return {
        MeetingKind.DIAGNOSTIC: (min(date(first, 9, 1), start - timedelta(days=1)), start - timedelta(days=1)),
        MeetingKind.LANCEMENT: (start, start + timedelta(days=20)),
        MeetingKind.SUIVI: (start + timedelta(days=21), bilan - timedelta(days=1)),
        MeetingKind.BILAN: (bilan, max(date(first + 1, 6, 30), end)),
    }


def suggested_day(window: tuple[date, date], zone, today: date, periods: Periods = ()) -> date:
    """The first school day of the window not already past (or the window's first day)."""
    day = max(window[0], today)
    while day <= window[1]:
        if is_school_day(day, zone, periods):
            return day
        day += timedelta(days=1)
    return window[0]


def key_moments(
    project, meetings: list[Meeting], *, today: date, can_plan: bool, now: datetime | None = None, periods: Periods = ()
) -> list[Moment]:
    committee = project.committee
    now = now or datetime.now(timezone.utc)
    windows = suggested_windows(project.school_year, committee.holiday_zone, project.activity_start, periods)
    moments = []
    for kind in KEY_MOMENTS:
        own = [m for m in meetings if m.kind is kind and m.status is not MeetingStatus.CANCELLED]
        status = MomentState.of(m.state(now) for m in own)
        moment = Moment(kind=kind, status=status, window=windows[kind], meetings=own)
        if can_plan and status is not MomentState.HELD:
            moment.plan_url = url_for(
                "meetings.create",
                slug=committee.slug,
                project=project.id,
                kind=kind.value,
                day=suggested_day(windows[kind], committee.holiday_zone, today, periods).isoformat(),
                **{"from": windows[kind][0].isoformat(), "to": windows[kind][1].isoformat()},
            )
        moments.append(moment)
    return moments


def _meetings_of(project) -> list[Meeting]:
    """The project's meetings, oldest first, pointing at the project and committee the page
    already holds (meetings.queries.project_meetings would select both again)."""
    meetings = list(
        db.session.scalars(select(Meeting).where(Meeting.project_id == project.id).order_by(Meeting.starts_at, Meeting.id))
    )
    for meeting in meetings:
        set_committed_value(meeting, "project", project)
        if meeting.committee_id == project.committee_id:
            set_committed_value(meeting, "committee", project.committee)
    return meetings


def project_panel(project, user) -> dict | None:
    if not permissions.can_view_project(user, project):
        return None
    meetings = _meetings_of(project)
    can_plan = permissions.can_create_meeting(user, project.committee, project)
    now = datetime.now(timezone.utc)
    zone = project.committee.holiday_zone
    periods = periods_of(project.committee, project.school_year)
    start, _end = project_window(project.school_year, zone, project.activity_start, periods)
    return {
        "project": project,
        "now": now,
        "activity_start": start,
        "calendar_notice": None if calendar_known(project.school_year, zone, periods)
        else unknown_calendar_notice(project.school_year, zone),
        "moments": key_moments(project, meetings, today=committee_today(project.committee), can_plan=can_plan, now=now,
                               periods=periods),  # fmt: skip
        "others": [m for m in meetings if m.kind not in KEY_MOMENTS],
        "cancelled": [m for m in meetings if m.kind in KEY_MOMENTS and m.status is MeetingStatus.CANCELLED],
        "can_plan": can_plan,
    }
