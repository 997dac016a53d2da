"""Recording and delivering e-mail.

Every message is built once and stored (queued) in the same transaction as the
change that caused it, so nothing is lost if delivery fails; `deliver_pending()`
then sends over SMTP (MAIL_SERVER) or, without a server, writes .eml files into
the outbox folder. A page never waits on a slow SMTP server for long: delivery
has a short timeout and failures are kept with their error for « Renvoyer ».
"""

from __future__ import annotations

import smtplib
import ssl
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage


def sender_address(committee=None) -> str:
    address = (committee.sender_email if committee is not None else None) or current_app.config["MAIL_DEFAULT_SENDER"]
    return formataddr((committee.name if committee is not None else "Clas Local", address))


def build_message(recipient: str, subject: str, text: str, html: str | None = None, committee=None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender_address(committee)
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="clas-local")
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
        recipient=str(message["To"]),
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
    except (OSError, smtplib.SMTPException) as exc:
        record.status = MessageStatus.FAILED
        record.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        return False
    record.status = MessageStatus.SENT
    record.sent_at = utcnow()
    record.last_error = ""
    return True


def deliver_pending(limit: int = 500) -> tuple[int, int]:
    """Send what is queued. Returns (sent, failed)."""
    records = db.session.scalars(
        select(OutgoingMessage)
        .where(OutgoingMessage.status == MessageStatus.QUEUED)
        .order_by(OutgoingMessage.id)
        .limit(limit)
    ).all()
    sent = sum(deliver(record) for record in records)
    return sent, len(records) - sent


def _send_smtp(record: OutgoingMessage) -> None:
    config = current_app.config
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=config["MAIL_TIMEOUT"]) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        envelope_from = config["MAIL_DEFAULT_SENDER"]
        smtp.sendmail(envelope_from, [record.recipient], record.raw)


def _write_to_outbox(record: OutgoingMessage) -> None:
    folder = Path(current_app.config["OUTBOX_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.id:08d}-{record.kind.value}.eml").write_bytes(record.raw)
