"""Meeting pages: the list with its filters, a meeting, plan / change / cancel."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, request, url_for
from flask_login import current_user, login_required

from clas_local import htmx, i18n, panels, permissions
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.holidays.queries import periods_of
from clas_local.loaders import load_committee, load_meeting, load_project
from clas_local.meetings import queries, services
from clas_local.meetings.forms import CancelForm, MeetingForm
from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind
from clas_local.school_year import calendar_warnings, committee_today, current_school_year, school_year_of
from clas_local.spreadsheet import csv_response
from clas_local.url_numbers import page_number, parse_id

bp = Blueprint("meetings", __name__)


# -- list ----------------------------------------------------------------------------------


@bp.get("/c/<slug>/meetings")
@login_required
def index(slug: str):
    committee = load_committee(slug)
    filters = queries.MeetingFilters.from_args(request.args)
    now = utcnow()
    results = queries.meeting_page(current_user, committee, filters, now, page_number())
    months = queries.meeting_months(current_user, committee)
    return htmx.render(
        "meetings/index.html",
        "meetings/_results.html",
        committee=committee,
        filters=filters,
        results=results,
        now=now,
        kinds=list(MeetingKind),
        statuses=list(MeetingStatus),
        when_choices=queries.WHEN_CHOICES,
        months=months,
        school_years=queries.school_years_of(months),
        projects=queries.filter_projects(current_user, committee),
        can_plan=permissions.can_plan_meetings(current_user, committee),
        month_label=lambda month: i18n.month_label(int(month[:4]), int(month[5:])),
    )


@bp.get("/c/<slug>/meetings/export.csv")
@login_required
def export_csv(slug: str):
    """The meeting list (its filters too) for a spreadsheet, each with its state as the pages say it."""
    committee = load_committee(slug)
    filters = queries.MeetingFilters.from_args(request.args)
    now = utcnow()
    tz = committee.timezone
    meetings = db.session.scalars(queries.meeting_list(current_user, committee, filters, now))
    rows = (
        (
            i18n.format_day(i18n.local(meeting.starts_at, tz).date()),
            i18n.format_time(i18n.local(meeting.starts_at, tz)),
            i18n.format_time(i18n.local(meeting.ends_at, tz)),
            meeting.display_title,
            meeting.kind.label,
            meeting.project.name if meeting.project else "Comité local",
            meeting.project.school_year if meeting.project else "",
            meeting.place or ("En ligne" if meeting.online_url else ""),
            meeting.state(now).label,
        )
        for meeting in meetings
    )
    header = ["Date", "Début", "Fin", "Réunion", "Type", "Projet", "Année scolaire", "Lieu", "État"]
    return csv_response(f"reunions-{committee.slug}-{committee_today(committee).isoformat()}.csv", header, rows)


# -- a meeting -----------------------------------------------------------------------------


def _periods(meeting):
    """The holidays the host entered for the meeting's school year, if the package does not know it."""
    tz = ZoneInfo(meeting.committee.timezone or "Europe/Paris")
    return periods_of(meeting.committee, school_year_of(meeting.starts_at.astimezone(tz).date()))


@bp.get("/c/<slug>/meetings/<int:meeting_id>")
@login_required
def detail(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, options=queries.meeting_page_options())
    warnings = []
    if meeting.status is MeetingStatus.PLANNED:
        warnings = calendar_warnings(meeting.starts_at, committee, project=meeting.project, periods=_periods(meeting))
    return htmx.render(
        "meetings/detail.html",
        committee=committee,
        meeting=meeting,
        now=utcnow(),
        warnings=warnings,
        invited=[inv for inv in meeting.invitations if inv.contact_id is None],
        can_edit=permissions.can_edit_meeting(current_user, meeting),
        cancel_form=CancelForm(),
        panels=panels.panels("meeting", meeting, current_user),
    )


# -- plan, change, cancel ------------------------------------------------------------------


