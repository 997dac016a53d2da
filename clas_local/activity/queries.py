"""Reads of activity figures: one project's, or many projects' in one query (bilans)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from clas_local.activity.models import COUNT_FIELDS, ActivityFigures
from clas_local.extensions import db
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus
from clas_local.partners.models import Partner
from clas_local.projects.models import ProjectSchool


@dataclass(frozen=True)
class Orientation:
    """Children a school's team oriented towards the project (entered on the project page)."""

    school: str
    children: int | None
    day: date | None


def figures_of(project_id: int) -> ActivityFigures | None:
    return db.session.scalar(select(ActivityFigures).where(ActivityFigures.project_id == project_id))


def figures_by_project(project_ids) -> dict[int, ActivityFigures]:
    """Every listed project's figures, in one query (a project without figures is absent)."""
    ids = list(project_ids)
    if not ids:
        return {}
    found = db.session.scalars(select(ActivityFigures).where(ActivityFigures.project_id.in_(ids)))
    return {figures.project_id: figures for figures in found}


def orientations(project_id: int) -> list[Orientation]:
    """The project's schools and the children each oriented, in one query."""
    rows = db.session.execute(
        select(Partner.name, ProjectSchool.oriented_children_count, ProjectSchool.oriented_on)
        .join(Partner, Partner.id == ProjectSchool.partner_id)
        .where(ProjectSchool.project_id == project_id)
        .order_by(ProjectSchool.id)
    )
    return [Orientation(name, children, day) for name, children, day in rows]


def oriented_total(orientations_: list[Orientation]) -> int | None:
    """« Enfants orientés par les écoles »: the sum of the schools' counts; None when none is entered."""
    entered = [item.children for item in orientations_ if item.children is not None]
    return sum(entered) if entered else None


def bilan_meeting_held(project_id: int) -> bool:
    """Whether the project's end-of-year bilan meeting with the schools is held (one query)."""
    return db.session.scalar(
        select(Meeting.id).where(
            Meeting.project_id == project_id,
            Meeting.kind == MeetingKind.BILAN,
            Meeting.status == MeetingStatus.HELD,
        ).limit(1)
    ) is not None


def counts(figures: ActivityFigures | None) -> dict[str, int | None]:
    """The counts as a mapping (all None without figures), for the rules."""
    return {name: getattr(figures, name) if figures is not None else None for name in COUNT_FIELDS}
