"""The dossier de concertation of a project (page, PDF, ZIP) and the committee's annual bilan."""

from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from clas_local import htmx, permissions
from clas_local.activity import queries as activity_queries
from clas_local.activity.models import COUNT_FIELDS
from clas_local.compliance import queries as compliance_queries
from clas_local.compliance.panels import checklist_view
from clas_local.compliance.routes import year_choices
from clas_local.compliance.rules import key_moment
from clas_local.db import utcnow
from clas_local.dossier import bilan as bilan_rules
from clas_local.dossier import cache
from clas_local.dossier.archive import CHUNK, build_zip, dossier_filename
from clas_local.dossier.csv_export import csv_bytes
from clas_local.dossier.pdf import render_pdf
from clas_local.dossier.queries import Dossier, load_dossier
from clas_local.loaders import load_committee, load_project
from clas_local.meetings.models import KEY_MOMENTS
from clas_local.projects.models import Project
from clas_local.revisions import kept

bp = Blueprint("dossier", __name__)

PROJECT = "/c/<slug>/projects/<int:project_id>"
KEPT_PAGES = 64  # rendered dossiers of about 100 kB each, per worker


# The « Bilan d'activité » (one row at most) is joined too: the dossier reads it with no query of its own.
# Built at import, these options configure the mappers: every model must be known by then.
import clas_local.models  # noqa: E402, F401

LOAD_OPTIONS = (joinedload(Project.porteur), joinedload(Project.coordinator), joinedload(Project.activity_figures))


def _versioned_project(slug: str, project_id: int):
    """The committee, the project and its dossier's version: the permission checks' two queries
    (another committee, or a project the user may not see: 404, load_project)."""
    committee = load_committee(slug)
    project = load_project(committee, project_id, options=(*LOAD_OPTIONS, cache.stamp_option(committee, project_id)))
    return committee, project, cache.dossier_version(committee, project)


def _cached_pdf(project, version: str, dossier: Dossier | None = None) -> bytes:
    """The dossier's PDF for this version: built from the database once, then read from the cache."""

    def build() -> bytes:
        loaded = dossier or load_dossier(project)
        return render_pdf(loaded, **_pdf_context(loaded))

    return cache.fetch(project.id, version, build)


def _context(dossier: Dossier, *, links: bool) -> dict:
    can_act = links and permissions.can_edit_project(current_user, dossier.project)
    return {
        "dossier": dossier,
        "committee": dossier.committee,
        "view": checklist_view(dossier.checklist, dossier.committee, dossier.project.id, can_act=can_act),
        "moments": [key_moment(dossier.facts.meetings, kind, dossier.facts.today) for kind in KEY_MOMENTS],
    }


def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get(f"{PROJECT}/dossier")
@login_required
def page(slug: str, project_id: int):
    """The dossier as a page. Its content is kept, rendered, under the dossier's version (the
    PDF's, read with the project before anything else) and what the reader may do (the next
    actions are links for those who edit the project): a dossier read again unchanged is not
    loaded again. Only the time it is read at is not part of it."""
    committee, project, version = _versioned_project(slug, project_id)
    can_act = permissions.can_edit_project(current_user, project)
    store = kept("dossier-page", size=KEPT_PAGES)
    content = store.get((project.id, version, can_act))
    if content is None:
        dossier = load_dossier(project)
        # HTML the template made, every user text in it escaped (autoescape): inserted as it is.
        content = Markup(render_template("dossier/_content.html", links=True, **_context(dossier, links=True)))
        store.put((project.id, version, can_act), content)
    return _private(htmx.render("dossier/page.html", committee=committee, project=project, content=content,
                                generated_at=utcnow()))  # fmt: skip


@bp.get(f"{PROJECT}/dossier.pdf")
@login_required
def pdf(slug: str, project_id: int):
    _committee, project, version = _versioned_project(slug, project_id)
    response = Response(mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{dossier_filename(project, "pdf")}"'
    # The version is the ETag: a client holding this version gets 304 after the permission
    # checks, with nothing read from the dossier. (Browsers keep no copy to revalidate: every
    # signed-in response is « no-store », see security.py.)
    response.set_etag(version)
    if request.if_none_match.contains(version):
        return _private(response.make_conditional(request))
    response.set_data(_cached_pdf(project, version))
    return _private(response)


def _pdf_context(dossier: Dossier) -> dict:
    context = _context(dossier, links=False)
    context.pop("dossier")
    context.pop("committee")
    return context


@bp.get(f"{PROJECT}/dossier.zip")
@login_required
def archive(slug: str, project_id: int):
    _committee, project, version = _versioned_project(slug, project_id)
    dossier = load_dossier(project)  # the files and the manifest (the PDF is the slow part, not them)
    output = build_zip(dossier, _cached_pdf(project, version, dossier))
    size = output.seek(0, 2)
    output.seek(0)

    def stream():
        try:
            while chunk := output.read(CHUNK):
                yield chunk
        finally:
            output.close()

    response = Response(stream(), mimetype="application/zip")
    response.call_on_close(output.close)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'attachment; filename="{dossier_filename(project, "zip")}"'
    return _private(response)


# -- annual bilan --------------------------------------------------------------------------------


def _bilan(slug: str):
    committee = load_committee(slug, permissions.can_view_dashboard)
    years, school_year = year_choices(committee)
    projects = compliance_queries.year_projects(committee, school_year)
    facts = compliance_queries.load_facts(committee, projects, detail=False)
    comites = (
        compliance_queries.comite_meetings_of_year(facts)
        if facts
        else compliance_queries.load_comites(committee, school_year)
    )
    figures = activity_queries.figures_by_project(project.id for project in projects)
    result = bilan_rules.annual_bilan(
        school_year, [facts[project.id] for project in projects], comites,
        {project_id: activity_queries.counts(row) for project_id, row in figures.items()},
    )  # fmt: skip
    return committee, years, result


@bp.get("/c/<slug>/bilan")
@login_required
def annual_bilan(slug: str):
    committee, years, result = _bilan(slug)
    return htmx.render(
        "dossier/bilan.html",
        "dossier/_bilan.html",
        committee=committee,
        years=years,
        school_year=result.school_year,
        bilan=result,
        kinds=bilan_rules.PROJECT_KINDS,
        figure_labels=COUNT_FIELDS,
    )


@bp.get("/c/<slug>/bilan.csv")
@login_required
def annual_bilan_csv(slug: str):
    committee, _years, result = _bilan(slug)
    header, rows = bilan_rules.csv_rows(result)
    response = Response(csv_bytes(header, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="bilan-annuel-{committee.slug}-{result.school_year}.csv"'
    )
    return _private(response)
