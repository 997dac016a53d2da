"""The school role, decided on purpose (data minimisation): a school user sees the meetings
their school is invited to (with the names of the organisations invited), their school's
own invitations, answers and attendance, and the minutes — not the other organisations'
people, invited or present, nor the evidence files (signed sign-in sheets carry every
attendee's name and signature)."""

from __future__ import annotations

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.partners.models import Contact, Partner
from tests.conftest import htmx_get, page_text
from tests.factories import sign_in
from tests.security.world import build_world


def _school_world():
    world = build_world()
    territory = db.session.get(Partner, world.ids["territory"])
    coordinator = Contact(partner=territory, full_name="Yann Coordinateur", function="Coordinateur",
                          email="yann@pre.example.fr")
    db.session.add(coordinator)
    db.session.flush()
    meeting_id = world.ids["meeting"]
    db.session.add_all([Invitation(meeting_id=meeting_id, partner_id=territory.id),
                        Invitation(meeting_id=meeting_id, partner_id=territory.id, contact_id=coordinator.id)])
    attendance = Attendance(meeting_id=meeting_id, partner_id=territory.id, presence=Presence.PRESENT, invited=True)
    db.session.add(attendance)
    db.session.flush()
    db.session.add(Attendee(attendance_id=attendance.id, full_name="Yann Coordinateur", function="Coordinateur"))
    db.session.add(Attendee(attendance_id=world.ids["attendance"], full_name="Claire Directrice", function="Directrice"))
    db.session.commit()
    return world


def _as(app, world, actor):
    client = app.test_client()
    sign_in(client, world.users[actor])
    return client


def test_a_school_user_sees_their_school_and_the_minutes_only(world_app):
    world = _school_world()
    school = _as(world_app, world, "school")
    base = f"/c/rennes/meetings/{world.ids['meeting']}"
    pages = {
        "meeting": school.get(base),
        "attendance": school.get(f"{base}/attendance"),
        "answers": htmx_get(school, f"{base}/invitations"),
        "minutes": school.get(f"{base}/minutes"),
    }
    for what, response in pages.items():
        assert response.status_code == 200, what
        text = page_text(response)
        assert "Yann Coordinateur" not in text, what
        assert "Paul Bibliothécaire" not in text, what
        assert "yann@pre.example.fr" not in text, what
        assert "emargement.pdf" not in text, what
    assert "Claire Directrice" in page_text(pages["attendance"])
    assert "École Jules-Ferry" in page_text(pages["answers"])
    assert "Compte rendu de la réunion de suivi." in page_text(pages["minutes"])
    assert school.get(f"/c/rennes/evidence/{world.ids['evidence']}").status_code == 404
    assert school.get(f"{base}/evidence").status_code == 403


def test_other_roles_still_see_every_organisation_and_file(world_app):
    world = _school_world()
    viewer = _as(world_app, world, "viewer")
    base = f"/c/rennes/meetings/{world.ids['meeting']}"
    text = page_text(viewer.get(base))
    for name in ("Yann Coordinateur", "Paul Bibliothécaire", "Claire Directrice", "emargement.pdf"):
        assert name in text, name
    assert viewer.get(f"/c/rennes/evidence/{world.ids['evidence']}").status_code == 200
