"""The committee dashboard: which projects are behind, at a glance (hosts and viewers)."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, request
from flask_login import login_required

from clas_local import htmx, permissions
from clas_local.compliance import queries
from clas_local.compliance.rules import CHECKLIST_TITLE, Status, check_education_nationale_sought, evaluate, key_moment
from clas_local.loaders import load_committee
from clas_local.meetings.models import KEY_MOMENTS, MeetingKind, MeetingState
from clas_local.revisions import committee_revisions
from clas_local.school_year import committee_today, current_school_year, is_school_year

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


def _year_meeting_ids(facts: dict) -> list[int] | None:
    """The year's meetings the facts hold (its projects' and its comités'), or None without projects."""
    if not facts:
        return None
    ids = {meeting.id for project in facts.values() for meeting in project.meetings}
    return sorted(ids | {meeting.id for meeting in queries.comite_meetings_of_year(facts)})


def _comite_state(committee):
    """A comité's state in the words of every other page (MeetingState): a past one still
    only planned is « à compléter »."""
    today = committee_today(committee)

    def state(fact) -> MeetingState:
        if fact.planned and fact.over(today):
            return MeetingState.TO_COMPLETE
        return MeetingState.of(fact.status, datetime.max.replace(tzinfo=timezone.utc), datetime.now(timezone.utc))

    return state


@bp.get("/c/<slug>/dashboard")
@login_required
def dashboard(slug: str):
    committee = load_committee(slug, permissions.can_view_dashboard)
    years, school_year = year_choices(committee)
    status = request.args.get("status", "")
    if status not in STATUS_FILTERS:
        status = ""
    revision = committee_revisions([committee.id])[committee.id]  # before the data it stands for
    projects = queries.year_projects(committee, school_year)
    facts = queries.kept_facts(committee, projects, revision)
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
        "never_invited": queries.partners_never_invited(committee, school_year, _year_meeting_ids(facts)),
        "Status": Status,
        "comite_state": _comite_state(committee),
    }
    return htmx.render("compliance/dashboard.html", "compliance/_dashboard.html", **context)


@bp.get("/c/<slug>/renouvellements")
@login_required
def renewals(slug: str):
    """« Renouvellements »: the year's projects whose financing is to renew, and those lacking last year's bilan."""
    from clas_local.projects.renewals import BILAN, RENEWAL, renewals as renewal_rows

    committee = load_committee(slug, permissions.can_view_dashboard)
    years, school_year = year_choices(committee)
    rows = renewal_rows([committee.id], school_year, committee_today(committee))
    return htmx.render(
        "compliance/renewals.html",
        committee=committee,
        years=years,
        school_year=school_year,
        due=[row for row in rows if row.kind == RENEWAL],
        lacking=[row for row in rows if row.kind == BILAN],
    )
