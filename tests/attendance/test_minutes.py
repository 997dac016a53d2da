from __future__ import annotations

from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.meetings.models import MeetingKind, Minutes
from clas_local.partners.models import PartnerKind
from tests.conftest import htmx_get, page_text, post


def test_bilan_form_is_prefilled_with_its_headings_and_the_reminder(client, as_porteur):
    scene = as_porteur
    scene.meeting.kind = MeetingKind.BILAN
    db.session.commit()
    response = client.get(scene.url("/minutes/edit"))
    assert response.status_code == 200
    text = page_text(response)
    for heading in ("Actions menées", "Assiduité", "Relations avec les familles", "Suites à donner"):
        assert f"{heading} :" in text
    assert "Ne nommez aucun enfant" in text
    assert text.count("<h1") == 1


def test_each_kind_has_its_own_template(client, as_porteur):
    scene = as_porteur
    expected = {
        MeetingKind.DIAGNOSTIC: "Constats partagés sur les besoins",
        MeetingKind.LANCEMENT: "Orientation des enfants par les équipes éducatives",
        MeetingKind.SUIVI: "Difficultés rencontrées",
    }
    for kind, heading in expected.items():
        scene.meeting.kind = kind
        db.session.commit()
        assert heading in page_text(htmx_get(client, scene.url("/minutes/edit")))


def test_comite_local_template(client, login_as, make_meeting):
    login_as(Role.HOST)
    meeting = make_meeting()
    text = page_text(client.get(f"/c/rennes/meetings/{meeting.id}/minutes/edit"))
    assert "Présence de l'Éducation nationale" in text and "Tour de table des partenaires" in text


def test_saving_minutes_renders_escaped_text_with_line_breaks(client, as_porteur):
    scene = as_porteur
    body = "Actions menées :\n<script>alert(1)</script> ateliers lecture\n\nSuites à donner :\nrevoir les horaires"
    response = post(client, scene.url("/minutes/edit"), {"body": body}, htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="minutes-section"')
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<div class="minutes-body">Actions menées :\n' in html
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == scene.meeting.id))
    assert minutes.body == body and minutes.updated_by_id == scene.porteur_user.id
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "minutes.create")) is not None

    # Editing again starts from the saved text, not the template.
    assert "ateliers lecture" in page_text(client.get(scene.url("/minutes/edit")))
    response = post(client, scene.url("/minutes/edit"), {"body": "Nouveau texte"})
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(Minutes.body).where(Minutes.meeting_id == scene.meeting.id)) == "Nouveau texte"


def test_too_long_minutes_are_refused_in_french(client, as_porteur):
    scene = as_porteur
    response = post(client, scene.url("/minutes/edit"), {"body": "x" * 50_001}, htmx=True)
    assert response.status_code == 422
    assert "ne peut pas dépasser" in page_text(response)
    assert db.session.scalar(select(Minutes)) is None


def test_minutes_visible_to_invited_school_user_and_404_for_another_school(client, scene, login_as, make_partner):
    db.session.add(Minutes(meeting_id=scene.meeting.id, body="Assiduité :\nbonne dans les deux collectifs"))
    db.session.commit()
    login_as(Role.SCHOOL, partner=scene.school)
    response = client.get(scene.url("/minutes"))
    assert response.status_code == 200
    assert "bonne dans les deux collectifs" in page_text(response)
    assert "Modifier le compte rendu" not in page_text(response)
    assert client.get(scene.url("/minutes/edit")).status_code == 403
    assert post(client, scene.url("/minutes/edit"), {"body": "piraté"}).status_code == 403

    other_school = make_partner(PartnerKind.ECOLE)
    login_as(Role.SCHOOL, partner=other_school)
    assert client.get(scene.url("/minutes")).status_code == 404


def test_minutes_of_another_committee_are_404(client, login_as, make_committee, make_project, make_meeting):
    login_as(Role.HOST)
    other = make_committee()
    meeting = make_meeting(project=make_project(committee=other))
    assert client.get(f"/c/rennes/meetings/{meeting.id}/minutes").status_code == 404
    assert client.get(f"/c/{other.slug}/meetings/{meeting.id}/minutes").status_code == 404
