"""Acceptance: answers given from Outlook, Gmail and Thunderbird reach the app through a real
IMAP server (Dovecot), `clas fetch-replies` records them like an answer by link, files every
message in the processed or rejected folder, and a second run reads nothing."""

from __future__ import annotations

from email import message_from_bytes, policy

import icalendar
from sqlalchemy import select

from clas_local.extensions import db
from clas_local.invitations import services as invitations
from clas_local.invitations.models import Answer, AnswerChannel
from clas_local.invitations.tokens import make_reply_token
from clas_local.mail.models import OutgoingMessage
from clas_local.meetings import services as meetings
from clas_local.replies.models import RejectedReply, RejectionReason
from tests.invitations.conftest import contact_invitation
from tests.replies import shapes

PROCESSED, REJECTED = "Réponses traitées", "Réponses rejetées"
OUTLOOK = "Microsoft Exchange Server 2010"
GMAIL = "-//Google Inc//Google Calendar 70.9054//EN"
THUNDERBIRD = "-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN"


def _send_invitations(invited, *contacts):
    invitations.invite_contacts(invited.meeting, [contact.id for contact in contacts])
    db.session.commit()


def _received(invited, contact):
    """The last e-mail the contact was sent: (message, REQUEST calendar bytes, reply address)."""
    invitation = contact_invitation(invited.meeting, contact)
    raw = db.session.scalars(
        select(OutgoingMessage.raw).where(OutgoingMessage.invitation_id == invitation.id).order_by(OutgoingMessage.id.desc())
    ).first()
    message = message_from_bytes(raw, policy=policy.default)
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = part.get_payload(decode=True)
    organizer = str(icalendar.Calendar.from_ical(calendar).walk("VEVENT")[0]["ORGANIZER"])
    return message, calendar, organizer.removeprefix("mailto:")


def _run(app):
    return app.test_cli_runner().invoke(args=["clas", "fetch-replies"])


def test_invitations_name_a_signed_reply_address_as_organizer_and_reply_to(app, invited, mailbox):
    _send_invitations(invited, invited.director)
    message, calendar, organizer = _received(invited, invited.director)
    invitation = contact_invitation(invited.meeting, invited.director)
    assert organizer == f"reponses+{make_reply_token(invitation)}@mairie.example.fr"
    assert message["Reply-To"].addresses[0].addr_spec == organizer
    event = icalendar.Calendar.from_ical(calendar).walk("VEVENT")[0]
    assert event["ATTENDEE"].params["RSVP"] == "TRUE"
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "vous pouvez aussi répondre depuis votre agenda" in text


def test_replies_from_outlook_gmail_and_thunderbird_are_recorded_and_filed(app, invited, mailbox, make_contact):
    third = make_contact(invited.school, full_name="Louise Quéré", function="Enseignante", email="l.quere@ecole.example.fr")
    db.session.commit()
    _send_invitations(invited, invited.director, invited.coordinator, third)
    _, request, director_address = _received(invited, invited.director)
    _, coordinator_request, coordinator_address = _received(invited, invited.coordinator)
    _, third_request, third_address = _received(invited, third)

    # Outlook: accepted, note in COMMENT, calendar base64 in multipart/alternative.
    mailbox.deliver(shapes.outlook(
        shapes.reply_calendar(request, "i.caradec@ecole.example.fr", "ACCEPTED", prodid=OUTLOOK,
                              comment="Je viendrai avec la CPE.", tzid="Romance Standard Time"),
        sender="Isabelle Caradec <i.caradec@ecole.example.fr>", to=director_address,
        subject="Accepté : Réunion de suivi"))
    # Gmail: declined, note as X-RESPONSE-COMMENT, calendar twice (inline and invite.ics).
    mailbox.deliver(shapes.gmail(
        shapes.reply_calendar(coordinator_request, "y.morvan@pre.example.fr", "DECLINED", prodid=GMAIL,
                              comment_param="En congé cette semaine-là", cn="Yann Morvan"),
        sender="Yann Morvan <yann.morvan.perso@gmail.example.com>", to=coordinator_address,
        subject="Refusé : Réunion de suivi"))
    # Thunderbird: tentative, no method parameter, quoted-printable.
    mailbox.deliver(shapes.thunderbird(
        shapes.reply_calendar(third_request, "l.quere@ecole.example.fr", "TENTATIVE", prodid=THUNDERBIRD),
        sender="l.quere@ecole.example.fr", to=third_address, subject="Peut-être : Réunion de suivi"))

    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "3 message(s) lu(s) : 3 réponse(s) enregistrée(s), 0 rejetée(s)." in result.output, [
        (row.subject, row.detail) for row in db.session.scalars(select(RejectedReply))]

    db.session.expire_all()
    director = contact_invitation(invited.meeting, invited.director)
    assert (director.answer, director.answer_channel, director.comment) == (
        Answer.ACCEPTED, AnswerChannel.CALENDAR, "Je viendrai avec la CPE.")
    assert director.answer_channel.label == "Réponse depuis l'agenda"
    coordinator = contact_invitation(invited.meeting, invited.coordinator)
    assert (coordinator.answer, coordinator.comment) == (Answer.DECLINED, "En congé cette semaine-là")
    louise = contact_invitation(invited.meeting, third)
    assert (louise.answer, louise.answer_channel) == (Answer.TENTATIVE, AnswerChannel.CALENDAR)

    assert mailbox.subjects("INBOX") == []
    assert mailbox.subjects(PROCESSED) == ["Accepté : Réunion de suivi", "Peut-être : Réunion de suivi",
                                           "Refusé : Réunion de suivi"]
    assert mailbox.subjects(REJECTED) == []

    # A second run finds nothing to read and changes nothing.
    again = _run(app)
    assert again.exit_code == 0, again.output
    assert "0 message(s) lu(s)" in again.output
    assert db.session.scalar(select(RejectedReply.id)) is None


