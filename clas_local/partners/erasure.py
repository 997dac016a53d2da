"""Erasing a contact from the stored e-mails and the outbox folder (RGPD), keeping the records.

Each stored message (`outgoing_message.raw`) is the exact copy of what was sent, kept for
« Renvoyer » and the .eml download. A contact appears in the messages sent to them, and in
the calendar part of their colleagues' invitations (the ATTENDEE list). Anonymising the
contact rewrites every message of the committee that names them: headers and each
decoded part (quoted-printable and base64 included, calendar lines unfolded and folded
again), and the copy in the outbox folder. The message itself stays: its kind, date,
subject, status and meeting are the record of what happened. A message still to send to
the person is marked failed instead: nobody is left to send it to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, MIMEPart
from pathlib import Path

from flask import current_app
from markupsafe import escape
from sqlalchemy import select

from clas_local.calendar.writer import fold
from clas_local.extensions import db
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.replies.models import RejectedReply

ERASED_NAME = "Contact anonymisé"
ERASED_ADDRESS = "contact-anonymise@invalid"
ERASED_PHONE = "(téléphone effacé)"
NOT_SENT = "Destinataire anonymisé : le message n'a pas été envoyé."

CALENDAR_TYPES = {"text/calendar", "application/ics"}
BATCH = 200
_FOLDED = re.compile(r"\r?\n[ \t]")


@dataclass(frozen=True)
class Person:
    """What identifies a person in a message: name, e-mail addresses, phone."""

    name: str
    addresses: tuple[str, ...]
    phone: str

    def _patterns(self) -> list[tuple[re.Pattern, str]]:
        patterns = [(re.compile(re.escape(address), re.I), ERASED_ADDRESS) for address in self.addresses if address]
        name = self.name.strip()
        if len(name) >= 2:
            # As written in text, in HTML, and as an escaped iCalendar TEXT value; whole words only.
            for variant in {name, str(escape(name)), re.sub(r"([,;\\])", r"\\\1", name)}:
                patterns.append((re.compile(rf"(?<!\w){re.escape(variant)}(?!\w)", re.I), ERASED_NAME))
        digits = re.sub(r"\D", "", self.phone)
        if len(digits) >= 6:  # « 02 99 12 34 56 », « 02.99.12.34.56 », « 0299123456 »
            patterns.append((re.compile(r"(?<!\d)" + r"[\s.\-]?".join(digits) + r"(?!\d)"), ERASED_PHONE))
        return patterns

    def erase(self, text: str) -> str:
        for pattern, replacement in self._patterns():
            text = pattern.sub(replacement, text)
        return text


def _fold(text: str) -> str:
    """Fold iCalendar lines back to 75 octets (the unfolded text may hold longer ones)."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "".join(fold(line).decode("utf-8") for line in lines if line)


def _rewrite_part(part: MIMEPart, person: Person) -> bool:
    """Erase the person from one leaf part, keeping its type, parameters and encoding."""
    content = part.get_content()
    is_bytes = isinstance(content, bytes)
    text = content.decode("utf-8", "replace") if is_bytes else content
    calendar = part.get_content_type() in CALENDAR_TYPES
    if calendar:
        text = _FOLDED.sub("", text)
    erased = person.erase(text)
    if erased == text:
        return False
    if calendar:
        erased = _fold(erased)
    maintype, subtype = part.get_content_maintype(), part.get_content_subtype()
    params = {key: value for key, value in (part.get_params() or [])[1:] if key != "charset"}
    cte = str(part.get("Content-Transfer-Encoding", "")).lower()
    cte = cte if cte in ("quoted-printable", "base64") else None  # 7bit cannot carry « anonymisé »
    disposition, filename = part.get_content_disposition(), part.get_filename()
    part.clear_content()
    if is_bytes:
        MIMEPart.set_content(part, erased.encode("utf-8"), maintype, subtype, cte=cte or "base64",
                             disposition=disposition, filename=filename, params=params)
    else:
        MIMEPart.set_content(part, erased, subtype, cte=cte, disposition=disposition, filename=filename,
                             params=params)
    return True


def erase_from_message(raw: bytes, person: Person) -> bytes | None:
    """The message with the person erased, or None when it does not name them."""
    message: EmailMessage = message_from_bytes(raw, policy=policy.default)
    changed = False
    for name, value in list(message.items()):
        erased = person.erase(str(value))
        if erased != str(value):
            message.replace_header(name, erased)
            changed = True
    for part in message.walk():
        if not part.is_multipart():
            changed = _rewrite_part(part, person) or changed
    return message.as_bytes(policy=policy.SMTP) if changed else None


def erase_person(committee_id: int, person: Person) -> int:
    """Erase the person from every stored message of the committee and its outbox copy.
    Returns how many messages were rewritten."""
    addresses = {address.lower() for address in person.addresses}
    folder = Path(current_app.config["OUTBOX_FOLDER"])
    rewritten = 0
    ids = db.session.scalars(
        select(OutgoingMessage.id).where(OutgoingMessage.committee_id == committee_id).order_by(OutgoingMessage.id)
    ).all()
    for start in range(0, len(ids), BATCH):  # a committee's messages a batch at a time, not all in memory
        messages = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.id.in_(ids[start : start + BATCH])))
        rewritten += _erase_batch(messages.all(), person, addresses, folder)
        db.session.flush()
    return rewritten + erase_rejected_replies(committee_id, person)


def erase_rejected_replies(committee_id: int, person: Person) -> int:
    """Erase the person from the calendar replies kept as rejected: the committee's, and those
    whose reply address named no invitation (no committee known), which may be theirs."""
    addresses = {address.lower() for address in person.addresses}
    ids = db.session.scalars(
        select(RejectedReply.id)
        .where((RejectedReply.committee_id == committee_id) | RejectedReply.committee_id.is_(None))
        .order_by(RejectedReply.id)
    ).all()
    rewritten = 0
    for start in range(0, len(ids), BATCH):
        for reply in db.session.scalars(select(RejectedReply).where(RejectedReply.id.in_(ids[start : start + BATCH]))):
            try:
                raw = erase_from_message(reply.raw, person) if reply.raw else None
            except Exception:  # noqa: BLE001 - a received message we cannot rewrite is dropped, not kept whole
                raw = b""
            sender = ERASED_ADDRESS if reply.sender.lower() in addresses else person.erase(reply.sender)
            subject, detail = person.erase(reply.subject)[:300], person.erase(reply.detail)
            if raw is None and (sender, subject, detail) == (reply.sender, reply.subject, reply.detail):
                db.session.expunge(reply)
                continue
            if raw is not None:
                reply.raw = raw
            reply.sender, reply.subject, reply.detail = sender, subject, detail
            rewritten += 1
        db.session.flush()
    return rewritten


def _erase_batch(messages: list[OutgoingMessage], person: Person, addresses: set[str], folder: Path) -> int:
    rewritten = 0
    for message in messages:
        raw = erase_from_message(message.raw, person)
        to_person = message.recipient.lower() in addresses
        if raw is None and not to_person:
            db.session.expunge(message)  # untouched: let it go
            continue
        if raw is not None:
            message.raw = raw
        message.subject = person.erase(message.subject)[:300]
        message.last_error = person.erase(message.last_error)
        if to_person:
            message.recipient = ""
            if message.status is not MessageStatus.SENT:
                message.status, message.last_error = MessageStatus.FAILED, NOT_SENT
        copy = folder / f"{message.id:08d}-{message.kind.value}.eml"
        if copy.exists():
            copy.write_bytes(message.raw)
        rewritten += 1
    return rewritten