def _form(committee, *, project=None, meeting=None, formdata=None) -> MeetingForm:
    this_year = current_school_year(committee)
    first = int(this_year[:4])
    years = (f"{first - 1}-{first}", this_year, f"{first + 1}-{first + 2}")
    projects = queries.plannable_projects(current_user, committee, years, keep=project)
    partners = queries.invitable_partners(committee, project, meeting)
    kwargs = {} if formdata is None else {"formdata": formdata}
    return MeetingForm(
        committee=committee,
        projects=projects,
        partners=partners,
        allow_no_project=permissions.can_create_meeting(current_user, committee, None),
        **kwargs,
    )


def _form_response(committee, form: MeetingForm, meeting=None, window=None):
    status = 422 if form.errors else 200
    return htmx.render(
        "meetings/form.html",
        "meetings/_form.html",
        status=status,
        committee=committee,
        form=form,
        meeting=meeting,
        window=window,
        education_nationale=PartnerKind.EDUCATION_NATIONALE,
    )


def _flash_warnings(meeting) -> None:
    for warning in calendar_warnings(meeting.starts_at, meeting.committee, project=meeting.project, periods=_periods(meeting)):
        flash(f"Attention : {warning}", "warning")


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.route("/c/<slug>/meetings/new", methods=["GET", "POST"])
@login_required
def create(slug: str):
    committee = load_committee(slug, permissions.can_plan_meetings)
    project_id = parse_id(request.values.get("project"))
    project = None
    if project_id is not None:
        project = load_project(committee, project_id, permissions.can_edit_project)
    form = _form(committee, project=project, formdata=request.form if request.method == "POST" else None)
    window = None
    if request.method == "GET":
        kind = request.args.get("kind")
        if project is not None:
            suggested = [school.partner_id for school in project.schools]
        else:
            suggested = [p.id for p in form.partner_options if p.kind is PartnerKind.EDUCATION_NATIONALE]
            kind = kind or MeetingKind.COMITE_LOCAL.value
        form.prefill(
            kind=kind,
            project_id=str(project.id) if project else None,
            day=_parse_day(request.args.get("day")),
            partner_ids=suggested,
        )
        window = (_parse_day(request.args.get("from")), _parse_day(request.args.get("to")))
        window = window if all(window) else None
    if form.validate_on_submit():
        values = form.service_values()
        if not permissions.can_create_meeting(current_user, committee, values["project"]):
            form.project.errors.append("Vous ne pouvez planifier que les réunions de vos projets.")
        else:
            try:
                meeting = services.create_meeting(
                    committee, **values, partner_ids=form.partners.data or [], created_by=current_user
                )
            except services.MeetingError as exc:
                form.day.errors.append(str(exc))
            else:
                db.session.commit()
                flash(f"Réunion « {meeting.display_title} » planifiée.", "success")
                _flash_warnings(meeting)
                return htmx.redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
    return _form_response(committee, form, window=window)


@bp.route("/c/<slug>/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting, options=queries.meeting_page_options())
    if meeting.status is MeetingStatus.CANCELLED:
        flash("Cette réunion est annulée : elle ne peut plus être modifiée.", "warning")
        return htmx.redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
    form = _form(committee, project=meeting.project, meeting=meeting,
                 formdata=request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.fill_from(meeting)
    if form.validate_on_submit():
        values = form.service_values()
        if values["project"] is not meeting.project and not permissions.can_create_meeting(
            current_user, committee, values["project"]
        ):
            form.project.errors.append("Vous ne pouvez rattacher la réunion qu'à vos projets.")
        else:
            try:
                material = services.update_meeting(meeting, partner_ids=form.partners.data or [], **values)
            except services.MeetingError as exc:
                form.day.errors.append(str(exc))
            else:
                db.session.commit()
                flash(
                    "Réunion modifiée : les agendas des invités seront mis à jour."
                    if material
                    else "Réunion enregistrée.",
                    "success",
                )
                if material:
                    _flash_warnings(meeting)
                return htmx.redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
    return _form_response(committee, form, meeting=meeting)


@bp.post("/c/<slug>/meetings/<int:meeting_id>/cancel")
@login_required
def cancel(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            services.cancel_meeting(meeting, form.reason.data or "")
        except services.MeetingError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Réunion annulée : elle reste dans l'historique et les agendas l'affichent comme annulée.", "success")
    else:
        flash("Le motif est trop long (500 caractères au plus).", "error")
    return htmx.redirect(url_for("meetings.detail", slug=slug, meeting_id=meeting.id))
