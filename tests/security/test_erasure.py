"""RGPD erasure is complete: once a contact is anonymised, their name, e-mail and phone are
nowhere in the database — stored e-mails (recipient, headers, every decoded part), audit
summaries and details — nor in the outbox folder. The records of what happened stay.

The check dumps every table (binary columns decoded as the e-mails they hold) and every
file of the outbox folder, and searches them for the person.
"""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from datetime import timedelta
from pathlib import Path

import icalendar
from sqlalchemy import func, select, text

from clas_local.attendance.models import Attendance, Presence
from clas_local.attendance.services import add_person
from clas_local.audit.models import AuditEvent
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations import services, tokens
from clas_local.mail import services as mail
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.projects.models import ProjectSchool
from clas_local.projects.services import set_referent
from clas_local.replies.models import RejectedReply
from clas_local.replies.services import process_message
from tests.conftest import post
from tests.invitations.conftest import calendar_part, contact_invitation
from tests.invitations.conftest import invited  # noqa: F401  (the meeting and its invitees)

NAME = "Isabelle Caradec"
ADDRESS = "i.caradec@ecole.example.fr"
PHONE = "02 99 12 34 56"


def _decoded(raw: bytes) -> str:
    """Every header and part of an e-mail as text (base64 and quoted-printable decoded, ICS unfolded)."""
    message = message_from_bytes(raw, policy=policy.default)
    texts = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        texts += [f"{name}: {value}" for name, value in part.items()]
        if not part.is_multipart():
            content = part.get_content()
            texts.append(content.decode("utf-8", "replace") if isinstance(content, bytes) else content)
    return re.sub(r"\r?\n[ \t]", "", "\n".join(texts))


def _value(value) -> str:
    if isinstance(value, (bytes, memoryview)):
        value = bytes(value)
        return value.decode("latin-1") + "\n" + _decoded(value)
    return str(value)


def dump_everything(outbox: Path) -> str:
    chunks = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(text(f'SELECT * FROM "{table.name}"')):  # nosec B608
            chunks.append(f"{table.name}: " + " | ".join(_value(v) for v in row))
    for path in sorted(outbox.glob("*")):
        chunks.append(f"{path.name}: " + _value(path.read_bytes()))
    return "\n".join(chunks)


def _traces(dump: str) -> list[str]:
    lowered = dump.lower()
    needles = [NAME.lower(), "caradec", ADDRESS.lower(), PHONE, PHONE.replace(" ", "")]
    return [needle for needle in needles if needle in lowered]


