"""The project page's « Bilan d'activité » panel (slot "project"): how far the figures are
entered, their warnings, and the way to the page; after the bilan meeting, a nudge to enter them."""

from __future__ import annotations

from flask import g

from clas_local import permissions
from clas_local.activity import queries, rules
from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS
from clas_local.meetings.models import MeetingKind


def _bilan_meeting_held(project) -> bool:
    """From the compliance panel's facts when it ran before (no query), else one query."""
    facts = g.get("project_facts", {}).get(project.id)
    if facts is None:
        return queries.bilan_meeting_held(project.id)
    return any(meeting.kind is MeetingKind.BILAN and meeting.held for meeting in facts.meetings)


def project_panel(project, user) -> dict | None:
    if not permissions.can_view_activity(user, project):
        return None
    figures = project.activity_figures  # joined with the project on its page (projects.queries.DETAIL_OPTIONS)
    counts = queries.counts(figures)
    entered = sum(value is not None for value in counts.values())
    headings = sum(bool(getattr(figures, name, "")) for name in QUALITATIVE_FIELDS)
    can_edit = permissions.can_edit_activity(user, project)
    complete = entered == len(COUNT_FIELDS) and headings == len(QUALITATIVE_FIELDS)
    return {
        "project": project,
        "entered": entered,
        "count_total": len(COUNT_FIELDS),
        "headings": headings,
        "heading_total": len(QUALITATIVE_FIELDS),
        "warnings": len(rules.warnings(counts, rural=project.is_rural)),
        "can_edit": can_edit,
        # Once the year's bilan meeting with the schools is held, the porteur has what it needs.
        "nudge": can_edit and not complete and _bilan_meeting_held(project),
    }
