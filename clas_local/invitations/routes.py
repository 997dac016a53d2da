"""Invitations: e-mail the contacts of a meeting, answers (link, own page, organiser), reminders.

Importing this module (the app factory does) connects the meeting_changed receiver in
services, so that updates and cancellations are e-mailed whichever view made them.
"""

from __future__ import annotations

from flask import Blueprint, Response, flash, make_response, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clas_local import htmx, permissions
from clas_local.db import utcnow
from clas_local.errors import render_error
from clas_local.extensions import db
from clas_local.forms import choices
from clas_local.i18n import of, plural
from clas_local.invitations import itip, queries, services, tokens
from clas_local.invitations.forms import AnswerForm, SendInvitationsForm
from clas_local.invitations.models import AnswerChannel, Invitation
from clas_local.invitations.panels import answers_context, meeting_panel, organiser_answer_form
from clas_local.loaders import load_committee, load_meeting, refuse
from clas_local.mail import services as mail
from clas_local.mail.models import OutgoingMessage
from clas_local.meetings.models import Meeting, MeetingStatus
from clas_local.meetings.urls import meeting_url

bp = Blueprint("invitations", __name__)


@bp.app_template_global("invitation_title")
def invitation_title(meeting) -> str:
    """« Réunion de suivi » for a meeting without its own title."""
    from clas_local.invitations.messages import meeting_title

    return meeting_title(meeting)

PANEL = "invitations/_meeting_panel.html"


def _panel_response(meeting: Meeting, *, status: int = 200, notice: str | None = None, **forms) -> Response:
    context = meeting_panel(meeting, current_user, notice=notice, **forms)
    return htmx.fragment(render_template(PANEL, panel={"context": context}), status)


def _after_action(meeting: Meeting, notice: str, *, error: bool = False, status: int = 200, **forms) -> Response:
    """HTMX: the refreshed panel (notice in a live region); without JavaScript: back to the meeting page."""
    if htmx.is_fragment_request():
        return _panel_response(meeting, status=status, notice=notice, **forms)
    flash(notice, "error" if error else "success")
    return htmx.redirect(meeting_url(meeting, "#invitations-panel"))


def _commit_and_deliver() -> None:
    db.session.commit()
    mail.send_committed()


# -- the meeting page's panel ------------------------------------------------------------------


@bp.get("/c/<slug>/meetings/<int:meeting_id>/invitations")
@login_required
def panel(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id)
    if not htmx.is_fragment_request():
        return htmx.redirect(meeting_url(meeting, "#invitations-panel"))
    return _panel_response(meeting)


@bp.get("/c/<slug>/meetings/<int:meeting_id>/invitations/answers")
@login_required
def answers(slug: str, meeting_id: int):
    """Polled by the meeting page: 204 (nothing to swap) while no answer or message changed."""
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id)
    if not htmx.is_fragment_request():
        return htmx.redirect(meeting_url(meeting, "#invitations-panel"))
    if request.args.get("v") == queries.answers_version(meeting.id):
        return htmx.fragment("", 204)
    return htmx.fragment(render_template("invitations/_answers.html", **answers_context(meeting, current_user)))


@bp.post("/c/<slug>/meetings/<int:meeting_id>/invitations/send")
@login_required
def send(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting)
    form = SendInvitationsForm()
    form.contacts.choices = choices((contact_id, str(contact_id)) for contact_id in _invitable_contact_ids(meeting))
    if not form.validate_on_submit():
        return _after_action(
            meeting, "Choisissez au moins un contact à inviter.", error=True, status=422, send_form=form
        )
    try:
        records = services.invite_contacts(meeting, form.contacts.data)
    except services.InvitationError as exc:
        db.session.rollback()
        form.contacts.errors = [str(exc)]
        return _after_action(meeting, str(exc), error=True, status=422, send_form=form)
    _commit_and_deliver()
    if records:
        notice = f"Invitation envoyée à {len(records)} contacts." if len(records) > 1 else "Invitation envoyée."
    else:
        notice = "Ces contacts ont déjà reçu la dernière version de l'invitation."
    return _after_action(meeting, notice)


def _invitable_contact_ids(meeting: Meeting) -> list[int]:
    ids = []
    for invitation in queries.meeting_invitations(meeting.id):
        if invitation.contact_id is None:
            ids.extend(contact.id for contact in invitation.partner.contacts)
    return ids


