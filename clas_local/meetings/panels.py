"""The project page's « Temps forts » panel: the referential's four key moments on a timeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import url_for
from sqlalchemy import select
from sqlalchemy.orm.attributes import set_committed_value

from clas_local import permissions
from clas_local.extensions import db
from clas_local.meetings.models import KEY_MOMENTS, Meeting, MeetingKind, MeetingStatus, MomentState
from clas_local.school_year import activity_window, committee_today, is_school_day, parse_school_year

# What the referential expects at each moment, in French, shown under its name.
MOMENT_HINTS = {
    MeetingKind.DIAGNOSTIC: "Diagnostic préalable et conception du projet avec les écoles, avant le début de l'activité.",
    MeetingKind.LANCEMENT: "Démarrage de l'activité : orientation des enfants, organisation avec les équipes.",
    MeetingKind.SUIVI: "En cours d'année, notamment quand des difficultés apparaissent.",
    MeetingKind.BILAN: "Bilan de fin d'année avec les équipes éducatives.",
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


def suggested_windows(school_year: str, zone) -> dict[MeetingKind, tuple[date, date]]:
    """Diagnostic before activity starts; lancement at its start; suivi mid-year; bilan in May–June."""
    first = parse_school_year(school_year)
    start, end = activity_window(school_year, zone)
    return {
        MeetingKind.DIAGNOSTIC: (date(first, 9, 1), start - timedelta(days=1)),
        MeetingKind.LANCEMENT: (start, start + timedelta(days=20)),
        MeetingKind.SUIVI: (date(first + 1, 1, 4), date(first + 1, 3, 31)),
        MeetingKind.BILAN: (date(first + 1, 5, 1), date(first + 1, 6, 30)),
    }


def suggested_day(window: tuple[date, date], zone, today: date) -> date:
    """The first school day of the window not already past (or the window's first day)."""
    day = max(window[0], today)
    while day <= window[1]:
        if is_school_day(day, zone):
            return day
        day += timedelta(days=1)
    return window[0]


def key_moments(project, meetings: list[Meeting], *, today: date, can_plan: bool) -> list[Moment]:
    committee = project.committee
    windows = suggested_windows(project.school_year, committee.holiday_zone)
    moments = []
    for kind in KEY_MOMENTS:
        own = [m for m in meetings if m.kind is kind and m.status is not MeetingStatus.CANCELLED]
        if any(m.status is MeetingStatus.HELD for m in own):
            status = MomentState.HELD
        elif own:
            status = MomentState.PLANNED
        else:
            status = MomentState.MISSING
        moment = Moment(kind=kind, status=status, window=windows[kind], meetings=own)
        if can_plan and status is not MomentState.HELD:
            moment.plan_url = url_for(
                "meetings.create",
                slug=committee.slug,
                project=project.id,
                kind=kind.value,
                day=suggested_day(windows[kind], committee.holiday_zone, today).isoformat(),
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
    return {
        "project": project,
        "moments": key_moments(project, meetings, today=committee_today(project.committee), can_plan=can_plan),
        "others": [m for m in meetings if m.kind not in KEY_MOMENTS],
        "cancelled": [m for m in meetings if m.kind in KEY_MOMENTS and m.status is MeetingStatus.CANCELLED],
        "can_plan": can_plan,
    }
