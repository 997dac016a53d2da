"""A project's « Bilan d'activité »: its figures for the school year and its qualitative bilan.

Read by whoever reads the project, entered by its porteur (or the host). One URL serves the
page and, for HTMX, its section; bad input comes back with its French messages, status 422,
nothing saved; the referential's collectif rules are warnings shown with the figures.
"""

from __future__ import annotations

from flask import Blueprint, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload

from clas_local import htmx, permissions
from clas_local.activity import queries, rules, services
from clas_local.activity.forms import ActivityForm, count_values, text_values
from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS
from clas_local.extensions import db
from clas_local.loaders import load_committee, load_in_committee
from clas_local.projects.models import Project

bp = Blueprint("activity", __name__)

URL = "/c/<slug>/projects/<int:project_id>/activity"


def _load(slug: str, project_id: int, allowed=None):
    committee = load_committee(slug)
    project = load_in_committee(
        Project, committee, project_id,
        can_view=permissions.can_view_activity, allowed=allowed, options=(joinedload(Project.porteur),),
    )  # fmt: skip
    return committee, project


def _form(figures, formdata=None) -> ActivityForm:
    # CSRFProtect checks every POST before the view (see projects.routes.NO_CSRF).
    form = ActivityForm(formdata=formdata, meta={"csrf": False})
    if formdata is None and figures is not None:
        for name in (*COUNT_FIELDS, *QUALITATIVE_FIELDS):
            form[name].data = getattr(figures, name)
    return form


def _render(committee, project, figures, form=None, *, status: int = 200, notice: str = ""):
    can_edit = permissions.can_edit_activity(current_user, project)
    counts = queries.counts(figures)
    orientations = queries.orientations(project.id)
    return htmx.render(
        "activity/page.html",
        "activity/_section.html",
        status=status,
        committee=committee,
        project=project,
        figures=figures,
        counts=counts,
        labels=COUNT_FIELDS,
        headings=QUALITATIVE_FIELDS,
        children_total=rules.children_total(counts),
        orientations=orientations,
        oriented_total=queries.oriented_total(orientations),
        warnings=rules.warnings(counts, rural=project.is_rural),
        checkable=rules.checkable(counts),
        can_edit=can_edit,
        form=(form or _form(figures)) if can_edit else None,
        notice=notice,
    )


@bp.get(URL)
@login_required
def page(slug: str, project_id: int):
    committee, project = _load(slug, project_id)
    return _render(committee, project, queries.figures_of(project.id))


@bp.post(URL)
@login_required
def save(slug: str, project_id: int):
    committee, project = _load(slug, project_id, permissions.can_edit_activity)
    figures = queries.figures_of(project.id)
    form = _form(figures, request.form)
    if form.validate():
        counts = count_values(form)
        for name, message in rules.errors(counts).items():
            form[name].errors.append(message)
        if not form.errors:
            changed = services.save_figures(project, figures, counts, text_values(form))
            db.session.commit()
            notice = "Le bilan d'activité est enregistré." if changed else "Aucune modification."
            if htmx.is_fragment_request():
                return _render(committee, project, queries.figures_of(project.id), notice=notice)
            flash(notice, "success")
            return htmx.redirect(url_for("activity.page", slug=slug, project_id=project.id))
    return _render(committee, project, figures, form, status=422)
