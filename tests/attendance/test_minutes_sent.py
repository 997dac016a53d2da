"""After the meeting: the compte rendu is e-mailed to its participants (through a real SMTP server)."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.mail.models import MessageKind, OutgoingMessage
from clas_local.meetings.models import Minutes
from tests.conftest import page_text, post
from tests.invitations.conftest import smtp_server  # noqa: F401  (the loopback SMTP server)


def test_the_minutes_go_to_the_invited_and_the_people_present(client, as_porteur, make_contact, smtp_server):  # noqa: F811
    scene = as_porteur
    centre_person = make_contact(scene.centre, full_name="Karim Haddad", email="k.haddad@centre.example.fr")
    post(client, scene.toggle_url(scene.centre), {"presence": "present"}, htmx=True)
    assert db.session.scalar(select(OutgoingMessage.id).limit(1)) is None  # nothing sent yet
    from tests.attendance.test_attendance import _attendance

    row = _attendance(scene.meeting, scene.centre)
    post(client, scene.url(f"/attendance/{row.id}/people"), {"contact_id": str(centre_person.id)}, htmx=True)
    page = page_text(client.get(scene.url()))
    assert "Envoyer le compte rendu aux participants" not in page  # nothing written yet
    db.session.add(Minutes(meeting_id=scene.meeting.id, body="Suites à donner :\nUn point en janvier."))
    db.session.commit()
    assert "Envoyer le compte rendu aux participants" in page_text(client.get(scene.url()))

    response = post(client, scene.url("/minutes/send"))
    assert response.status_code == 303
    assert "Compte rendu envoyé à 2 participants." in page_text(client.get(scene.url()))
    recipients = sorted(address for message in smtp_server.received for address in message.recipients)
    assert recipients == sorted([scene.director.email, "k.haddad@centre.example.fr"])
    message = smtp_server.received[0].message
    assert str(message["Subject"]).startswith("Compte rendu : ")
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Un point en janvier." in body and f"/meetings/{scene.meeting.id}#minutes-section" in body
    kinds = set(db.session.scalars(select(OutgoingMessage.kind)))
    assert kinds == {MessageKind.MINUTES}


def test_without_minutes_nothing_is_sent_and_the_reason_is_given(client, as_porteur, smtp_server):  # noqa: F811
    scene = as_porteur
    response = post(client, scene.url("/minutes/send"))
    assert response.status_code == 303
    assert "Le compte rendu n'est pas encore rédigé" in page_text(client.get(scene.url()))
    assert smtp_server.received == []


def test_meetings_and_attendance_export_for_a_french_spreadsheet(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    meetings = client.get(f"/c/{scene.meeting.committee.slug}/meetings/export.csv")
    assert meetings.status_code == 200 and meetings.mimetype == "text/csv"
    text = meetings.get_data().decode("utf-8")
    assert text.startswith("\ufeffDate;Début;Fin;Réunion;Type;Projet;Année scolaire;Lieu;État\r\n")
    assert "jeudi 19 novembre 2026;17 h 30;19 h;Suivi;Suivi;" in text and ";Tenue\r\n" in text
    sheet = client.get(scene.url("/attendance.csv"))
    assert sheet.status_code == 200
    assert 'filename="presences-suivi-2026-11-19.csv"' in sheet.headers["Content-Disposition"]
    lines = sheet.get_data().decode("utf-8").lstrip("\ufeff").splitlines()
    assert lines[0] == "Organisation;Invitée;Réponse à l'invitation;Présence;Personnes présentes"
    assert any(line.startswith("École élémentaire Volga;oui;") and line.endswith(";Présent;") for line in lines), lines
    assert any(line.startswith("Centre social Ty-Blosne;oui;") and ";Non renseignée;" in line for line in lines), lines
