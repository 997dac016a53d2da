"""Recording and delivering e-mail.

Every message is built once and stored (queued) in the same transaction as the
change that caused it, so nothing is lost if delivery fails; `deliver_pending()`
then sends over SMTP (MAIL_SERVER) or, without a server, writes .eml files into
the outbox folder. A page never waits on a slow SMTP server for long: delivery
has a short timeout and failures are kept with their error for « Renvoyer ».
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Iterable
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from pathlib import Path

from flask import current_app, g, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.mail.headers import set_common_headers
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.text import one_line

log = logging.getLogger(__name__)

# Errors that mean "this attempt failed", never a crash of the page that sent it.
DELIVERY_ERRORS = (OSError, smtplib.SMTPException)


def sender_parts(committee=None) -> tuple[str, str]:
    """(name, address) of the sender: the committee's own address, else MAIL_DEFAULT_SENDER."""
    address = (committee.sender_email if committee is not None else None) or current_app.config["MAIL_DEFAULT_SENDER"]
    return (one_line(committee.name) if committee is not None else "Clas Local", address)


def sender_address(committee=None) -> str:
    return formataddr(sender_parts(committee))


def build_message(recipient: str, subject: str, text: str, html: str | None = None, committee=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address(committee)
    message["To"] = recipient
    set_common_headers(message, subject)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def queue(message: EmailMessage, kind: MessageKind, *, committee=None, meeting=None, invitation=None) -> OutgoingMessage:
    record = OutgoingMessage(
        committee_id=committee.id if committee is not None else None,
        meeting_id=meeting.id if meeting is not None else None,
        invitation_id=invitation.id if invitation is not None else None,
        kind=kind,
        # The bare address for the SMTP envelope, even when To: carries the person's name.
        recipient=parseaddr(str(message["To"]))[1] or str(message["To"]),
        subject=str(message["Subject"]),
        raw=message.as_bytes(policy=policy.SMTP),  # CRLF line ends, as sent on the wire
    )
    db.session.add(record)
    db.session.flush()
    return record


def deliver(record: OutgoingMessage) -> bool:
    """Try to send one queued or failed message; record the outcome. Returns success."""
    record.attempts += 1
    try:
        if current_app.config.get("MAIL_SERVER"):
            _send_smtp(record)
        else:
            _write_to_outbox(record)
    except DELIVERY_ERRORS as exc:
        _failed(record, exc)
        return False
    _sent(record)
    return True


def deliver_pending(limit: int = 500, *, include_failed: bool = False) -> tuple[int, int]:
    """Send what is queued (and what failed, with include_failed). Returns (sent, failed)."""
    statuses = [MessageStatus.QUEUED] + ([MessageStatus.FAILED] if include_failed else [])
    records = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.status.in_(statuses), OutgoingMessage.recipient != "")  # "": anonymised
        .order_by(OutgoingMessage.id)
        .limit(limit)
    ).all()
    return deliver_many(records, budget_seconds=None)


def deliver_many(records: Iterable[OutgoingMessage], *, budget_seconds: float | None = None) -> tuple[int, int]:
    """Send several messages over one SMTP connection. Returns (sent, failed).

    With a time budget (pages use one), the messages not tried before it runs out
    stay queued for `clas send-pending`: a slow server never holds a page for long.
    A connection that cannot be opened fails every message with its error, so that
    the organiser sees « Renvoyer » rather than a silent queue.
    """
    records = list(records)
    if not records:
        return 0, 0
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        sent = sum(deliver(record) for record in records)
        return sent, len(records) - sent
    deadline = None if budget_seconds is None else time.monotonic() + budget_seconds
    sent = failed = 0
    try:
        smtp = _connect()
    except DELIVERY_ERRORS as exc:
        for record in records:
            _failed(record, exc)
        return 0, len(records)
    try:
        for index, record in enumerate(records):
            if deadline is not None and time.monotonic() > deadline:
                break
            record.attempts += 1
            try:
                smtp.sendmail(config["MAIL_DEFAULT_SENDER"], [record.recipient], record.raw)
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
                # This message is refused; the connection is still good for the next ones.
                _failed(record, exc)
                failed += 1
                continue
            except DELIVERY_ERRORS as exc:
                # The connection broke: this message and the untried ones failed.
                _failed(record, exc)
                for rest in records[index + 1 :]:
                    rest.attempts += 1
                    _failed(rest, exc)
                failed += len(records) - index
                break
            _sent(record)
            sent += 1
    finally:
        try:
            smtp.quit()
        except DELIVERY_ERRORS:
            smtp.close()
    return sent, failed


