"""The hosts' outbox: every recorded message (queued, sent, failed), « Renvoyer » for failures,
and the raw .eml of each (what the outbox folder holds when no SMTP server is configured)."""

from __future__ import annotations

import logging

from flask import Blueprint, current_app, flash, make_response, request, url_for
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from clas_local import htmx, permissions
from clas_local.extensions import db
from clas_local.loaders import load_committee, refuse
from clas_local.mail import services
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.url_numbers import paginate

bp = Blueprint("mail", __name__)
log = logging.getLogger(__name__)

PER_PAGE = 50
LIST_COLUMNS = (
    OutgoingMessage.id,
    OutgoingMessage.kind,
    OutgoingMessage.status,
    OutgoingMessage.recipient,
    OutgoingMessage.subject,
    OutgoingMessage.attempts,
    OutgoingMessage.last_error,
    OutgoingMessage.created_at,
    OutgoingMessage.sent_at,
    OutgoingMessage.meeting_id,
)


@bp.after_app_request
def deliver_committed_messages(response):
    """Messages queued by any view (e.g. a meeting edit) leave once its transaction is committed."""
    try:
        services.send_committed()
    except Exception:  # delivery must never turn a saved change into an error page
        log.exception("Delivering committed messages failed; they stay queued for send-pending")
        db.session.rollback()
    return response


def _status_filter() -> MessageStatus | None:
    value = request.args.get("statut", "")
    return MessageStatus(value) if value in {s.value for s in MessageStatus} else None


@bp.get("/c/<slug>/mail")
@login_required
def outbox(slug: str):
    committee = load_committee(slug, permissions.can_manage_committee)
    status = _status_filter()
    query = (
        select(OutgoingMessage)
        .where(OutgoingMessage.committee_id == committee.id)
        .options(load_only(*LIST_COLUMNS))
        .order_by(OutgoingMessage.id.desc())
    )
    if status is not None:
        query = query.where(OutgoingMessage.status == status)
    page = paginate(query, PER_PAGE)
    counts = dict(
        db.session.execute(
            select(OutgoingMessage.status, func.count())
            .where(OutgoingMessage.committee_id == committee.id)
            .group_by(OutgoingMessage.status)
        ).all()
    )
    return htmx.render(
        "mail/outbox.html",
        "mail/_outbox.html",
        committee=committee,
        messages=page,
        current_status=status,
        counts={s: counts.get(s, 0) for s in MessageStatus},
        statuses=list(MessageStatus),
        smtp=bool(current_app.config.get("MAIL_SERVER")),
        status_labels=status_labels(bool(current_app.config.get("MAIL_SERVER"))),
        outbox_folder=current_app.config["OUTBOX_FOLDER"],
    )


def status_labels(smtp: bool) -> dict[MessageStatus, str]:
    """Without an SMTP server, a « sent » message was only written to the outbox folder: the
    page says so rather than « Envoyé »."""
    labels = {status: status.label for status in MessageStatus}
    if not smtp:
        labels[MessageStatus.SENT] = "Écrit dans le dossier, non envoyé"
    return labels


def _load_message(committee, message_id: int) -> OutgoingMessage:
    message = db.session.scalar(
        select(OutgoingMessage).where(OutgoingMessage.id == message_id, OutgoingMessage.committee_id == committee.id)
    )
    if message is None:
        refuse(404, f"OutgoingMessage {message_id}")
    return message


@bp.post("/c/<slug>/mail/<int:message_id>/resend")
@login_required
def resend(slug: str, message_id: int):
    committee = load_committee(slug, permissions.can_manage_committee)
    message = _load_message(committee, message_id)
    try:
        services.requeue(message)
    except ValueError as exc:
        flash(str(exc), "error")
        return htmx.redirect(url_for("mail.outbox", slug=slug))
    db.session.commit()
    services.send_committed()
    if message.status is MessageStatus.SENT:
        flash(f"Message renvoyé à {message.recipient}.", "success")
    else:
        flash(f"Le renvoi à {message.recipient} a encore échoué : {message.last_error}", "error")
    return htmx.redirect(url_for("mail.outbox", slug=slug, statut=request.args.get("statut") or None))


@bp.get("/c/<slug>/mail/<int:message_id>.eml")
@login_required
def download(slug: str, message_id: int):
    """The message exactly as sent (or as written to the outbox folder)."""
    committee = load_committee(slug, permissions.can_manage_committee)
    message = _load_message(committee, message_id)
    if not message.readable_by_hosts:
        refuse(403, f"OutgoingMessage {message_id}: personal password link")
    response = make_response(message.raw)
    response.headers["Content-Type"] = "message/rfc822"
    response.headers["Content-Disposition"] = f'attachment; filename="message-{message.id:08d}.eml"'
    response.headers["Cache-Control"] = "no-store"
    from clas_local.security import mark_download

    return mark_download(response)
