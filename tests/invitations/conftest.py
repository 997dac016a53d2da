"""Fixtures of the invitations tests: a real SMTP server on loopback, and a meeting with invitees."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import SimpleNamespace

import pytest
from aiosmtpd.controller import Controller

from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import MeetingKind
from clas_local.partners.models import PartnerKind


@dataclass
class Received:
    mail_from: str
    recipients: list[str]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)


class _Handler:
    def __init__(self):
        self.received: list[Received] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 Boîte inconnue"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"


class _LoopbackController(Controller):
    """aiosmtpd's Controller on 127.0.0.1 and a port the system picks (port 0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture
def smtp_server(app):
    handler = _Handler()
    controller = _LoopbackController(handler, hostname="127.0.0.1", port=0)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_TIMEOUT=5)
    server = SimpleNamespace(handler=handler, received=handler.received, refuse=handler.refuse, port=controller.port)
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def closed_port():
    """A loopback port nobody listens on: connecting is refused at once."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


MEETING_START = datetime.now(timezone.utc).replace(microsecond=0, second=0) + timedelta(days=5)


@pytest.fixture
def invited(committee, make_partner, make_contact, make_project, make_meeting, make_invitation):
    """A suivi meeting in five days: a school (two contacts with e-mail, one without) and a
    territory partner (one contact) invited as organisations; nobody e-mailed yet."""
    committee.sender_email = "concertation@rennes.example.fr"
    school = make_partner(PartnerKind.ECOLE, name="École élémentaire Volga")
    director = make_contact(school, full_name="Isabelle Caradec", function="Directrice", email="i.caradec@ecole.example.fr")
    teacher = make_contact(school, full_name="Marc Le Goff", function="Enseignant", email="m.legoff@ecole.example.fr")
    no_mail = make_contact(school, full_name="Anne Sans-Courriel", function="CPE", email="")
    pre = make_partner(PartnerKind.PRE, name="Programme de réussite éducative de Rennes")
    coordinator = make_contact(pre, full_name="Yann Morvan", function="Coordinateur", email="y.morvan@pre.example.fr")
    porteur = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")
    project = make_project(porteur=porteur, schools=(school,), name="Clas du Blosne")
    meeting = make_meeting(
        project,
        kind=MeetingKind.SUIVI,
        starts_at=MEETING_START,
        ends_at=MEETING_START + timedelta(hours=1, minutes=30),
        place="Centre social Ty-Blosne, salle 2",
        agenda="Bilan du premier trimestre\nOrientation des élèves",
    )
    school_row = make_invitation(meeting, school)
    pre_row = make_invitation(meeting, pre)
    db.session.commit()
    return SimpleNamespace(
        committee=committee, school=school, pre=pre, porteur=porteur, project=project, meeting=meeting,
        director=director, teacher=teacher, no_mail=no_mail, coordinator=coordinator,
        school_row=school_row, pre_row=pre_row,
    )


def contact_invitation(meeting, contact) -> Invitation:
    from sqlalchemy import select

    return db.session.scalar(
        select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.contact_id == contact.id)
    )


def parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.walk()]


def calendar_part(message: EmailMessage) -> EmailMessage:
    return next(part for part in message.walk() if part.get_content_type() == "text/calendar")


def answer_link(message: EmailMessage) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/rsvp/(\S+)", text)
    assert match, text
    return "/rsvp/" + match.group(1)


def visible(response) -> str:
    """The page's words as read aloud: tags removed, whitespace collapsed."""
    import html

    text = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(text)).replace(" ,", ",").replace(" .", ".")
