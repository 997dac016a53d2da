"""Attendance, sign-in sheet and minutes of a meeting. Thin views: load, call a service, commit once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, flash, make_response, render_template, request
from flask_login import current_user, login_required

from clas_local import htmx, permissions
from clas_local.attendance import queries, services, signin_sheet
from clas_local.attendance.forms import MinutesForm, PersonForm, PresenceForm, UninvitedForm
from clas_local.attendance.models import Presence
from clas_local.attendance.panels import panel_context
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.loaders import load_committee, load_meeting, refuse
from clas_local.meetings.urls import meeting_url
from clas_local.spreadsheet import csv_response

bp = Blueprint("attendance", __name__)

MEETING = "/c/<slug>/meetings/<int:meeting_id>"


def _editable_meeting(slug: str, meeting_id: int, options=()):
    committee = load_committee(slug)
    return load_meeting(committee, meeting_id, allowed=permissions.can_edit_meeting, options=options)


def _row_html(meeting, row, **extra) -> str:
    return render_template(
        "attendance/_row.html", row=row, meeting=meeting, committee=meeting.committee, can_edit=True,
        can_record=services.can_record(meeting), **extra,
    )  # fmt: skip


def _summary_html(meeting) -> str:
    """The counts and the meeting's state, sent out of band beside a changed row (read before
    the commit: no reload), so the page header says « Tenue » as soon as the table does."""
    return render_template(
        "attendance/_summary.html", oob=True, summary=queries.attendance_summary(meeting), meeting=meeting,
        presence=Presence, can_edit=True,
    ) + render_template("meetings/_state.html", oob=True, meeting=meeting, now=utcnow())  # fmt: skip


def _changed_html(meeting, row_html: str) -> str:
    """The changed row and, for HTMX, the counts beside it.

    Rendered before the view commits (from the flushed state, which is what gets
    committed), so the response needs no second round of queries to reload expired objects."""
    return row_html + _summary_html(meeting) if htmx.is_fragment_request() else row_html


def _after_change(meeting, html: str, *, error: str | None = None, person_errors=None) -> Response:
    """HTMX gets the row (and the counts) only; a plain form post goes back to the meeting page."""
    if htmx.is_fragment_request():
        return htmx.fragment(html, 422 if (error or person_errors) else 200)
    if error or person_errors:
        flash(error or person_errors[0], "error")
    return htmx.redirect(meeting_url(meeting, "#attendance-panel"))


@bp.get(f"{MEETING}/attendance")
@login_required
def page(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, options=queries.sheet_options())
    # Always the whole page: the panel's changes come back row by row (or whole, for a first row).
    return render_template(
        "attendance/page.html", meeting_url=meeting_url(meeting), now=utcnow(), **panel_context(meeting, current_user)
    )


# The presence button that takes an organisation back to « non renseignée ».
CLEAR = "clear"


@bp.post(f"{MEETING}/attendance/partners/<int:partner_id>")
@login_required
def set_partner(slug: str, meeting_id: int, partner_id: int):
    meeting = _editable_meeting(slug, meeting_id)
    partner = queries.committee_partner(meeting, partner_id)
    if partner is None:
        refuse(404, f"Partner {partner_id}")
    invitations = queries.partner_invitations(meeting, partner)
    form = PresenceForm()
    error, attendance = None, None
    if request.form.get("presence") == CLEAR:
        try:
            services.clear_partner_presence(meeting, partner)
        except services.AttendanceError as exc:
            db.session.rollback()
            error = str(exc)
    elif form.validate():
        try:
            attendance = services.set_partner_presence(
                meeting, partner, Presence(form.presence.data), invited=bool(invitations)
            )
        except services.AttendanceError as exc:
            db.session.rollback()
            error = str(exc)
    else:
        error = "Choisissez présent, excusé ou absent."
    row = queries.partner_row(meeting, partner, invitations, attendance)
    html = _changed_html(meeting, _row_html(meeting, row, row_error=error))
    db.session.commit()
    return _after_change(meeting, html, error=error)


def _load_row(meeting, attendance_id: int):
    row = queries.attendance_row(meeting, attendance_id)
    if row is None:
        refuse(404, f"Attendance {attendance_id}")
    return row


@bp.post(f"{MEETING}/attendance/<int:attendance_id>/presence")
@login_required
def set_other(slug: str, meeting_id: int, attendance_id: int):
    meeting = _editable_meeting(slug, meeting_id)
    row = _load_row(meeting, attendance_id)
    form = PresenceForm()
    error = None
    if form.validate():
        try:
            services.set_presence(row.attendance, Presence(form.presence.data))
            db.session.flush()
        except services.AttendanceError as exc:
            db.session.rollback()
            error = str(exc)
            row = _load_row(meeting, attendance_id)
    else:
        error = "Choisissez présent, excusé ou absent."
    html = _changed_html(meeting, _row_html(meeting, row, row_error=error))
    db.session.commit()
    return _after_change(meeting, html, error=error)


@bp.post(f"{MEETING}/attendance/<int:attendance_id>/people")
@login_required
def add_person(slug: str, meeting_id: int, attendance_id: int):
    meeting = _editable_meeting(slug, meeting_id)
    row = _load_row(meeting, attendance_id)
    form = PersonForm()
    form.set_contacts(row.available_contacts)
    person_errors = None
    if form.validate():
        contact = next((c for c in row.available_contacts if c.id == form.contact_id.data), None)
        try:
            services.add_person(
                row.attendance, contact=contact, full_name=form.full_name.data or "", function=form.function.data or ""
            )
        except services.AttendanceError as exc:
            db.session.rollback()
            person_errors = [str(exc)]
            row = _load_row(meeting, attendance_id)
    else:
        person_errors = [e for name in ("contact_id", "full_name", "function") for e in form[name].errors] or [
            "Le formulaire a expiré : rechargez la page."
        ]
    html = _changed_html(meeting, _row_html(meeting, row, person_errors=person_errors))
    db.session.commit()
    return _after_change(meeting, html, person_errors=person_errors)


@bp.post(f"{MEETING}/attendance/people/<int:attendee_id>/delete")
@login_required
def remove_person(slug: str, meeting_id: int, attendee_id: int):
    meeting = _editable_meeting(slug, meeting_id)
    attendee = queries.load_attendee(meeting, attendee_id) or refuse(404, f"Attendee {attendee_id}")
    attendance_id = attendee.attendance_id
    error = None
    try:
        services.remove_person(attendee)
    except services.AttendanceError as exc:
        db.session.rollback()
        error = str(exc)
    row = _load_row(meeting, attendance_id)
    html = _changed_html(meeting, _row_html(meeting, row, row_error=error))
    db.session.commit()
    return _after_change(meeting, html, error=error)


@bp.route(f"{MEETING}/attendance/uninvited", methods=["GET", "POST"])
@login_required
def add_uninvited(slug: str, meeting_id: int):
    meeting = _editable_meeting(slug, meeting_id, options=queries.sheet_options())
    form = UninvitedForm(formdata=None) if request.method == "GET" else UninvitedForm()
    form.set_partners(queries.addable_partners(meeting))
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate():
            partner = queries.committee_partner(meeting, form.partner_id.data) if form.partner_id.data else None
            try:
                attendance = services.add_uninvited(
                    meeting,
                    partner=partner,
                    organisation_label=form.organisation_label.data or "",
                    full_name=form.full_name.data or "",
                    function=form.function.data or "",
                )
                db.session.commit()
            except services.AttendanceError as exc:
                db.session.rollback()
                form.organisation_label.errors.append(str(exc))
            else:
                return _added(meeting, attendance.id)
    response = htmx.render(
        "attendance/uninvited.html",
        "attendance/_uninvited_form.html",
        status=status,
        meeting=meeting,
        committee=meeting.committee,
        form=form,
        meeting_url=meeting_url(meeting),
    )
    if status == 422 and htmx.is_fragment_request():
        # The form posts into the whole panel; its errors go back into the form only.
        htmx.retarget(response, "#attendance-uninvited")
    return response


def _added(meeting, attendance_id: int) -> Response:
    """HTMX: the new row, appended to the table, with the counts and the « Ajouter » button back."""
    if not htmx.is_fragment_request():
        flash("Organisation ajoutée aux présents.", "success")
        return htmx.redirect(meeting_url(meeting, "#attendance-panel"))
    summary = queries.attendance_summary(meeting)
    if not meeting.invitations and sum(summary.counts.values()) == 1:
        # The panel had no table yet: send it whole.
        context = panel_context(meeting, current_user)
        html = render_template("attendance/_attendance.html", **context) + render_template(
            "meetings/_state.html", oob=True, meeting=meeting, now=utcnow()
        )  # the header's state too: the meeting is « tenue » now
        return htmx.retarget(htmx.fragment(html), "#attendance-panel")
    context = {"meeting": meeting, "committee": meeting.committee, "presence": Presence, "can_edit": True,
               "can_record": True}
    html = (
        _row_html(meeting, _load_row(meeting, attendance_id))
        + render_template("attendance/_summary.html", oob=True, summary=summary, **context)
        + render_template("meetings/_state.html", oob=True, now=utcnow(), **context)
        + render_template("attendance/_uninvited_button.html", oob=True, **context)
    )
    return htmx.fragment(html)


@bp.post(f"{MEETING}/attendance/<int:attendance_id>/delete")
@login_required
def remove_attendance(slug: str, meeting_id: int, attendance_id: int):
    meeting = _editable_meeting(slug, meeting_id, options=queries.sheet_options())
    attendance = queries.load_attendance(meeting, attendance_id) or refuse(404, f"Attendance {attendance_id}")
    try:
        services.remove_attendance(attendance)
    except services.AttendanceError as exc:
        db.session.rollback()
        if htmx.is_fragment_request():
            row = _load_row(meeting, attendance_id)
            html = _changed_html(meeting, _row_html(meeting, row, row_error=str(exc)))
            db.session.commit()
            return _after_change(meeting, html, error=str(exc))
        flash(str(exc), "error")
        return htmx.redirect(meeting_url(meeting, "#attendance-panel"))
    # HTMX: the row goes (an empty swap), the counts follow.
    html = _changed_html(meeting, "")
    db.session.commit()
    return _after_change(meeting, html)


@bp.post(f"{MEETING}/minutes/send")
@login_required
def send_minutes(slug: str, meeting_id: int):
    """E-mail the compte rendu to the participants (invited by name, or present as known contacts)."""
    meeting = _editable_meeting(slug, meeting_id)
    link = current_app.config["BASE_URL"] + meeting_url(meeting, "#minutes-section")
    try:
        records = services.send_minutes(meeting, queries.meeting_minutes(meeting), link)
    except services.AttendanceError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        count = len(records)
        flash(f"Compte rendu envoyé à {count} participant{'s' if count > 1 else ''}.", "success")
    return htmx.redirect(meeting_url(meeting, "#minutes-section"))


@bp.get(f"{MEETING}/attendance.csv", endpoint="export_csv")
@login_required
def attendance_csv(slug: str, meeting_id: int):
    """Who was invited, who answered, who came, and who was there: one line per organisation."""
    meeting = _editable_meeting(slug, meeting_id, options=queries.sheet_options())
    sheet = queries.attendance_sheet(meeting)
    rows = (
        (
            row.organisation_name,
            "oui" if row.invited else "non",
            row.answer.label if row.answer else "",
            row.presence.label if row.presence else "Non renseignée",
            ", ".join(person.display_name + (f" ({person.function})" if person.function else "") for person in row.people),
        )
        for row in sheet.rows
    )
    header = ["Organisation", "Invitée", "Réponse à l'invitation", "Présence", "Personnes présentes"]
    day = meeting.starts_at.astimezone(ZoneInfo(meeting.committee.timezone)).date().isoformat()
    return csv_response(f"presences-{meeting.kind.value}-{day}.csv", header, rows)


# -- sign-in sheet -----------------------------------------------------------------------


@bp.get(f"{MEETING}/emargement.pdf", endpoint="signin_sheet")
@login_required
def signin_sheet_pdf(slug: str, meeting_id: int):
    meeting = _editable_meeting(slug, meeting_id, options=queries.sheet_options())
    response = make_response(signin_sheet.render_pdf(meeting))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{signin_sheet.filename(meeting)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# -- minutes -----------------------------------------------------------------------------


@bp.get(f"{MEETING}/minutes")
@login_required
def minutes(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id)
    return htmx.render(
        "attendance/minutes.html",
        "attendance/_minutes.html",
        meeting=meeting,
        committee=committee,
        minutes=queries.meeting_minutes(meeting),
        can_edit=permissions.can_edit_meeting(current_user, meeting),
        reminder=services.CHILDREN_REMINDER,
        meeting_url=meeting_url(meeting),
    )


@bp.route(f"{MEETING}/minutes/edit", methods=["GET", "POST"])
@login_required
def edit_minutes(slug: str, meeting_id: int):
    meeting = _editable_meeting(slug, meeting_id)
    current = queries.meeting_minutes(meeting)
    form = MinutesForm()
    if request.method == "GET":
        form.body.data = current.body if current and current.body.strip() else services.minutes_template(meeting.kind)
    elif form.validate():
        services.save_minutes(meeting, form.body.data or "", current_user)
        db.session.commit()
        if htmx.is_fragment_request():
            return htmx.render(
                "attendance/minutes.html",
                "attendance/_minutes.html",
                meeting=meeting,
                committee=meeting.committee,
                minutes=queries.meeting_minutes(meeting),
                can_edit=True,
                reminder=services.CHILDREN_REMINDER,
                meeting_url=meeting_url(meeting),
            )
        flash("Compte rendu enregistré.", "success")
        return htmx.redirect(meeting_url(meeting, "#minutes-section"))
    return htmx.render(
        "attendance/minutes_edit.html",
        "attendance/_minutes_form.html",
        status=422 if form.errors else 200,
        meeting=meeting,
        committee=meeting.committee,
        form=form,
        reminder=services.CHILDREN_REMINDER,
        meeting_url=meeting_url(meeting),
    )