def test_the_organiser_sees_the_calendar_answer_on_the_meeting_page(app, client, login_as, invited, mailbox):
    _send_invitations(invited, invited.director)
    _, request, address = _received(invited, invited.director)
    mailbox.deliver(shapes.outlook(shapes.reply_calendar(request, "i.caradec@ecole.example.fr", "ACCEPTED",
                                                         prodid=OUTLOOK), sender="i.caradec@ecole.example.fr",
                                   to=address))
    assert _run(app).exit_code == 0
    login_as("host")
    page = client.get(f"/c/rennes/meetings/{invited.meeting.id}").get_data(as_text=True)
    assert "Réponse depuis l&#39;agenda" in page or "Réponse depuis l'agenda" in page


def test_each_bad_reply_is_rejected_with_its_reason_and_never_stops_the_run(app, invited, mailbox):
    _send_invitations(invited, invited.director, invited.coordinator)
    _, request, address = _received(invited, invited.director)
    _, coordinator_request, coordinator_address = _received(invited, invited.coordinator)
    director_invitation = contact_invitation(invited.meeting, invited.director)
    forged = address.replace(make_reply_token(director_invitation), f"{director_invitation.id}-" + "a" * 26)
    sender = "i.caradec@ecole.example.fr"

    def reply(**options):
        return shapes.reply_calendar(request, sender, options.pop("partstat", "ACCEPTED"), prodid=OUTLOOK, **options)

    # The token is the proof, wherever it stands (To:, the calendar's ORGANIZER): forged in both.
    mailbox.deliver(shapes.outlook(reply(organizer=forged), sender=sender, to=forged, subject="falsifiée"))
    mailbox.deliver(shapes.outlook(reply(organizer="reponses@mairie.example.fr"), sender=sender,
                                   to="reponses@mairie.example.fr", subject="sans jeton"))
    mailbox.deliver(shapes.outlook(reply(uid="autre-reunion@ailleurs"), sender=sender, to=address, subject="autre UID"))
    mailbox.deliver(shapes.outlook(reply(method="REQUEST"), sender=sender, to=address, subject="pas une réponse"))
    mailbox.deliver(shapes.outlook(reply(partstat="NEEDS-ACTION"), sender=sender, to=address, subject="sans réponse"))
    mailbox.deliver(shapes.outlook("BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:x\r\n",
                                   sender=sender, to=address, subject="illisible"))
    mailbox.deliver(shapes.plain(sender=sender, to=address, subject="Re: Invitation", body="Je viendrai."))
    mailbox.deliver(b"\x00\xff garbage without headers \r\n\r\n\x00")
    # A good one among them, as an attachment only (application/octet-stream « reponse.ics »).
    mailbox.deliver(shapes.attachment_only(
        shapes.reply_calendar(coordinator_request, "y.morvan@pre.example.fr", "ACCEPTED", prodid=GMAIL),
        sender="y.morvan@pre.example.fr", to=coordinator_address, subject="pièce jointe"))

    result = _run(app)
    assert result.exit_code == 0, result.output
    assert "9 message(s) lu(s) : 1 réponse(s) enregistrée(s), 8 rejetée(s)." in result.output

    rows = {row.subject: row for row in db.session.scalars(select(RejectedReply))}
    reasons = {subject: row.reason for subject, row in rows.items()}
    assert reasons == {
        "falsifiée": RejectionReason.UNKNOWN_TOKEN,
        "sans jeton": RejectionReason.UNKNOWN_TOKEN,
        "autre UID": RejectionReason.WRONG_UID,
        "pas une réponse": RejectionReason.NOT_A_REPLY,
        "sans réponse": RejectionReason.NO_ANSWER,
        "illisible": RejectionReason.MALFORMED,
        "Re: Invitation": RejectionReason.NO_CALENDAR,
        "": RejectionReason.NO_CALENDAR,
    }
    assert rows["Re: Invitation"].invitation_id == director_invitation.id  # its address named the invitation
    assert rows["autre UID"].committee_id == invited.committee.id
    assert rows["falsifiée"].invitation_id is None and rows["falsifiée"].sender == sender
    assert all(row.detail for row in rows.values())
    db.session.expire_all()
    assert contact_invitation(invited.meeting, invited.director).answer is Answer.PENDING
    assert contact_invitation(invited.meeting, invited.coordinator).answer is Answer.ACCEPTED
    assert mailbox.subjects("INBOX") == []
    assert mailbox.subjects(PROCESSED) == ["pièce jointe"]
    assert len(mailbox.subjects(REJECTED)) == 8
    assert "0 message(s) lu(s)" in _run(app).output


