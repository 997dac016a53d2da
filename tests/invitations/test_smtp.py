"""Acceptance: invitations, updates and cancellations through a real SMTP server on loopback."""

from __future__ import annotations

from datetime import timedelta

import icalendar
from sqlalchemy import select

from clas_local.extensions import db
from clas_local.i18n import format_time_range
from clas_local.invitations.models import Answer, AnswerChannel
from clas_local.mail import services as mail
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.meetings import services as meetings
from tests.calendar.ical_tools import READERS
from tests.conftest import page_text, post
from tests.invitations.conftest import answer_link, calendar_part, contact_invitation, parts, visible


def send_url(invited):
    return f"/c/rennes/meetings/{invited.meeting.id}/invitations/send"


def _invite(client, invited, *contacts, htmx=True):
    return post(client, send_url(invited), {"contacts": [c.id for c in contacts]}, htmx=htmx)


def _calendar(received) -> tuple[bytes, icalendar.Calendar]:
    part = calendar_part(received.message)
    data = part.get_payload(decode=True)
    return data, icalendar.Calendar.from_ical(data)


def _assert_three_parsers_agree(data: bytes, meeting):
    expected_start = meeting.starts_at
    expected_end = meeting.ends_at
    for reader in READERS:
        events = reader(data)
        assert set(events) == {meeting.uid}, reader.__name__
        event = events[meeting.uid]
        assert event["start"] == expected_start, reader.__name__
        assert event["end"] == expected_end, reader.__name__
        assert event["tzid"] == "Europe/Paris", reader.__name__


def test_invitations_reach_a_real_smtp_server_with_calendar_and_answer_link(client, login_as, invited, smtp_server):
    login_as("host")
    response = _invite(client, invited, invited.director, invited.coordinator)

    assert response.status_code == 200
    assert "Invitation envoyée à 2 contacts." in page_text(response)
    assert 'id="invitations-panel"' in response.get_data(as_text=True)
    assert "<html" not in response.get_data(as_text=True)  # a fragment, not the page
    assert sorted(r.recipients[0] for r in smtp_server.received) == ["i.caradec@ecole.example.fr", "y.morvan@pre.example.fr"]
    received = next(r for r in smtp_server.received if r.recipients == ["i.caradec@ecole.example.fr"])
    message = received.message

    # MIME: mixed[alternative[text, html, calendar; method=REQUEST], .ics attachment]
    assert parts(message) == [
        "multipart/mixed", "multipart/alternative", "text/plain", "text/html", "text/calendar", "application/ics",
    ]
    assert message["Subject"].startswith("Invitation : Réunion de suivi – Clas du Blosne – ")
    assert message["From"] == "Comité local de Rennes <concertation@rennes.example.fr>"
    assert message["To"] == "Isabelle Caradec <i.caradec@ecole.example.fr>"
    part = calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    assert part.get_content_charset() == "utf-8"
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "invitation.ics"
    data, calendar = _calendar(received)
    assert attachment.get_payload(decode=True) == data

    assert calendar["METHOD"] == "REQUEST"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == invited.meeting.uid
    assert event["SEQUENCE"] == 0
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:concertation@rennes.example.fr"
    assert organizer.params["CN"] == "Comité local de Rennes"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {"mailto:i.caradec@ecole.example.fr", "mailto:y.morvan@pre.example.fr"}
    director = attendees["mailto:i.caradec@ecole.example.fr"]
    assert director["CN"] == "Isabelle Caradec (École élémentaire Volga)"
    # No mailbox reads calendar answers here (no IMAP_SERVER): no client is told to send one.
    assert (director["ROLE"], director["PARTSTAT"], director["RSVP"]) == ("REQ-PARTICIPANT", "NEEDS-ACTION", "FALSE")
    _assert_three_parsers_agree(data, invited.meeting)
    assert message["Date"] is not None and message["Date"].datetime.tzinfo is not None
    assert message["Message-ID"].endswith("@localhost>")  # BASE_URL's host in the tests
    assert message["Reply-To"] is None and message["Auto-Submitted"] is None

    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour Isabelle Caradec," in text
    assert "Pour répondre, utilisez le lien ci-dessus" in text
    assert "Bilan du premier trimestre" in text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Répondre à l'invitation" in html

    # The records: sent, with the sequence e-mailed.
    records = db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id)).all()
    assert [(r.kind, r.status) for r in records] == [(MessageKind.INVITATION, MessageStatus.SENT)] * 2
    invitation = contact_invitation(invited.meeting, invited.director)
    assert invitation.sent_sequence == 0 and invitation.last_sent_at is not None

    # The answer link in the received message works, without an account.
    client.post("/logout", data={})
    anonymous = client.application.test_client()
    link = answer_link(message)
    page = anonymous.get(link)
    assert page.status_code == 200
    assert "Clas du Blosne" in page_text(page)
    answered = post(anonymous, link, {"answer": "declined", "comment": "Je serai représentée par M. Le Goff"})
    assert answered.status_code == 303
    db.session.expire_all()
    invitation = contact_invitation(invited.meeting, invited.director)
    assert invitation.answer is Answer.DECLINED
    assert invitation.answer_channel is AnswerChannel.LINK
    assert invitation.comment == "Je serai représentée par M. Le Goff"
    assert invitation.answered_at is not None
    again = anonymous.get(link)
    assert "Merci, votre réponse est enregistrée." in page_text(again)
    assert "Je serai représentée par M. Le Goff" in page_text(again)


