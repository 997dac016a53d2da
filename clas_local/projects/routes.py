"""Project screens: the list, the project page, and editing a project, its schools,
territory partners and collectifs (HTMX in place, POST-redirect-GET without JavaScript)."""

from __future__ import annotations

import re
from dataclasses import replace

from flask import Blueprint, flash, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from clas_local import htmx, panels, permissions
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.forms import EmptyWay, choices
from clas_local.loaders import load_committee, load_project, refuse
from clas_local.partners.models import COVERING_KINDS, SCHOOL_KINDS, TERRITORY_KINDS, Partner
from clas_local.projects import lines, queries, services
from clas_local.projects.forms import (
    CafDecisionForm,
    CollectifForm,
    FinancingForm,
    PartnerLinkForm,
    OrientationForm,
    ProjectForm,
    ReconductForm,
    ReferentForm,
    RelationForm,
    SchoolLinkForm,
)
from clas_local.projects.rules import duration_fr
from clas_local.projects.models import CafStatus, Collectif, FinancingKind, Project, ProjectPartner, ProjectSchool
from clas_local.school_year import activity_start_error, committee_today, current_school_year, is_school_year
from clas_local.url_numbers import id_arg, page_number, parse_id

bp = Blueprint("projects", __name__)


@bp.app_template_filter("duration_fr")
def duration_filter(minutes: int) -> str:
    return duration_fr(minutes)

# CSRFProtect checks the token of every POST (field or HTMX header) before any view runs, so
# the forms skip their own check: sub-forms live several to a page under a prefix, which would
# rename the token field, and the app clears g (where CSRFProtect notes a valid token) at the
# start of each request, so a form's own check would refuse a header-only HTMX request.
NO_CSRF = {"csrf": False}
NO_CONTACT = ("", "— Aucun contact référent —")


# -- list --------------------------------------------------------------------------------------


def _filters(committee) -> queries.ProjectFilters:
    """Filters from the query string; no `school_year` at all means the current school year."""
    if "school_year" in request.args:
        year = request.args.get("school_year", "").strip()
        if year and not is_school_year(year):
            year = current_school_year(committee)
    else:
        year = current_school_year(committee)
    porteur_id = id_arg("porteur")
    return queries.ProjectFilters(school_year=year, porteur_id=porteur_id)


@bp.get("/c/<slug>/projects")
@login_required
def index(slug: str):
    committee = load_committee(slug)
    if permissions.role(current_user, committee) is Role.SCHOOL:
        # A school reads no project page: its list is the projects it is linked to, and their meetings.
        return render_template(
            "projects/school.html", committee=committee,
            links=queries.school_projects(committee, permissions.membership(current_user, committee).partner_id),
        )  # fmt: skip
    filters = _filters(committee)
    page = page_number()
    pagination, rows = queries.project_list(current_user, committee, filters, page)
    is_porteur = permissions.role(current_user, committee) is Role.PORTEUR
    params = {"slug": slug, "school_year": filters.school_year}
    if filters.porteur_id is not None:
        params["porteur"] = filters.porteur_id
    return htmx.render(
        "projects/index.html",
        "projects/_list.html",
        committee=committee,
        rows=rows,
        pagination=pagination,
        filters=filters,
        params=params,
        years=queries.school_year_options(committee, committee_today(committee)),
        porteurs=[] if is_porteur else queries.porteur_options(current_user, committee),
        can_create=permissions.can_create_project(current_user, committee),
    )


# -- project page ---------------------------------------------------------------------------


def _reload(project_id: int) -> Project:
    return db.session.scalar(
        select(Project)
        .where(Project.id == project_id)
        .options(*queries.DETAIL_OPTIONS)
        .execution_options(populate_existing=True)
    )


def _contact_choices(contacts, empty=NO_CONTACT):
    pairs = [(c.id, c.display_name + (f" – {c.function}" if c.function else "")) for c in contacts if not c.anonymised_at]
    return choices([empty, *pairs])


def _referent_form(link: ProjectSchool, formdata=None) -> ReferentForm:
    form = ReferentForm(formdata=formdata, prefix=f"school-{link.id}", meta=NO_CSRF)
    form.referent_contact_id.choices = _contact_choices(link.partner.contacts)
    if formdata is None:
        form.referent_contact_id.data = str(link.referent_contact_id or "")
    return form