def test_an_anonymised_contact_leaves_no_trace_but_the_records_stay(app, client, login_as, invited):  # noqa: F811
    director = invited.director
    director.phone = PHONE
    db.session.commit()
    # Everything that may copy the person somewhere: invitations to her and to a colleague
    # (whose calendar lists her), her answer by link, a reminder, a failed message resent,
    # her as the school's referent and as someone present, an export of her data.
    services.invite_contacts(invited.meeting, [director.id, invited.teacher.id])
    db.session.commit()
    row = contact_invitation(invited.meeting, director)
    host = login_as("host")
    assert post(client, f"/rsvp/{tokens.make_token(row)}", {"answer": "accepted", "comment": "Avec plaisir"}).status_code == 303
    assert services.send_reminders(meeting=invited.meeting).failed == []
    failed = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == ADDRESS).limit(1))
    failed.status, failed.last_error = MessageStatus.FAILED, f"SMTPRecipientsRefused: {{'{ADDRESS}': (550, b'Boîte inconnue')}}"
    db.session.commit()
    assert post(client, f"/c/rennes/mail/{failed.id}/resend").status_code == 303
    link = db.session.scalar(select(ProjectSchool).where(ProjectSchool.project_id == invited.project.id))
    set_referent(link, director)
    # The meeting took place (attendance is recorded once it has started).
    invited.meeting.starts_at, invited.meeting.ends_at = utcnow() - timedelta(hours=2), utcnow() - timedelta(hours=1)
    attendance = Attendance(meeting=invited.meeting, partner=invited.school, presence=Presence.PRESENT, invited=True)
    db.session.add(attendance)
    db.session.flush()
    add_person(attendance, contact=director)
    db.session.commit()
    assert post(client, f"/c/rennes/contacts/{director.id}/export", {"format": "json"}).status_code == 200
    # Two e-mails from her kept as rejected calendar replies: one to her reply address (the
    # committee is known), one to an address naming no invitation (no committee known).
    app.config["MAIL_REPLY_ADDRESS"] = "reponses+{token}@mairie.example.fr"
    for to in (tokens.reply_address(row), "reponses@mairie.example.fr"):
        process_message(f"From: {NAME} <{ADDRESS}>\r\nTo: {to}\r\nSubject: Re: invitation de {NAME}\r\n\r\n"
                        f"Bonjour, {NAME} viendra. {PHONE}\r\n".encode())
    db.session.commit()
    assert {reply.committee_id for reply in db.session.scalars(select(RejectedReply))} == {None, invited.committee.id}
    outbox = Path(app.config["OUTBOX_FOLDER"])
    assert _traces(dump_everything(outbox)) != []  # the check finds her before
    messages_before = db.session.scalar(select(func.count(OutgoingMessage.id)))
    actions_before = db.session.scalars(select(AuditEvent.action)).all()

    assert post(client, f"/c/rennes/contacts/{director.id}/anonymise").status_code == 303

    db.session.expire_all()
    assert _traces(dump_everything(outbox)) == []
    # What happened is still there: the messages, the answer, the actions of the log.
    assert db.session.scalar(select(func.count(OutgoingMessage.id))) == messages_before
    assert db.session.get(type(row), row.id).answer.value == "accepted"
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions[: len(actions_before)] == actions_before and "contact.anonymise" in actions
    assert host.email in dump_everything(outbox)  # the host who acted stays named
    # Her colleague's invitation is still a whole invitation, only without her.
    teacher_message = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == "m.legoff@ecole.example.fr"))
    calendar = icalendar.Calendar.from_ical(calendar_part(message_from_bytes(teacher_message.raw, policy=policy.default))
                                            .get_content())
    attendees = [str(a) for a in calendar.walk("VEVENT")[0].get("attendee")]
    assert "mailto:m.legoff@ecole.example.fr" in attendees and "mailto:contact-anonymise@invalid" in attendees


def test_a_message_to_an_anonymised_contact_is_never_sent(app, client, login_as, invited):  # noqa: F811
    services.invite_contacts(invited.meeting, [invited.director.id])
    db.session.commit()
    queued = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.recipient == ADDRESS))
    queued.status = MessageStatus.QUEUED
    db.session.commit()
    login_as("host")
    post(client, f"/c/rennes/contacts/{invited.director.id}/anonymise")
    db.session.expire_all()
    message = db.session.get(OutgoingMessage, queued.id)
    assert message.status is MessageStatus.FAILED
    assert "anonymisé" in message.last_error
    assert mail.deliver_pending(include_failed=True) == (0, 0)  # `clas send-pending --retry-failed`
    response = post(client, f"/c/rennes/mail/{message.id}/resend", follow_redirects=True)
    assert "Le destinataire de ce message a été anonymisé" in response.get_data(as_text=True)


def test_erasure_replaces_whole_names_addresses_and_numbers_only():
    from clas_local.partners.erasure import Person

    person = Person("Isabelle Caradec", ("i.caradec@ecole.example.fr",), PHONE)
    text = ("Isabelle CARADEC <I.Caradec@ecole.example.fr>, tél. 02.99.12.34.56 ou 0299123456 ; "
            "Isabellette, dossier 102991234567")
    assert person.erase(text) == ("Contact anonymisé <contact-anonymise@invalid>, tél. (téléphone effacé) ou "
                                  "(téléphone effacé) ; Isabellette, dossier 102991234567")