def _commit_as_a_view_does():
    db.session.commit()
    return mail.send_committed()


def test_material_change_and_cancellation_are_emailed_with_higher_sequence(client, login_as, invited, smtp_server):
    login_as("host")
    _invite(client, invited, invited.director, invited.teacher)
    assert len(smtp_server.received) == 2
    # The teacher answers: the update's ATTENDEE carries it.
    teacher_row = contact_invitation(invited.meeting, invited.teacher)
    teacher_row.answer = Answer.ACCEPTED
    db.session.commit()

    meeting = invited.meeting
    old = format_time_range(meeting.starts_at, meeting.ends_at, meeting.committee.timezone)
    new_start = meeting.starts_at + timedelta(days=1, hours=1)
    meetings.update_meeting(meeting, starts_at=new_start, ends_at=new_start + timedelta(hours=2))
    assert _commit_as_a_view_does() == (2, 0)

    updates = smtp_server.received[2:]
    assert len(updates) == 2
    message = updates[0].message
    assert message["Subject"].startswith("Mise à jour : ")
    assert calendar_part(message).get_param("method") == "REQUEST"
    assert next(message.iter_attachments()).get_filename() == "mise-a-jour.ics"
    # The e-mail says what changed: the new date, and the one it replaces.
    body = " ".join(message.get_body(preferencelist=("plain",)).get_content().split())
    new = format_time_range(new_start, new_start + timedelta(hours=2), meeting.committee.timezone)
    assert " ".join(f"Date : {new} (au lieu de : {old})".split()) in body
    assert "au lieu de" in message.get_body(preferencelist=("html",)).get_content()
    data, calendar = _calendar(updates[0])
    event = calendar.walk("VEVENT")[0]
    assert event["SEQUENCE"] == 1
    partstats = {str(a): a.params["PARTSTAT"] for a in event["ATTENDEE"]}
    # The date changed: the teacher's « présent » no longer says she comes at the new time.
    assert partstats == {"mailto:i.caradec@ecole.example.fr": "NEEDS-ACTION", "mailto:m.legoff@ecole.example.fr": "NEEDS-ACTION"}
    db.session.refresh(teacher_row)
    assert (teacher_row.answer, teacher_row.answer_to_reconfirm) == (Answer.ACCEPTED, True)
    page = visible(client.get(f"/c/rennes/meetings/{invited.meeting.id}"))
    assert "Présent·e (à reconfirmer : la date ou l'heure a changé)" in page, page[page.find("Marc Le Goff"):][:300]
    db.session.refresh(meeting)
    _assert_three_parsers_agree(data, meeting)
    assert contact_invitation(meeting, invited.director).sent_sequence == 1

    # A non-material edit (agenda) sends nothing.
    meetings.update_meeting(meeting, agenda="Ordre du jour complété")
    assert _commit_as_a_view_does() == (0, 0)
    assert len(smtp_server.received) == 4

    meetings.cancel_meeting(meeting, "Grève des transports")
    assert _commit_as_a_view_does() == (2, 0)
    cancellations = smtp_server.received[4:]
    assert len(cancellations) == 2
    message = cancellations[0].message
    assert message["Subject"].startswith("Annulée : ")
    assert calendar_part(message).get_param("method") == "CANCEL"
    data, calendar = _calendar(cancellations[0])
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert (event["SEQUENCE"], str(event["STATUS"])) == (2, "CANCELLED")
    db.session.refresh(meeting)
    _assert_three_parsers_agree(data, meeting)
    assert "La réunion suivante est annulée." in message.get_body(preferencelist=("plain",)).get_content()
    # With the reason the organiser typed.
    assert "Motif de l'annulation : Grève des transports" in message.get_body(preferencelist=("plain",)).get_content()
    kinds = db.session.scalars(select(OutgoingMessage.kind).order_by(OutgoingMessage.id)).all()
    assert kinds == [MessageKind.INVITATION] * 2 + [MessageKind.UPDATE] * 2 + [MessageKind.CANCELLATION] * 2