def _orientation_form(link: ProjectSchool, formdata=None) -> OrientationForm:
    form = OrientationForm(formdata=formdata, prefix=f"orientation-{link.id}", meta=NO_CSRF)
    if formdata is None:
        form.oriented_children_count.data = link.oriented_children_count
        form.oriented_on.data = link.oriented_on
    return form


def _relation_form(link: ProjectPartner, formdata=None) -> RelationForm:
    form = RelationForm(formdata=formdata, prefix=f"partner-{link.id}", meta=NO_CSRF)
    if formdata is None:
        form.relation.data = link.relation
    return form


def _school_link_form(committee, project, formdata=None, candidates=None) -> SchoolLinkForm:
    form = SchoolLinkForm(formdata=formdata, prefix="school", meta=NO_CSRF)
    if candidates is None:
        candidates = queries.school_candidates(committee, project)
    # Hundreds of schools: grouped by kind (RGAA 11.8), écoles first, each group by name.
    groups: dict[str | None, list] = {None: choices([("", "— Choisir —")])}
    for kind, group in (("ecole", "Écoles"), ("college", "Collèges"), ("lycee", "Lycées")):
        members = [s for s in candidates if s.kind.value == kind]
        if members:
            groups[group] = choices(
                (s.id, f"{s.name} ({s.kind.label}{', ' + s.uai if s.uai else ''})") for s in members
            )
    form.partner_id.choices = groups
    # The referent is chosen among the chosen school's contacts: with HTMX, the list follows
    # the school (school_referents); without, the school's row sets it once linked.
    form.partner_id.empty_way = EmptyWay(
        "Aucune école de l'annuaire n'est encore à lier.",
        url_for("partners.import_directory", slug=committee.slug), "Importer les écoles du territoire",
    )
    form.partner_id.render_kw = {
        "hx-get": url_for("projects.school_referents", slug=committee.slug, project_id=project.id),
        "hx-trigger": "change",
        "hx-target": "#school-referent_contact_id-field",
        "hx-swap": "outerHTML",
    }
    chosen = next((school for school in candidates if str(school.id) == (form.partner_id.data or "")), None)
    form.referent_contact_id.choices = _contact_choices(chosen.contacts if chosen else [])
    return form


def _partner_link_form(committee, project, formdata=None, candidates=None) -> PartnerLinkForm:
    form = PartnerLinkForm(formdata=formdata, prefix="partner", meta=NO_CSRF)
    if candidates is None:
        candidates = queries.territory_candidates(committee, project)
    form.partner_id.choices = choices([("", "— Choisir —"), *((p.id, f"{p.name} ({p.kind.label})") for p in candidates)])
    form.partner_id.empty_way = EmptyWay(
        "Aucun partenaire du territoire n'est encore à lier.",
        url_for("partners.create", slug=committee.slug), "Ajouter un partenaire à l'annuaire",
    )
    return form


def _collectif_form(formdata=None, obj=None, prefix="collectif") -> CollectifForm:
    return CollectifForm(formdata=formdata, obj=obj, prefix=prefix, meta=NO_CSRF)


def _financing_form(financing=None, formdata=None) -> FinancingForm:
    form = FinancingForm(formdata=formdata, prefix="financing", meta=NO_CSRF)
    form.kind.choices = choices([("", "— Choisir —"), *FinancingKind.choices()])
    if formdata is None and financing is not None:
        form.kind.data = financing.kind.value
        form.first_year.data, form.last_year.data = financing.first_year, financing.last_year
    return form


def _caf_form(project: Project, formdata=None) -> CafDecisionForm:
    form = CafDecisionForm(formdata=formdata, prefix="caf", meta=NO_CSRF)
    form.status.choices = choices([("", "— Pas encore déposé —"), *CafStatus.choices()])
    if formdata is None:
        form.status.data = project.caf_status.value if project.caf_status else ""
        form.deposited_on.data, form.decided_on.data = project.caf_deposited_on, project.caf_decided_on
    return form


