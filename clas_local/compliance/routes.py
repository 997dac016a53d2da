"""The committee dashboard: which projects are behind, at a glance (hosts and viewers)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, request
from flask_login import login_required

from clas_local import htmx, permissions
from clas_local.compliance import queries
from clas_local.compliance.rules import CHECKLIST_TITLE, Status, check_education_nationale_sought, evaluate, key_moment
from clas_local.loaders import load_committee
from clas_local.meetings.models import KEY_MOMENTS, MeetingKind
from clas_local.school_year import current_school_year, is_school_year

bp = Blueprint("compliance", __name__)

STATUS_FILTERS = {
    "": "Tous les projets",
    Status.MET.code: "Toutes les obligations de concertation respectées",
    Status.PARTLY.code: "Partiellement respectées (rien ne manque)",
    Status.MISSING.code: "Au moins une obligation manquante",
}


def year_choices(committee) -> tuple[list[str], str]:
    """The school years to choose from, and the one asked for (the current one by default)."""
    current = current_school_year(committee)
    years = sorted(set(queries.school_years(committee)) | {current}, reverse=True)
    asked = request.args.get("school_year", "").strip()
    if is_school_year(asked) and asked not in years:
        years = sorted({*years, asked}, reverse=True)
    return years, asked if is_school_year(asked) and asked in years else current


@bp.get("/c/<slug>/dashboard")
@login_required
def dashboard(slug: str):
    committee = load_committee(slug, permissions.can_view_dashboard)
    years, school_year = year_choices(committee)
    status = request.args.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    projects = queries.year_projects(committee, school_year)
    facts = queries.load_facts(committee, projects, detail=False)
    rows, totals = [], {code: 0 for code in STATUS_FILTERS if code}
    for project in projects:
        checklist = evaluate(facts[project.id])
        totals[checklist.overall.code] += 1
        if status and checklist.overall.code != status:
            continue
        moments = [key_moment(facts[project.id].meetings, kind, facts[project.id].today) for kind in KEY_MOMENTS]
        rows.append({"project": project, "facts": facts[project.id], "checklist": checklist, "moments": moments})
    concertation = queries.comite_meetings_of_year(facts) if facts else queries.load_comites(committee, school_year)
    comites = tuple(meeting for meeting in concertation if meeting.kind is MeetingKind.COMITE_LOCAL)
    context = {
        "committee": committee,
        "years": years,
        "school_year": school_year,
        "status_filter": status,
        "status_filters": STATUS_FILTERS,
        "rows": rows,
        "project_count": len(projects),
        "totals": totals,
        "key_moments": KEY_MOMENTS,
        "comites": comites,
        "education_nationale": check_education_nationale_sought(comites, school_year),
        "checklist_title": CHECKLIST_TITLE,
        "upcoming": queries.upcoming_with_pending(committee, school_year, datetime.now(timezone.utc)),
        "never_invited": queries.partners_never_invited(committee, school_year),
        "Status": Status,
    }
    return htmx.render("compliance/dashboard.html", "compliance/_dashboard.html", **context)
