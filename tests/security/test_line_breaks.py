"""Header-bound text cannot break sending: a line break in a meeting title, project name,
committee name or contact name is refused by the forms, and stripped by every writer
(e-mail headers, calendars, PDF titles) when it reaches the database anyway; a reminder
run never stops at one bad meeting."""

from __future__ import annotations

import io
from email import message_from_bytes, policy


import icalendar
import pytest
from pypdf import PdfReader
from sqlalchemy import select

from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.invitations import services
from clas_local.mail.models import MessageKind, OutgoingMessage
from clas_local.meetings.models import Meeting
from clas_local.partners.models import PartnerKind
from tests.conftest import page_text, post
from tests.factories import sign_in
from tests.invitations.conftest import calendar_part, contact_invitation
from tests.invitations.conftest import invited  # noqa: F401  (a meeting and its invitees)

REFUSED = "Ce champ tient sur une seule ligne : retirez le retour à la ligne."
INJECTED = "Suivi\r\nBcc: intrus@exemple.fr"


@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028"])
def test_forms_refuse_a_line_break_in_one_line_fields(app, client, login_as, make_partner, make_user, separator):
    login_as("host")
    porteur = make_partner(PartnerKind.ASSOCIATION)
    school = make_partner(PartnerKind.ECOLE)
    attempts = [
        ("/c/rennes/meetings/new", {"kind": "comite_local", "title": f"Comité{separator}Bcc: x@y.fr",
                                    "day": "2026-12-10", "start_time": "17:30", "duration": "90"}),
        ("/c/rennes/projects/new", {"name": f"Clas{separator}du Blosne", "school_year": "2026-2027",
                                    "porteur_id": str(porteur.id)}),
        ("/c/rennes/partners/new", {"kind": "association", "name": f"Asso{separator}ciation"}),
        (f"/c/rennes/partners/{school.id}/contacts/new", {"full_name": f"Anne{separator}Martin", "function": "CPE"}),
    ]
    for url, data in attempts:
        response = post(client, url, data)
        assert response.status_code == 422, url
        assert REFUSED in page_text(response), url
    admin = app.test_client()
    sign_in(admin, make_user(is_admin=True))
    response = post(admin, "/admin", {"name": f"Comité{separator}de Vannes", "slug": "vannes", "holiday_zone": "B",
                                      "timezone": "Europe/Paris"})
    assert response.status_code == 422 and REFUSED in page_text(response)
    assert db.session.scalar(select(Committee).where(Committee.slug == "vannes")) is None
    assert db.session.scalar(select(Meeting)) is None


def _one_line_headers(raw: bytes) -> None:
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert b"\nBcc:" not in head and b"\rBcc:" not in head
    assert message_from_bytes(raw, policy=policy.default)["Bcc"] is None


def test_writers_strip_line_breaks_that_reached_the_database(app, client, login_as, invited):  # noqa: F811
    invited.meeting.title = INJECTED
    invited.project.name = "Clas du\nBlosne"
    invited.committee.name = "Comité local\r\nde Rennes"
    invited.director.full_name = "Isabelle\r\nCaradec"
    db.session.commit()

    records = services.invite_contacts(invited.meeting, [invited.director.id, invited.teacher.id])
    db.session.commit()
    assert len(records) == 2
    for record in records:
        _one_line_headers(record.raw)
        message = message_from_bytes(record.raw, policy=policy.default)
        assert message["Subject"].startswith("Invitation : Suivi Bcc: intrus@exemple.fr – Clas du Blosne – ")
        event = icalendar.Calendar.from_ical(calendar_part(message).get_content()).walk("VEVENT")[0]
        assert "\n" not in str(event["SUMMARY"]) and str(event["SUMMARY"]).startswith("Suivi Bcc: intrus@exemple.fr")
    assert str(message_from_bytes(records[0].raw, policy=policy.default)["From"]).startswith("Comité local de Rennes")

    login_as("host")
    base = f"/c/rennes/meetings/{invited.meeting.id}"
    for url in (f"{base}.ics", f"/c/rennes/projects/{invited.project.id}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
        assert "\n" not in str(event["SUMMARY"]), url
    pdf = client.get(f"/c/rennes/projects/{invited.project.id}/dossier.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    metadata = PdfReader(io.BytesIO(pdf.data)).metadata
    assert metadata.title == "Dossier de concertation – Clas du Blosne (2026-2027)"
    assert metadata.author == "Comité local de Rennes"


def test_one_bad_meeting_does_not_stop_the_reminders_of_the_others(app, invited, make_meeting, make_invitation,  # noqa: F811
                                                                   monkeypatch):
    from tests.invitations.conftest import MEETING_START

    other = make_meeting(invited.project, starts_at=MEETING_START + __import__("datetime").timedelta(hours=3),
                         title="Autre réunion")
    make_invitation(other, invited.school)
    services.invite_contacts(invited.meeting, [invited.director.id])
    services.invite_contacts(other, [invited.director.id])
    db.session.commit()
    real = services.build_invitation_message

    def broken_for_the_first(invitation, kind, attendees, **kwargs):
        if invitation.meeting_id == invited.meeting.id:
            raise ValueError("Header values may not contain linefeed or carriage return characters")
        return real(invitation, kind, attendees, **kwargs)

    monkeypatch.setattr(services, "build_invitation_message", broken_for_the_first)
    result = app.test_cli_runner().invoke(args=["clas", "send-reminders"])
    assert result.exit_code == 1
    assert "1 relance(s) pour les réunions des 7 prochains jours : 1 envoyée(s), 0 en échec." in result.output
    assert f"Relances impossibles à préparer pour la réunion n° {invited.meeting.id}" in result.output
    reminders = db.session.scalars(select(OutgoingMessage).where(OutgoingMessage.kind == MessageKind.REMINDER)).all()
    assert [r.meeting_id for r in reminders] == [other.id]
    assert contact_invitation(invited.meeting, invited.director).reminded_at is None  # retried next run