def _line_context(committee, project: Project, can_edit: bool, forms: dict) -> dict:
    """The line's years, its financing and the CAF's decisions (one query: lines.load_line)."""
    line = lines.load_line(project)
    context = {
        "line_years": lines.line_years(line.visible_to(current_user), line.financings),
        "financing": line.financing,
        "cof_warning": lines.cof_warning(line),
    }
    if can_edit:
        opened = _opened_form()
        context.update(
            reconduction_error=lines.reconduction_error(project, committee_today(committee), line),
            financing_form=forms.get("financing_form") or (_financing_form(line.financing) if opened == "financing" else None),
            caf_form=forms.get("caf_form") or (_caf_form(project) if opened == "caf-decision" else None),
        )
    return context


# The add-forms the project page folds: opening one loads it (folded_form). The name is the
# form's URL segment; the id is its <details> on the page.
FOLDED_FORMS = {
    "school": "lier-ecole",
    "partner": "lier-partenaire",
    "collectif": "ajouter-collectif",
    "caf-decision": "decision-caf",
    "financing": "modifier-financement",
}


def _page_with_form(committee, project: Project, name: str, anchor: str | None = None):
    """A browser without JavaScript asked for a folded form: the project page with it open."""
    page = url_for("projects.detail", slug=committee.slug, project_id=project.id)
    return htmx.redirect(f"{page}?formulaire={name}#{anchor or name}")


def _opened_form() -> str | None:
    """The folded form a browser without JavaScript asked to see open (?formulaire=…, a key of
    FOLDED_FORMS or « referent-<link id> », « orientation-<link id> », « relation-<link id> »), on a GET only."""
    name = request.args.get("formulaire", "") if request.method == "GET" else ""
    return name if name in FOLDED_FORMS or re.fullmatch(r"(referent|orientation|relation)-[0-9]{1,9}", name) else None


def _context(committee, project: Project, **forms) -> dict:
    """Everything the project page and its sections show; `forms` replaces a section's form (errors)."""
    can_edit = permissions.can_edit_project(current_user, project)
    weeks = queries.school_weeks_of(project)
    context = {
        "committee": committee,
        "project": project,
        "can_edit": can_edit,
        "school_weeks": weeks,
        "calendar_notice": None if weeks else queries.calendar_notice(project),
        "can_enter_holidays": permissions.can_manage_committee(current_user, committee),
        "collectifs": queries.collectifs_with_warnings(project, weeks),
        "suggestion_error": forms.get("suggestion_error"),
    }
    if not can_edit:
        context["suggestions"] = queries.territory_suggestions(committee, project)
    else:
        # Whether anything is left to link, and the covering partners to suggest, in one light
        # query: the add-forms are folded and load their lists when opened (folded_form), unless
        # the page must show one: its errors, or a browser without JavaScript that asked for it.
        has_schools, has_territory, covering = queries.link_candidates(committee, project)
        context["suggestions"] = queries.territory_suggestions(committee, project, covering)
        opened = _opened_form()
        context.update(
            has_school_candidates=has_schools,
            has_partner_candidates=has_territory,
            school_form=forms.get("school_form") or (_school_link_form(committee, project) if opened == "school" else None),
            partner_form=forms.get("partner_form")
            or (_partner_link_form(committee, project) if opened == "partner" else None),
            collectif_form=forms.get("collectif_form") or (_collectif_form() if opened == "collectif" else None),
            # A school row's forms are folded too (school_link_form), but for the one to show.
            referent_forms={
                link.id: forms.get(f"referent_{link.id}") or (_referent_form(link) if opened == f"referent-{link.id}" else None)
                for link in project.schools
            },
            orientation_forms={
                link.id: forms.get(f"orientation_{link.id}")
                or (_orientation_form(link) if opened == f"orientation-{link.id}" else None)
                for link in project.schools
            },
            relation_forms={
                link.id: forms.get(f"relation_{link.id}") or (_relation_form(link) if opened == f"relation-{link.id}" else None)
                for link in project.territory_partners
            },
        )
    return context


@bp.get("/c/<slug>/projects/<int:project_id>")
@login_required
def detail(slug: str, project_id: int):
    committee = load_committee(slug)
    project = load_project(committee, project_id, options=queries.DETAIL_OPTIONS)
    return _page(committee, project)


def _page(committee, project, status: int = 200, **forms):
    context = _context(committee, project, **forms)
    context.update(_line_context(committee, project, context["can_edit"], forms))
    context["panels"] = panels.panels("project", project, current_user)
    return htmx.render("projects/detail.html", status=status, **context)


