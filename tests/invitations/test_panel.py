"""The meeting page's invitations panel: who may do what, phone answers, polling, reminders."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

from sqlalchemy import select

from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.partners.models import PartnerKind
from tests.conftest import count_queries, htmx_get, page_text, post
from tests.invitations.conftest import contact_invitation, visible


def base(invited):
    return f"/c/rennes/meetings/{invited.meeting.id}"


def test_meeting_page_shows_the_panel_to_its_organiser(client, login_as, invited, make_invitation):
    login_as("porteur", partner=invited.porteur)
    director = make_invitation(invited.meeting, invited.school, invited.director, answer=Answer.ACCEPTED)
    director.answer_channel = AnswerChannel.LINK
    db.session.commit()
    page = client.get(base(invited))
    assert page.status_code == 200
    text = visible(page)
    assert "Invitations et réponses" in text
    assert "2 organisations invitées : 1 présente, 0 peut-être, 0 excusée, 1 sans réponse." in text
    assert "Isabelle Caradec, Directrice Présent·e" in text
    assert "Inviter par e-mail" in text
    assert "Anne Sans-Courriel (CPE) — pas d'adresse e-mail" in text
    assert "Saisir une réponse reçue par téléphone" in text
    fragment = htmx_get(client, base(invited) + "/invitations")
    assert fragment.status_code == 200
    assert fragment.get_data(as_text=True).lstrip().startswith("<section id=\"invitations-panel\"")
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]


def test_viewer_reads_answers_but_cannot_send_or_answer(client, login_as, invited):
    login_as("viewer")
    page = client.get(base(invited))
    assert page.status_code == 200
    assert "Invitations et réponses" in page_text(page)
    assert "Inviter par e-mail" not in page_text(page)
    for action, data in (
        ("/invitations/send", {"contacts": [invited.director.id]}),
        ("/invitations/answer", {"invitation_id": invited.school_row.id, "answer": "accepted"}),
        ("/invitations/remind", {}),
    ):
        assert post(client, base(invited) + action, data).status_code == 403
        assert post(client, base(invited) + action, data, htmx=True).status_code == 403
    assert db.session.scalar(select(OutgoingMessage)) is None


def test_other_committee_gets_404_everywhere(client, login_as, invited, make_committee, make_member):
    other = make_committee(slug="brest")
    user = make_member("host", committee_=other)
    from tests.factories import sign_in

    sign_in(client, user)
    for url in (base(invited) + "/invitations", base(invited) + "/invitations/answers"):
        assert htmx_get(client, url).status_code == 404
    assert post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}).status_code == 404
    # Even through their own committee's address, the meeting is not found.
    url = f"/c/brest/meetings/{invited.meeting.id}/invitations/send"
    assert post(client, url, {"contacts": [invited.director.id]}).status_code == 404
    assert db.session.scalar(select(OutgoingMessage)) is None


def test_porteur_of_another_project_gets_404(client, login_as, invited, make_partner):
    login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION))
    assert post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}).status_code == 404


def test_send_requires_a_contact_of_an_invited_organisation(client, login_as, invited, make_partner, make_contact):
    login_as("host")
    empty = post(client, base(invited) + "/invitations/send", {}, htmx=True)
    assert empty.status_code == 422
    assert "Choisissez au moins un contact à inviter." in page_text(empty)
    stranger = make_contact(make_partner(PartnerKind.ASSOCIATION), email="x@asso.example.fr")
    refused = post(client, base(invited) + "/invitations/send", {"contacts": [stranger.id]}, htmx=True)
    assert refused.status_code == 422
    no_mail = post(client, base(invited) + "/invitations/send", {"contacts": [invited.no_mail.id]}, htmx=True)
    assert no_mail.status_code == 422
    assert "avec une adresse e-mail" in page_text(no_mail)
    assert db.session.scalar(select(OutgoingMessage)) is None
    assert db.session.scalar(select(Invitation).where(Invitation.contact_id.is_not(None))) is None


def test_without_mail_server_messages_become_eml_files(client, login_as, invited, app):
    login_as("host")
    response = post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id, invited.teacher.id]}, htmx=True)
    assert response.status_code == 200
    from pathlib import Path

    files = sorted(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))
    assert [f.name.split("-", 1)[1] for f in files] == ["invitation.eml", "invitation.eml"]
    assert b"method=\"REQUEST\"" in files[0].read_bytes()
    statuses = db.session.scalars(select(OutgoingMessage.status)).all()
    assert statuses == [MessageStatus.SENT, MessageStatus.SENT]
    # Sending again: they already have this version, nothing new.
    again = post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}, htmx=True)
    assert "déjà reçu la dernière version" in page_text(again)
    assert len(list(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))) == 2


def test_organiser_enters_an_answer_received_by_phone(client, login_as, invited):
    login_as("porteur", partner=invited.porteur)
    response = post(
        client,
        base(invited) + "/invitations/answer",
        {"invitation_id": invited.school_row.id, "answer": "tentative", "comment": "Par téléphone, à confirmer"},
        htmx=True,
    )
    assert response.status_code == 200
    assert "Réponse d'École élémentaire Volga enregistrée : Peut-être." in page_text(response)
    row = db.session.get(Invitation, invited.school_row.id)
    db.session.refresh(row)
    assert (row.answer, row.answer_channel, row.comment) == (
        Answer.TENTATIVE, AnswerChannel.ORGANISER, "Par téléphone, à confirmer"
    )
    assert "Saisie par l'organisateur" in page_text(response)
    # An invitation of another meeting is not a valid choice.
    bad = post(client, base(invited) + "/invitations/answer", {"invitation_id": 999, "answer": "accepted"}, htmx=True)
    assert bad.status_code == 422
    missing = post(client, base(invited) + "/invitations/answer", {"invitation_id": "", "answer": "accepted"}, htmx=True)
    assert missing.status_code == 422
    assert "Choisissez la personne ou l'organisation." in page_text(missing)


def test_polling_answers_is_204_until_something_changes(client, login_as, invited):
    login_as("host")
    first = htmx_get(client, base(invited) + "/invitations/answers")
    assert first.status_code == 200
    import re

    version = re.search(r"answers\?v=([^\"&]+)", first.get_data(as_text=True)).group(1)
    assert htmx_get(client, base(invited) + f"/invitations/answers?v={version}").status_code == 204
    row = db.session.get(Invitation, invited.school_row.id)
    row.answer = Answer.ACCEPTED
    db.session.commit()
    changed = htmx_get(client, base(invited) + f"/invitations/answers?v={version}")
    assert changed.status_code == 200
    assert "1 présente" in visible(changed)
    # Without HTMX, the address leads to the meeting page.
    assert client.get(base(invited) + "/invitations/answers").status_code == 303


def test_panel_and_poll_queries_do_not_grow_with_invitees(client, login_as, committee, make_partner,
                                                         make_contact, make_meeting, make_invitation):
    login_as("host")
    meeting = make_meeting()

    def add_invitees(count):
        for _ in range(count):
            partner = make_partner(PartnerKind.ASSOCIATION)
            make_invitation(meeting, partner)
            contact = make_contact(partner)
            row = make_invitation(meeting, partner, contact)
            db.session.add(OutgoingMessage(committee_id=committee.id, meeting_id=meeting.id, invitation_id=row.id,
                                           kind=MessageKind.INVITATION, recipient=contact.email, subject="s",
                                           raw=b"x"))
        db.session.commit()
        db.session.expire_all()

    def measure(total):
        with count_queries() as panel_statements:
            panel = htmx_get(client, f"/c/rennes/meetings/{meeting.id}/invitations")
        with count_queries() as poll_statements:
            poll = htmx_get(client, f"/c/rennes/meetings/{meeting.id}/invitations/answers?v=old")
        assert visible(panel).count("Invitation en attente") == total
        assert visible(poll).count("Invitation en attente") == total
        return len(panel_statements), len(poll_statements)

    add_invitees(3)
    with_three = measure(3)
    add_invitees(12)
    assert measure(15) == with_three


def test_reminders_go_once_to_those_without_answer(client, login_as, invited, app):
    login_as("host")
    post(client, base(invited) + "/invitations/send",
         {"contacts": [invited.director.id, invited.teacher.id, invited.coordinator.id]}, htmx=True)
    teacher = contact_invitation(invited.meeting, invited.teacher)
    teacher.answer = Answer.ACCEPTED
    # The PRE answered as an organisation: its contact is not reminded either.
    pre_row = db.session.get(Invitation, invited.pre_row.id)
    pre_row.answer = Answer.DECLINED
    db.session.commit()

    response = post(client, base(invited) + "/invitations/remind", htmx=True)
    assert response.status_code == 200
    assert "Relance envoyée à 1 contact sans réponse ou à reconfirmer." in page_text(response)
    reminders = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == MessageKind.REMINDER)).all()
    assert [r.recipient for r in reminders] == ["i.caradec@ecole.example.fr"]
    assert reminders[0].subject.startswith("Relance : ")
    assert contact_invitation(invited.meeting, invited.director).reminded_at is not None

    again = post(client, base(invited) + "/invitations/remind", htmx=True)
    assert "Personne à relancer" in page_text(again)
    assert db.session.scalar(select(db.func.count()).where(OutgoingMessage.kind == MessageKind.REMINDER)) == 1


def test_an_answer_to_reconfirm_is_reminded_once_for_the_new_date(client, login_as, invited):
    from clas_local.meetings import services as meetings

    login_as("host")
    post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id, invited.teacher.id]}, htmx=True)
    for contact in (invited.director, invited.teacher):
        contact_invitation(invited.meeting, contact).answer = Answer.ACCEPTED
    db.session.commit()
    assert "Relancer les personnes sans réponse ou à reconfirmer (0)" in page_text(client.get(base(invited)))

    start = invited.meeting.starts_at + timedelta(days=1)
    meetings.update_meeting(invited.meeting, starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.commit()
    # The teacher answers again for the new date; the director's answer stays « à reconfirmer ».
    teacher = contact_invitation(invited.meeting, invited.teacher)
    teacher.answer_to_reconfirm = False
    db.session.commit()
    assert "Relancer les personnes sans réponse ou à reconfirmer (1)" in page_text(client.get(base(invited)))

    response = post(client, base(invited) + "/invitations/remind", htmx=True)
    assert "Relance envoyée à 1 contact sans réponse ou à reconfirmer." in page_text(response)
    reminder = db.session.scalar(select(OutgoingMessage).where(OutgoingMessage.kind == MessageKind.REMINDER))
    assert reminder.recipient == "i.caradec@ecole.example.fr"
    body = message_from_bytes(reminder.raw, policy=policy.default).get_body(("plain",)).get_content()
    assert "La date ou l'heure de la réunion suivante a changé depuis votre réponse (« présent·e »)." in body
    assert "Nous n'avons pas encore votre réponse" not in body

    again = post(client, base(invited) + "/invitations/remind", htmx=True)
    assert "Personne à relancer" in page_text(again)
    # Another change of date: she may be reminded again, for that date.
    start = start + timedelta(days=1)
    meetings.update_meeting(invited.meeting, starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.commit()
    assert "Relancer les personnes sans réponse ou à reconfirmer (2)" in page_text(client.get(base(invited)))


def test_send_reminders_command_respects_the_days_before(app, client, login_as, invited):
    login_as("host")
    post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}, htmx=True)
    runner = app.test_cli_runner()
    app.config["REMINDER_DAYS_BEFORE"] = 3  # the meeting is in five days: not yet
    result = runner.invoke(args=["clas", "send-reminders"])
    assert result.exit_code == 0, result.output
    assert "0 relance(s) pour les réunions des 3 prochains jours" in result.output
    app.config["REMINDER_DAYS_BEFORE"] = 7
    result = runner.invoke(args=["clas", "send-reminders"])
    assert "1 relance(s) pour les réunions des 7 prochains jours : 1 envoyée(s), 0 en échec." in result.output
    result = runner.invoke(args=["clas", "send-reminders"])
    assert "0 relance(s)" in result.output


def test_send_pending_command_sends_what_is_queued(app, invited, smtp_server, make_invitation):
    from clas_local.invitations.services import invite_contacts

    invite_contacts(invited.meeting, [invited.director.id, invited.coordinator.id])
    db.session.commit()  # recorded, not delivered: a crash between the two loses nothing
    assert smtp_server.received == []
    result = app.test_cli_runner().invoke(args=["clas", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) envoyé(s) par SMTP, 0 en échec." in result.output
    assert len(smtp_server.received) == 2
    result = app.test_cli_runner().invoke(args=["clas", "send-pending"])
    assert "0 message(s) envoyé(s)" in result.output


def test_cancelling_through_the_meeting_page_emails_a_cancel(client, login_as, invited, smtp_server):
    login_as("host")
    post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}, htmx=True)
    response = post(client, base(invited) + "/cancel", {"reason": "Salle indisponible"})
    assert response.status_code == 303
    assert len(smtp_server.received) == 2
    cancel = smtp_server.received[1].message
    assert cancel["Subject"].startswith("Annulée : ")
    calendar = next(p for p in cancel.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "CANCEL"
    record = db.session.scalars(select(OutgoingMessage).order_by(OutgoingMessage.id.desc())).first()
    assert (record.kind, record.status) == (MessageKind.CANCELLATION, MessageStatus.SENT)
    page = client.get(base(invited))
    assert "Annulation envoyée" in visible(page)


def test_meeting_moved_later_keeps_its_answer_links(client, invited, make_invitation):
    from clas_local.invitations import tokens

    row = make_invitation(invited.meeting, invited.school, invited.director)
    url = f"/rsvp/{tokens.make_token(row)}"
    invited.meeting.starts_at += timedelta(days=60)
    invited.meeting.ends_at += timedelta(days=60)
    db.session.commit()
    assert client.get(url).status_code == 200


def test_school_role_is_not_an_organiser(client, login_as, invited):
    login_as(Role.SCHOOL, partner=invited.school)
    assert post(client, base(invited) + "/invitations/send", {"contacts": [invited.director.id]}).status_code == 403


def test_send_button_is_disabled_once_everyone_has_the_current_version(client, login_as, invited):
    login_as("host")
    contacts = [invited.director.id, invited.teacher.id]
    partial = post(client, base(invited) + "/invitations/send", {"contacts": contacts}, htmx=True)
    assert 'class="primary">Envoyer les invitations' in partial.get_data(as_text=True)
    done = post(client, base(invited) + "/invitations/send", {"contacts": [invited.coordinator.id]}, htmx=True)
    body = done.get_data(as_text=True)
    assert 'class="primary" disabled>Envoyer les invitations' in body
    assert "Marc Le Goff (Enseignant) — invitation envoyée" in visible(done)
    assert "Réponses individuelles ci-dessous" in visible(done)