def test_a_reply_to_an_older_sequence_or_a_cancelled_meeting_is_rejected(app, invited, mailbox):
    _send_invitations(invited, invited.director, invited.coordinator)
    _, old_request, address = _received(invited, invited.director)
    _, _, coordinator_address = _received(invited, invited.coordinator)
    meeting = invited.meeting
    # The time changes: SEQUENCE 1, an update is sent; the reply to version 0 is out of date.
    meetings.update_meeting(meeting, starts_at=meeting.starts_at.replace(hour=(meeting.starts_at.hour + 1) % 20),
                            ends_at=meeting.ends_at.replace(hour=(meeting.starts_at.hour + 1) % 20 + 1))
    db.session.commit()
    mailbox.deliver(shapes.outlook(shapes.reply_calendar(old_request, "i.caradec@ecole.example.fr", "ACCEPTED",
                                                         prodid=OUTLOOK), sender="i.caradec@ecole.example.fr",
                                   to=address, subject="ancienne version"))
    assert _run(app).exit_code == 0
    row = db.session.scalars(select(RejectedReply)).one()
    assert row.reason is RejectionReason.OLD_SEQUENCE and "version 0" in row.detail

    _, new_request, _ = _received(invited, invited.coordinator)
    meetings.cancel_meeting(meeting)
    db.session.commit()
    mailbox.deliver(shapes.gmail(shapes.reply_calendar(new_request, "y.morvan@pre.example.fr", "ACCEPTED",
                                                       prodid=GMAIL, sequence=99), sender="y.morvan@pre.example.fr",
                                 to=coordinator_address, subject="annulée"))
    assert _run(app).exit_code == 0
    assert db.session.scalars(select(RejectedReply.reason).where(RejectedReply.subject == "annulée")).one() is (
        RejectionReason.CANCELLED)
    db.session.expire_all()
    assert contact_invitation(meeting, invited.director).answer is Answer.PENDING


def test_without_imap_the_command_says_what_to_configure(app):
    app.config.update(IMAP_SERVER="", MAIL_REPLY_ADDRESS="")
    result = _run(app)
    assert result.exit_code == 1
    assert "IMAP_SERVER et MAIL_REPLY_ADDRESS" in result.output


def test_an_unreachable_mailbox_is_a_clear_error(app, mailbox):
    app.config.update(IMAP_PASSWORD="mauvais")
    result = _run(app)
    assert result.exit_code == 1
    assert "Connexion à la boîte" in result.output


def test_plaintext_imap_is_refused_away_from_this_machine(app, mailbox):
    app.config.update(IMAP_SERVER="imap.mairie.example.fr")
    result = _run(app)
    assert result.exit_code == 1
    assert "IMAP_SECURITY=none n'est permis que pour un serveur sur cette machine" in result.output