@bp.get("/c/<slug>/projects/<int:project_id>/forms/<any(school, partner, collectif, 'caf-decision', financing):form>")
@login_required
def folded_form(slug: str, project_id: int, form: str):
    """HTMX: one folded add-form of the project page, loaded when it is opened. A plain GET (no
    JavaScript) gets the page again with that form open."""
    committee, project = _load_editable(slug, project_id)
    if not htmx.is_fragment_request():
        return _page_with_form(committee, project, form, FOLDED_FORMS[form])
    context = {"committee": committee, "project": project}
    if form == "school":
        template, context["school_form"] = "projects/_add_school.html", _school_link_form(committee, project)
    elif form == "partner":
        template, context["partner_form"] = "projects/_add_partner.html", _partner_link_form(committee, project)
    elif form == "collectif":
        template, context["collectif_form"] = "projects/_add_collectif.html", _collectif_form()
    elif form == "caf-decision":
        template, context["caf_form"] = "projects/_caf_form.html", _caf_form(project)
    else:
        template = "projects/_financing_form.html"
        context["financing_form"] = _financing_form(lines.covering(lines.financings_of(project), project.school_year))
    return htmx.render(template, template, **context)


@bp.get("/c/<slug>/projects/<int:project_id>/schools/<int:link_id>/forms/<any(referent, orientation):form>")
@login_required
def school_link_form(slug: str, project_id: int, link_id: int, form: str):
    """HTMX: a school row's folded form (its referent, or its children's orientation), loaded
    when opened. A plain GET (no JavaScript) gets the page again with that form open."""
    committee, project = _load_editable(slug, project_id)
    link = _school_link(project, link_id)
    if not htmx.is_fragment_request():
        return _page_with_form(committee, project, f"{form}-{link.id}")
    context = {"committee": committee, "project": project, "link": link}
    if form == "referent":
        return htmx.render("projects/_referent_form.html", "projects/_referent_form.html",
                           rform=_referent_form(link), **context)  # fmt: skip
    return htmx.render("projects/_orientation_form.html", "projects/_orientation_form.html",
                       oform=_orientation_form(link), **context)  # fmt: skip


@bp.get("/c/<slug>/projects/<int:project_id>/partners/<int:link_id>/form")
@login_required
def relation_form(slug: str, project_id: int, link_id: int):
    """HTMX: a territory partner's folded « Modifier la relation » form, loaded when opened. A
    plain GET (no JavaScript) gets the page again with that form open."""
    committee, project = _load_editable(slug, project_id)
    link = _partner_link(project, link_id)
    if not htmx.is_fragment_request():
        return _page_with_form(committee, project, f"relation-{link.id}")
    return htmx.render("projects/_relation_form.html", "projects/_relation_form.html",
                       committee=committee, project=project, link=link, rform=_relation_form(link))  # fmt: skip


SECTIONS = {"schools": "ecoles", "partners": "partenaires", "collectifs": "collectifs"}


def _section(committee, project, section: str, *, ok: bool, notice: str = "", **forms):
    """After a change to one section: HTMX gets the section back, a browser the page again.

    Success: 200 fragment (with an event other panels may listen to) or 303 to the page.
    Bad input: the fragment or the whole page with the messages, status 422, nothing saved."""
    status = 200 if ok else 422
    if htmx.is_fragment_request():
        if ok:
            project = _reload(project.id)
        context = _context(committee, project, **forms)
        response = htmx.render(
            f"projects/_{section}.html", f"projects/_{section}.html", status=status, notice=notice, **context
        )
        return htmx.trigger(response, "project-changed") if ok else response
    if ok:
        flash(notice, "success")
        return htmx.redirect(url_for("projects.detail", slug=committee.slug, project_id=project.id) + f"#{SECTIONS[section]}")
    return _page(committee, project, status=status, **forms)


def _load_editable(slug: str, project_id: int):
    committee = load_committee(slug)
    project = load_project(committee, project_id, permissions.can_edit_project, options=queries.DETAIL_OPTIONS)
    return committee, project


# -- create / edit ------------------------------------------------------------------------------


def _fixed_porteur(committee) -> Partner | None:
    """A porteur creates projects for their own organisation only."""
    member = permissions.membership(current_user, committee)
    if member.role is Role.PORTEUR:
        if member.partner is None:
            refuse(403, "porteur without organisation")
        return member.partner
    return None