@bp.post("/c/<slug>/meetings/<int:meeting_id>/invitations/answer")
@login_required
def record_answer(slug: str, meeting_id: int):
    """An answer the organiser received by phone (or by any other way)."""
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting)
    context = answers_context(meeting, current_user)
    form = organiser_answer_form(context["organisations"], formdata=request.form)
    if not form.validate_on_submit():
        return _after_action(
            meeting, "La réponse n'a pas été enregistrée : corrigez le formulaire.", error=True, status=422,
            answer_form=form,
        )
    invitation = db.session.get(Invitation, form.invitation_id.data)
    services.record_answer(invitation, form.answer.data, AnswerChannel.ORGANISER, form.comment.data or "")
    db.session.commit()
    who = invitation.contact.display_name if invitation.contact is not None else invitation.partner.name
    return _after_action(meeting, f"Réponse {of(who)} enregistrée : {invitation.answer.label}.")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/invitations/remind")
@login_required
def remind(slug: str, meeting_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting)
    if meeting.status is not MeetingStatus.PLANNED:
        return _after_action(meeting, "Cette réunion n'est plus à venir : pas de relance.", error=True, status=422)
    records = services.send_reminders(meeting=meeting).records
    _commit_and_deliver()
    if not records:
        return _after_action(meeting, "Personne à relancer : chacun a répondu ou a déjà été relancé.")
    return _after_action(meeting, f"Relance envoyée à {plural(len(records), 'contact')} sans réponse ou à reconfirmer.")


@bp.post("/c/<slug>/meetings/<int:meeting_id>/messages/<int:message_id>/resend")
@login_required
def resend(slug: str, meeting_id: int, message_id: int):
    committee = load_committee(slug)
    meeting = load_meeting(committee, meeting_id, permissions.can_edit_meeting)
    outgoing = db.session.scalar(
        select(OutgoingMessage).where(OutgoingMessage.id == message_id, OutgoingMessage.meeting_id == meeting.id)
    )
    if outgoing is None:
        refuse(404, f"OutgoingMessage {message_id}")
    try:
        mail.requeue(outgoing)
    except ValueError as exc:
        return _after_action(meeting, str(exc), error=True, status=422)
    _commit_and_deliver()
    if outgoing.status.value == "sent":
        return _after_action(meeting, f"Message renvoyé à {outgoing.recipient}.")
    return _after_action(
        meeting, f"Le renvoi à {outgoing.recipient} a encore échoué : {outgoing.last_error}", error=True
    )


# -- the answer link (no account) ---------------------------------------------------------------


def _rsvp_refused(refusal: tokens.RsvpRefusal):
    return render_error(refusal.status, refusal.message, refusal.title)


def _private(response: Response) -> Response:
    # The token is a secret: no cache, no Referer to the meeting's online link, no indexing.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
def rsvp(token: str):
    """GET shows the meeting and the current answer and changes nothing (mail scanners follow
    links); POST records the answer."""
    try:
        invitation = tokens.resolve(token)
    except tokens.RsvpRefusal as refusal:
        return _rsvp_refused(refusal)
    meeting = invitation.meeting
    open_for_answers = meeting.open_for_answers(utcnow())
    form = AnswerForm(formdata=request.form if request.method == "POST" else None)
    if request.method == "GET" and invitation.answer.value != "pending":
        form.answer.data = invitation.answer.value
        form.comment.data = invitation.comment
    status = 200
    if request.method == "POST":
        if not open_for_answers:
            status = 409
        elif form.validate_on_submit():
            services.record_answer(invitation, form.answer.data, AnswerChannel.LINK, form.comment.data or "")
            db.session.commit()
            flash("Merci, votre réponse est enregistrée.", "success")
            response = htmx.redirect(url_for("invitations.rsvp", token=token))
            return _private(response)
        else:
            status = 422
    response = make_response(
        render_template(
            "invitations/rsvp.html",
            invitation=invitation,
            meeting=meeting,
            committee=None,
            meeting_committee=meeting.committee,
            timezone=meeting.committee.timezone,
            form=form,
            token=token,
            open_for_answers=open_for_answers,
        ),
        status,
    )
    return _private(response)