def test_a_rolled_back_change_sends_nothing(client, login_as, invited, smtp_server):
    login_as("host")
    _invite(client, invited, invited.director)
    meeting = invited.meeting
    meetings.update_meeting(meeting, place="Autre salle")
    db.session.rollback()
    assert mail.send_committed() == (0, 0)
    assert len(smtp_server.received) == 1
    assert db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.kind == MessageKind.UPDATE)) is None


def test_refused_recipient_is_recorded_and_resent_from_the_meeting_page(client, login_as, invited, smtp_server):
    login_as("host")
    smtp_server.refuse.add("y.morvan@pre.example.fr")
    response = _invite(client, invited, invited.director, invited.coordinator)

    assert response.status_code == 200
    text = page_text(response)
    assert "Courriels non remis" in text and "y.morvan@pre.example.fr" in text and "Renvoyer" in text
    failed = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.status == MessageStatus.FAILED))
    assert failed.recipient == "y.morvan@pre.example.fr" and "550" in failed.last_error
    assert [r.recipients for r in smtp_server.received] == [["i.caradec@ecole.example.fr"]]

    smtp_server.refuse.clear()
    resend = post(client, f"/c/rennes/meetings/{invited.meeting.id}/messages/{failed.id}/resend", htmx=True)
    assert resend.status_code == 200
    assert "Message renvoyé à y.morvan@pre.example.fr." in page_text(resend)
    assert "Courriels non remis" not in page_text(resend)
    assert smtp_server.received[-1].recipients == ["y.morvan@pre.example.fr"]
    db.session.refresh(failed)
    assert (failed.status, failed.attempts) == (MessageStatus.SENT, 2)


def test_unreachable_server_never_breaks_the_page_and_keeps_messages(client, login_as, invited, app, closed_port):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=closed_port, MAIL_TIMEOUT=2)
    login_as("host")
    response = _invite(client, invited, invited.director, invited.coordinator, htmx=False)

    assert response.status_code == 303  # without JavaScript: back to the meeting page
    records = db.session.scalars(select(OutgoingMessage)).all()
    assert len(records) == 2
    assert all(r.status is MessageStatus.FAILED and "ConnectionRefusedError" in r.last_error for r in records)
    panel = client.get(f"/c/rennes/meetings/{invited.meeting.id}/invitations", headers={"HX-Request": "true"})
    assert panel.status_code == 200
    assert page_text(panel).count("Renvoyer") == 2


def test_people_of_an_organisation_no_longer_invited_get_a_cancel_for_themselves(client, login_as, invited, smtp_server):
    login_as("host")
    _invite(client, invited, invited.director, invited.coordinator)
    assert len(smtp_server.received) == 2
    meeting = invited.meeting
    # The PRE is unticked on the meeting form; the school stays, the time does not change.
    meetings.update_meeting(meeting, partner_ids=[invited.school.id])
    assert _commit_as_a_view_does() == (1, 0)

    withdrawn = smtp_server.received[2]
    assert withdrawn.recipients == ["y.morvan@pre.example.fr"]
    message = withdrawn.message
    assert message["Subject"].startswith("Invitation retirée : ")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "Votre organisation (Programme de réussite éducative de Rennes) n'est plus invitée à la réunion suivante." in text
    assert "/rsvp/" not in text  # no answer link to an invitation that is gone
    data, calendar = _calendar(withdrawn)
    assert calendar["METHOD"] == "CANCEL"
    event = calendar.walk("VEVENT")[0]
    assert str(event["UID"]) == meeting.uid
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert [str(attendee) for attendee in attendees] == ["mailto:y.morvan@pre.example.fr"]  # them only
    # The CANCEL outranks the REQUEST they hold (SEQUENCE 0), and a re-invitation will outrank it.
    assert event["SEQUENCE"] == 1
    db.session.refresh(meeting)
    assert meeting.sequence == 1
    _assert_three_parsers_agree(data, meeting)
    # The director keeps the invitation and gets nothing; the PRE's rows are gone.
    assert contact_invitation(meeting, invited.director) is not None
    assert contact_invitation(meeting, invited.coordinator) is None
    record = db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id.desc())).first()
    assert (record.kind, record.status, record.recipient) == (MessageKind.CANCELLATION, MessageStatus.SENT, "y.morvan@pre.example.fr")


def test_an_organisation_nobody_was_emailed_from_leaves_without_a_message(client, login_as, invited, smtp_server):
    login_as("host")
    _invite(client, invited, invited.director)
    meetings.update_meeting(invited.meeting, partner_ids=[invited.school.id])
    assert _commit_as_a_view_does() == (0, 0)
    assert len(smtp_server.received) == 1