def _project_form(committee, fixed_porteur: Partner | None, project: Project | None = None) -> ProjectForm:
    obj = project if project is not None and request.method == "GET" else None
    form = ProjectForm(obj=obj, meta=NO_CSRF)
    porteurs = [fixed_porteur] if fixed_porteur is not None else queries.porteur_candidates(committee)
    if fixed_porteur is not None:
        del form.porteur_id
    else:
        form.porteur_id.choices = choices([("", "— Choisir —"), *((p.id, p.name) for p in porteurs)])
        form.porteur_id.empty_way = EmptyWay(
            "Aucune organisation de l'annuaire ne peut encore porter un projet (association, centre social, commune…).",
            url_for("partners.create", slug=committee.slug), "Ajouter le porteur à l'annuaire",
        )
        if project is not None and request.method == "GET":
            form.porteur_id.data = str(project.porteur_id)
    coordinators = choices([("", "— Pas encore désigné —")])
    for porteur in porteurs:
        coordinators += [replace(choice, optgroup=porteur.name) for choice in _contact_choices(porteur.contacts)[1:]]
    form.coordinator_id.choices = coordinators
    if len(porteurs) == 1:
        form.coordinator_id.empty_way = EmptyWay(
            f"Aucun contact n'est encore enregistré pour {porteurs[0].name}.",
            url_for("partners.add_contact", slug=committee.slug, partner_id=porteurs[0].id), "Ajouter un contact",
        )
    if project is not None and request.method == "GET":
        form.coordinator_id.data = str(project.coordinator_id or "")
    return form


def _project_fields(form: ProjectForm, fixed_porteur: Partner | None, project: Project | None = None) -> dict | None:
    """The validated fields, or None after adding a message to the form."""
    year_error = lines.year_change_error(project, form.school_year.data) if project is not None else None
    if year_error:
        form.school_year.errors.append(year_error)
        return None
    porteur_id = fixed_porteur.id if fixed_porteur is not None else int(form.porteur_id.data)
    coordinator_id = int(form.coordinator_id.data) if form.coordinator_id.data else None
    if coordinator_id is not None and queries.contact_of(porteur_id, coordinator_id) is None:
        form.coordinator_id.errors.append("Choisissez une personne de l'organisation qui porte le projet.")
        return None
    start_error = activity_start_error(form.school_year.data, form.activity_start.data)
    if start_error:
        form.activity_start.errors.append(start_error)
        return None
    return {
        "name": form.name.data,
        "school_year": form.school_year.data,
        "porteur_id": porteur_id,
        "coordinator_id": coordinator_id,
        "is_rural": bool(form.is_rural.data),
        "description": (form.description.data or "").strip(),
        "activity_start": form.activity_start.data,
    }


def _form_page(committee, form, project=None, fixed_porteur=None, status=200):
    return htmx.render(
        "projects/form.html",
        "projects/_form.html",
        status=status,
        committee=committee,
        form=form,
        project=project,
        fixed_porteur=fixed_porteur,
    )