def requeue(record: OutgoingMessage) -> OutgoingMessage:
    """« Renvoyer »: a failed message goes back to the queue; the same bytes leave after the commit."""
    from clas_local.audit.services import record as audit

    if record.status is not MessageStatus.FAILED:
        raise ValueError("Seul un message en échec peut être renvoyé.")
    if not record.recipient:
        raise ValueError("Le destinataire de ce message a été anonymisé : il ne peut pas être renvoyé.")
    record.status = MessageStatus.QUEUED
    # The message by its number: the log must not keep a contact's address (see partners/erasure.py).
    audit(
        "mail.resent",
        record,
        committee_id=record.committee_id,
        summary=f"Renvoi du message n° {record.id} ({record.kind.label}) : {record.subject}"[:500],
    )
    db.session.flush()
    deliver_after_commit([record])
    return record


def _failed(record: OutgoingMessage, exc: BaseException) -> None:
    record.status = MessageStatus.FAILED
    record.last_error = f"{type(exc).__name__}: {exc}"[:2000]


def _sent(record: OutgoingMessage) -> None:
    record.status = MessageStatus.SENT
    record.sent_at = utcnow()
    record.last_error = ""


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"])
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


def _send_smtp(record: OutgoingMessage) -> None:
    smtp = _connect()
    try:
        smtp.sendmail(current_app.config["MAIL_DEFAULT_SENDER"], [record.recipient], record.raw)
    finally:
        try:
            smtp.quit()
        except DELIVERY_ERRORS:
            smtp.close()


# -- delivery after the view's commit ------------------------------------------------------
#
# A service queues messages inside the caller's transaction (a meeting edit, an
# invitation); they may only leave once that transaction is committed. The service
# calls deliver_after_commit(); the commit moves the ids to the request, and the
# mail blueprint's after-request hook (or a view, explicitly) delivers them with the
# short timeout. A rollback forgets them: nothing is sent for a change not saved.

_PENDING_KEY = "clas_mail_after_commit"


def deliver_after_commit(records: Iterable[OutgoingMessage]) -> None:
    db.session.info.setdefault(_PENDING_KEY, []).extend(record.id for record in records)


@event.listens_for(Session, "after_commit")
def _move_committed_ids(session: Session) -> None:
    ids = session.info.pop(_PENDING_KEY, None)
    if ids and has_app_context():
        g.setdefault("_mail_committed", []).extend(ids)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_ids(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)


def send_committed() -> tuple[int, int]:
    """Deliver the messages committed during this request, within the page's time budget."""
    ids = g.pop("_mail_committed", None) if has_app_context() else None
    if not ids:
        return 0, 0
    records = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.id.in_(ids), OutgoingMessage.status == MessageStatus.QUEUED)
        .order_by(OutgoingMessage.id)
    ).all()
    budget = 2 * current_app.config.get("MAIL_TIMEOUT", 10)
    outcome = deliver_many(records, budget_seconds=budget)
    db.session.commit()
    return outcome


def deliver_later(message_id: int):
    """A callable that delivers one queued message: for `response.call_on_close`, once the
    answer has left (so that the answer's timing says nothing about the message)."""
    app = current_app._get_current_object()

    def deliver_one() -> None:
        try:
            record = db.session.get(OutgoingMessage, message_id)
            if record is not None and record.status is MessageStatus.QUEUED:
                deliver_many([record])
                db.session.commit()
        except Exception:  # it stays queued for `clas send-pending`
            log.exception("Delivering message %s after the response failed", message_id)
            db.session.rollback()

    def deliver() -> None:
        if has_app_context():  # a test client sharing the test's context
            deliver_one()
            return
        with app.app_context():  # the request's context is gone by the time the server closes
            deliver_one()

    return deliver


def _write_to_outbox(record: OutgoingMessage) -> None:
    folder = Path(current_app.config["OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.id:08d}-{record.kind.value}.eml").write_bytes(record.raw)