@bp.get("/rsvp/<token>/reunion.ics")
def rsvp_calendar(token: str):
    try:
        invitation = tokens.resolve(token)
    except tokens.RsvpRefusal as refusal:
        return _rsvp_refused(refusal)
    meeting = invitation.meeting
    body = itip.invitation_calendar(meeting, [invitation], itip.PUBLISH)
    response = make_response(body)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8; method=PUBLISH"
    response.headers["Content-Disposition"] = 'attachment; filename="reunion.ics"'
    return _private(response)


# -- a school's own list -----------------------------------------------------------------------


def _school_partner_id(committee) -> int:
    member = permissions.membership(current_user, committee)
    if member is None or member.partner_id is None or not permissions.can_answer_for_school(current_user, committee):
        refuse(403, f"committee {committee.slug}: can_answer_for_school")
    return member.partner_id


def _school_rows(committee, partner_id: int) -> list[dict]:
    """One row per meeting: the invitation the user answers (their own contact row, else the school's)."""
    email = (current_user.email or "").lower()
    rows: dict[int, dict] = {}
    for invitation in db.session.scalars(queries.school_invitations(committee.id, partner_id)).unique():
        row = rows.setdefault(invitation.meeting_id, {"meeting": invitation.meeting, "invitation": None})
        own = invitation.contact is not None and (invitation.contact.email or "").lower() == email
        if invitation.contact_id is None and row["invitation"] is None or own:
            row["invitation"] = invitation
    return [row for row in rows.values() if row["invitation"] is not None]


@bp.get("/c/<slug>/mes-invitations")
@login_required
def my_invitations(slug: str):
    committee = load_committee(slug)
    partner_id = _school_partner_id(committee)
    now = utcnow()
    rows = _school_rows(committee, partner_id)
    upcoming = [r for r in rows if r["meeting"].ends_at >= now]
    past = [r for r in rows if r["meeting"].ends_at < now][::-1]
    for row in upcoming:
        row["form"] = _school_form(row["invitation"])
    return render_template(
        "invitations/my_invitations.html",
        committee=committee,
        upcoming=upcoming,
        past=past,
        timezone=committee.timezone,
    )


def _school_form(invitation: Invitation, formdata=None) -> AnswerForm:
    form = AnswerForm(formdata=formdata, prefix=f"inv{invitation.id}")
    if formdata is None and invitation.answer.value != "pending":
        form.answer.data = invitation.answer.value
        form.comment.data = invitation.comment
    return form


@bp.post("/c/<slug>/mes-invitations/<int:invitation_id>")
@login_required
def answer_as_school(slug: str, invitation_id: int):
    committee = load_committee(slug)
    _school_partner_id(committee)
    invitation = db.session.scalar(
        select(Invitation)
        .join(Meeting, Invitation.meeting_id == Meeting.id)
        .where(Invitation.id == invitation_id, Meeting.committee_id == committee.id)
        .options(joinedload(Invitation.meeting), joinedload(Invitation.contact))
    )
    if invitation is None or not permissions.can_view_meeting(current_user, invitation.meeting):
        refuse(404, f"Invitation {invitation_id}")
    if not permissions.can_answer_invitation(current_user, invitation):
        refuse(403, f"Invitation {invitation_id}: can_answer_invitation")
    meeting = invitation.meeting
    form = _school_form(invitation, formdata=request.form)
    row = {"meeting": meeting, "invitation": invitation, "form": form}
    status = 200
    notice = None
    if not meeting.open_for_answers(utcnow()):
        notice, status = "Cette réunion n'attend plus de réponse.", 409
    elif form.validate_on_submit():
        services.record_answer(invitation, form.answer.data, AnswerChannel.PAGE, form.comment.data or "")
        db.session.commit()
        notice = f"Réponse enregistrée : {invitation.answer.label}."
        row["form"] = _school_form(invitation)
    else:
        status = 422
    if not htmx.is_fragment_request():
        if status == 200:
            flash(notice, "success")
            return htmx.redirect(url_for("invitations.my_invitations", slug=slug))
        flash(notice or "Choisissez votre réponse.", "error")
        return htmx.redirect(url_for("invitations.my_invitations", slug=slug))
    return htmx.fragment(
        render_template(
            "invitations/_my_invitation.html", row=row, committee=committee, timezone=committee.timezone, notice=notice
        ),
        status,
    )