@bp.route("/c/<slug>/projects/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    committee = load_committee(slug, permissions.can_create_project)
    fixed_porteur = _fixed_porteur(committee)
    form = _project_form(committee, fixed_porteur)
    if request.method == "GET":
        form.school_year.data = current_school_year(committee)
    if form.validate_on_submit():
        fields = _project_fields(form, fixed_porteur)
        if fields is not None:
            project = services.create_project(committee, **fields)
            db.session.commit()
            flash(f"Le projet « {project.name} » est créé. Ajoutez maintenant ses écoles, ses partenaires et ses collectifs.", "success")
            return htmx.redirect(url_for("projects.detail", slug=slug, project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return _form_page(committee, form, fixed_porteur=fixed_porteur, status=status)


@bp.route("/c/<slug>/projects/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    fixed_porteur = project.porteur if permissions.is_project_porteur(current_user, project) else None
    form = _project_form(committee, fixed_porteur, project)
    if form.validate_on_submit():
        fields = _project_fields(form, fixed_porteur, project)
        if fields is not None:
            changed = services.update_project(project, **fields)
            db.session.commit()
            flash("Le projet est enregistré." if changed else "Aucune modification.", "success")
            return htmx.redirect(url_for("projects.detail", slug=slug, project_id=project.id))
    status = 422 if request.method == "POST" else 200
    return _form_page(committee, form, project=project, fixed_porteur=fixed_porteur, status=status)


# -- schools ----------------------------------------------------------------------------------


def _school_link(project: Project, link_id: int) -> ProjectSchool:
    link = next((link for link in project.schools if link.id == link_id), None)
    if link is None:
        refuse(404, f"ProjectSchool {link_id}")
    return link


@bp.post("/c/<slug>/projects/<int:project_id>/schools")
@login_required
def add_school(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    form = _school_link_form(committee, project, request.form)
    if form.validate():
        school = queries.partner_in_committee(committee, int(form.partner_id.data), SCHOOL_KINDS)
        referent = None
        raw_id = (form.referent_contact_id.data or "").strip()
        if raw_id:
            contact_id = parse_id(raw_id)
            referent = queries.contact_of(school.id, contact_id) if contact_id is not None else None
            if referent is None:
                form.referent_contact_id.errors.append(f"Choisissez une personne de l'établissement « {school.name} ».")
        if not form.referent_contact_id.errors:
            services.link_school(project, school, referent)
            db.session.commit()
            return _section(committee, project, "schools", ok=True, notice=f"{school.name} est lié au projet.")
    return _section(committee, project, "schools", ok=False, school_form=form)


@bp.get("/c/<slug>/projects/<int:project_id>/schools/referents")
@login_required
def school_referents(slug: str, project_id: int):
    """HTMX: the « Contact référent » field of the link form, for the school just chosen."""
    committee, project = _load_editable(slug, project_id)
    if not htmx.is_fragment_request():
        return htmx.redirect(url_for("projects.detail", slug=committee.slug, project_id=project.id) + "#ecoles")
    form = _school_link_form(committee, project, request.args)
    return htmx.render("projects/_school_referent.html", "projects/_school_referent.html", form=form)


@bp.post("/c/<slug>/projects/<int:project_id>/schools/<int:link_id>")
@login_required
def set_referent(slug: str, project_id: int, link_id: int):
    committee, project = _load_editable(slug, project_id)
    link = _school_link(project, link_id)
    form = _referent_form(link, request.form)
    raw_id = (form.referent_contact_id.data or "").strip()
    if raw_id and parse_id(raw_id) is None:  # only a forged request sends anything but an id
        form.referent_contact_id.errors = ["Choisissez un contact de la liste."]
    elif form.validate():
        referent = queries.contact_of(link.partner_id, int(raw_id)) if raw_id else None
        services.set_referent(link, referent)
        name = link.partner.name
        db.session.commit()
        return _section(committee, project, "schools", ok=True, notice=f"Contact référent de {name} enregistré.")
    return _section(committee, project, "schools", ok=False, **{f"referent_{link.id}": form})


@bp.post("/c/<slug>/projects/<int:project_id>/schools/<int:link_id>/orientation")
@login_required
def set_orientation(slug: str, project_id: int, link_id: int):
    committee, project = _load_editable(slug, project_id)
    link = _school_link(project, link_id)
    form = _orientation_form(link, request.form)
    if form.validate():
        children, day = form.oriented_children_count.data, form.oriented_on.data
        if day is not None and children is None:
            form.oriented_children_count.errors = ["Indiquez le nombre d'enfants orientés à cette date."]
        else:
            services.set_orientation(link, children, day)
            name = link.partner.name
            db.session.commit()
            return _section(committee, project, "schools", ok=True, notice=f"Orientation des enfants par {name} enregistrée.")
    return _section(committee, project, "schools", ok=False, **{f"orientation_{link.id}": form})


@bp.post("/c/<slug>/projects/<int:project_id>/schools/<int:link_id>/remove")
@login_required
def remove_school(slug: str, project_id: int, link_id: int):
    committee, project = _load_editable(slug, project_id)
    link = _school_link(project, link_id)
    name = link.partner.name
    services.unlink_school(link)
    db.session.commit()
    return _section(committee, project, "schools", ok=True, notice=f"{name} est retiré du projet.")


# -- territory partners -------------------------------------------------------------------------


def _partner_link(project: Project, link_id: int) -> ProjectPartner:
    link = next((link for link in project.territory_partners if link.id == link_id), None)
    if link is None:
        refuse(404, f"ProjectPartner {link_id}")
    return link


@bp.post("/c/<slug>/projects/<int:project_id>/partners")
@login_required
def add_partner(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    form = _partner_link_form(committee, project, request.form)
    if form.validate():
        partner = queries.partner_in_committee(committee, int(form.partner_id.data), TERRITORY_KINDS)
        services.link_partner(project, partner, form.relation.data)
        db.session.commit()
        return _section(committee, project, "partners", ok=True, notice=f"{partner.name} est lié au projet.")
    return _section(committee, project, "partners", ok=False, partner_form=form)


@bp.post("/c/<slug>/projects/<int:project_id>/partners/<int:link_id>")
@login_required
def update_relation(slug: str, project_id: int, link_id: int):
    committee, project = _load_editable(slug, project_id)
    link = _partner_link(project, link_id)
    form = _relation_form(link, request.form)
    if form.validate():
        services.update_relation(link, form.relation.data)
        name = link.partner.name
        db.session.commit()
        return _section(committee, project, "partners", ok=True, notice=f"Relation avec {name} enregistrée.")
    return _section(committee, project, "partners", ok=False, **{f"relation_{link.id}": form})


@bp.post("/c/<slug>/projects/<int:project_id>/partners/<int:link_id>/remove")
@login_required
def remove_partner(slug: str, project_id: int, link_id: int):
    committee, project = _load_editable(slug, project_id)
    link = _partner_link(project, link_id)
    name = link.partner.name
    services.unlink_partner(link)
    db.session.commit()
    return _section(committee, project, "partners", ok=True, notice=f"{name} est retiré du projet.")


# -- collectifs ---------------------------------------------------------------------------------


def _collectif(project: Project, collectif_id: int) -> Collectif:
    collectif = next((c for c in project.collectifs if c.id == collectif_id), None)
    if collectif is None:
        refuse(404, f"Collectif {collectif_id}")
    return collectif


def _collectif_fields(form: CollectifForm) -> dict:
    return {name: form[name].data for name in services.COLLECTIF_FIELDS} | {"place": form.place.data or ""}


@bp.post("/c/<slug>/projects/<int:project_id>/collectifs")
@login_required
def add_collectif(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    form = _collectif_form(request.form)
    if form.validate():
        collectif = services.add_collectif(project, **_collectif_fields(form))
        name = collectif.name
        db.session.commit()
        return _section(committee, project, "collectifs", ok=True, notice=f"Le collectif « {name} » est ajouté.")
    return _section(committee, project, "collectifs", ok=False, collectif_form=form)


@bp.route("/c/<slug>/projects/<int:project_id>/collectifs/<int:collectif_id>/edit", methods=["GET", "POST"])
@login_required
def edit_collectif(slug: str, project_id: int, collectif_id: int):
    committee, project = _load_editable(slug, project_id)
    collectif = _collectif(project, collectif_id)
    formdata = request.form if request.method == "POST" else None
    form = _collectif_form(formdata, obj=collectif if formdata is None else None)
    if formdata is not None and form.validate():
        changed = services.update_collectif(collectif, **_collectif_fields(form))
        db.session.commit()
        flash(f"Le collectif « {collectif.name} » est enregistré." if changed else "Aucune modification.", "success")
        return htmx.redirect(url_for("projects.detail", slug=slug, project_id=project.id) + "#collectifs")
    status = 422 if formdata is not None else 200
    return htmx.render(
        "projects/collectif_form.html",
        "projects/_collectif_form.html",
        status=status,
        committee=committee,
        project=project,
        collectif=collectif,
        form=form,
    )


@bp.post("/c/<slug>/projects/<int:project_id>/collectifs/<int:collectif_id>/remove")
@login_required
def remove_collectif(slug: str, project_id: int, collectif_id: int):
    committee, project = _load_editable(slug, project_id)
    collectif = _collectif(project, collectif_id)
    name = collectif.name
    services.remove_collectif(collectif)
    db.session.commit()
    return _section(committee, project, "collectifs", ok=True, notice=f"Le collectif « {name} » est supprimé.")


@bp.post("/c/<slug>/projects/<int:project_id>/partners/suggested/<int:partner_id>")
@login_required
def add_suggested_partner(slug: str, project_id: int, partner_id: int):
    """One click on a suggestion: the PRE, PEDT, PEL or cité éducative covering the commune of a
    school of the project becomes its territory partner (the relation sentence is then edited)."""
    committee, project = _load_editable(slug, project_id)
    partner = queries.partner_in_committee(committee, partner_id, COVERING_KINDS)
    if partner is None:
        refuse(404, f"Partner {partner_id}")
    suggestion = next((s for s in queries.territory_suggestions(committee, project) if s.partner.id == partner.id), None)
    if suggestion is None:
        linked = any(link.partner_id == partner.id for link in project.territory_partners)
        message = (f"{partner.name} est déjà partenaire du projet." if linked
                   else f"{partner.name} ne couvre la commune d'aucune école du projet.")  # fmt: skip
        return _section(committee, project, "partners", ok=False, notice="", suggestion_error=message)
    services.link_partner(project, partner, suggestion.sentence, suggested=True)
    db.session.commit()
    return _section(committee, project, "partners", ok=True,
                    notice=f"{partner.name} est lié au projet. Précisez la relation ci-dessous si besoin.")  # fmt: skip


# -- projects that last: reconduire, financing, the CAF's decision --------------------------------


@bp.route("/c/<slug>/projects/<int:project_id>/reconduct", methods=["GET", "POST"])
@login_required
def reconduct(slug: str, project_id: int):
    """« Reconduire »: the project carries on to the next school year (GET: what is copied, and the button)."""
    committee, project = _load_editable(slug, project_id)
    form = ReconductForm(meta=NO_CSRF)
    error = lines.reconduction_error(project, committee_today(committee))
    if request.method == "POST" and error is None:
        try:
            new = lines.reconduct(project)
            db.session.commit()
        except IntegrityError:  # another request reconducted it first (previous_project_id is unique)
            db.session.rollback()
            error = f"Le projet est déjà reconduit en {project.next_school_year}."
            return htmx.render("projects/reconduct.html", status=422, committee=committee,
                               project=_reload(project_id), form=form, error=error)  # fmt: skip
        flash(f"Le projet « {new.name} » est reconduit en {new.school_year} : écoles, partenaires et collectifs "
              "sont repris. Saisissez le démarrage de l'activité et la décision de la CAF de cette année.", "success")
        return htmx.redirect(url_for("projects.detail", slug=slug, project_id=new.id))
    status = 422 if request.method == "POST" else 200
    return htmx.render("projects/reconduct.html", status=status, committee=committee, project=project,
                       form=form, error=error)  # fmt: skip


@bp.post("/c/<slug>/projects/<int:project_id>/financing")
@login_required
def set_financing(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    form = _financing_form(formdata=request.form)
    if form.validate():
        kind = FinancingKind(form.kind.data)
        financings = lines.financings_of(project)
        current = lines.covering(financings, project.school_year)
        others = [f for f in financings if f is not current]
        errors = lines.financing_errors(kind, form.first_year.data, form.last_year.data, project.school_year, others)
        for name, message in errors.items():
            form[name].errors = [*form[name].errors, message]
        if not errors:
            changed = lines.set_financing(project, kind, form.first_year.data, form.last_year.data, current)
            db.session.commit()
            flash("Financement enregistré." if changed else "Aucune modification.", "success")
            return htmx.redirect(url_for("projects.detail", slug=slug, project_id=project.id) + "#financement")
    return _page(committee, project, status=422, financing_form=form)


@bp.post("/c/<slug>/projects/<int:project_id>/caf-decision")
@login_required
def set_caf_decision(slug: str, project_id: int):
    committee, project = _load_editable(slug, project_id)
    form = _caf_form(project, request.form)
    if form.validate():
        status = CafStatus(form.status.data) if form.status.data else None
        errors = lines.caf_decision_errors(project, status, form.deposited_on.data, form.decided_on.data)
        for name, message in errors.items():
            form[name].errors = [*form[name].errors, message]
        if not errors:
            changed = lines.set_caf_decision(project, status, form.deposited_on.data, form.decided_on.data)
            db.session.commit()
            flash(f"Décision de la CAF pour {project.school_year} enregistrée." if changed else "Aucune modification.",
                  "success")  # fmt: skip
            return htmx.redirect(url_for("projects.detail", slug=slug, project_id=project.id) + "#financement")
    return _page(committee, project, status=422, caf_form=form)
