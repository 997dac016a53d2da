from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import func, select

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.audit.models import AuditEvent
from clas_local.db import utcnow
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.meetings.models import Meeting, MeetingStatus
from clas_local.partners.models import PartnerKind
from tests.attendance.conftest import PAST_START
from tests.conftest import count_queries, htmx_get, page_text, post


def _attendance(meeting, partner):
    db.session.expire_all()
    return db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.partner_id == partner.id)
    )


def test_toggle_returns_the_row_fragment_only(client, as_porteur):
    scene = as_porteur
    response = post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True).strip()
    assert body.startswith(f'<tr id="attendance-partner-{scene.school.id}">')
    row, counts = body.split("</tr>", 1)
    # The counts above the table follow, out of band (in a template: valid beside a row).
    assert counts.strip().startswith('<template><p class="muted" id="attendance-summary" role="status" hx-swap-oob="innerHTML">')
    assert "1 organisation présente, 0 excusée, 0 absente ; 0 personne présente.</p></template>" in " ".join(
        page_text(response).split()
    )
    # So does the meeting's state, which the first « Présent » turned to « Tenue ».
    assert " ".join(page_text(response).split()).endswith(
        '<template><span id="meeting-state" hx-swap-oob="true"><span class="badge badge-ok">Tenue</span></span></template>'
    )
    assert "<html" not in body and "<h1" not in body
    assert 'aria-pressed="true"' in body and "Présent" in page_text(response)
    assert "HX-Request" in response.headers["Vary"]
    assert _attendance(scene.meeting, scene.school).presence is Presence.PRESENT


def test_toggle_without_htmx_redirects_to_the_meeting_page(client, as_porteur):
    scene = as_porteur
    response = post(client, scene.toggle_url(scene.centre), {"presence": "excused"})
    assert response.status_code == 303
    assert f"/meetings/{scene.meeting.id}" in response.headers["Location"]
    assert _attendance(scene.meeting, scene.centre).presence is Presence.EXCUSED


def test_page_reflects_toggles_after_reload(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    post(client, scene.toggle_url(scene.centre), {"presence": "absent"}, htmx=True)
    post(client, scene.toggle_url(scene.centre), {"presence": "excused"}, htmx=True)
    response = client.get(scene.url("/attendance"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    school_row = re.search(rf'<tr id="attendance-partner-{scene.school.id}">.*?</tr>', html, re.S).group(0)
    centre_row = re.search(rf'<tr id="attendance-partner-{scene.centre.id}">.*?</tr>', html, re.S).group(0)
    assert "badge-ok\">Présent<" in school_row
    assert "badge-warn\">Excusé<" in centre_row
    assert "1 organisation présente, 1 excusée, 0 absente" in " ".join(page_text(response).split())


def test_recording_attendance_makes_the_meeting_held(client, as_porteur):
    scene = as_porteur
    assert scene.meeting.status is MeetingStatus.PLANNED
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    db.session.expire_all()
    meeting = db.session.get(Meeting, scene.meeting.id)
    assert meeting.status is MeetingStatus.HELD
    assert meeting.sequence == 0  # held is not a change to resend


def test_toggle_is_an_upsert_and_audited(client, as_porteur):
    scene = as_porteur
    for presence in ("present", "absent", "excused", "present"):
        assert post(client, scene.toggle_url(scene.school), {"presence": presence}, htmx=True).status_code == 200
    rows = db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.meeting_id == scene.meeting.id))
    assert rows == 1
    assert _attendance(scene.meeting, scene.school).invited is True
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "attendance.set")).all()
    assert len(actions) == 4


def test_bad_presence_value_is_refused_in_french(client, as_porteur):
    scene = as_porteur
    response = post(client, scene.toggle_url(scene.school), {"presence": "maybe"}, htmx=True)
    assert response.status_code == 422
    assert "Choisissez présent, excusé ou absent." in page_text(response)
    assert _attendance(scene.meeting, scene.school) is None


def test_cancelled_meeting_refuses_attendance(client, as_porteur):
    scene = as_porteur
    scene.meeting.status = MeetingStatus.CANCELLED
    db.session.commit()
    response = post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    assert response.status_code == 422
    assert "annulée" in page_text(response)
    assert _attendance(scene.meeting, scene.school) is None


def test_people_present_known_contact_and_free_name(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.school)
    url = scene.url(f"/attendance/{attendance.id}/people")
    response = post(client, url, {"contact_id": str(scene.director.id)}, htmx=True)
    assert response.status_code == 200
    assert "Claire Martin" in page_text(response)
    response = post(client, url, {"full_name": "Sophie Bernard", "function": "Enseignante CP"}, htmx=True)
    assert response.get_data(as_text=True).startswith(f'<tr id="attendance-partner-{scene.school.id}">')
    assert "Sophie Bernard" in page_text(response) and "Enseignante CP" in page_text(response)
    names = sorted(p.display_name for p in _attendance(scene.meeting, scene.school).people)
    assert names == ["Claire Martin", "Sophie Bernard"]

    # Marking the organisation absent keeps the names entered, shown apart and not counted as present.
    response = post(client, scene.toggle_url(scene.school), {"presence": "absent"}, htmx=True)
    text = " ".join(page_text(response).split())
    assert "Noms gardés si l'organisation revient à « Présent » : Claire Martin, Sophie Bernard" in text
    assert "0 personne présente" in text
    # Back to « Présent »: the same two people are there again.
    response = post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    assert "2 personnes présentes" in " ".join(page_text(response).split())
    names = sorted(p.display_name for p in _attendance(scene.meeting, scene.school).people)
    assert names == ["Claire Martin", "Sophie Bernard"]


def test_switching_present_excused_present_keeps_the_people_everywhere(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.school)
    post(client, scene.url(f"/attendance/{attendance.id}/people"), {"full_name": "Sophie Bernard"}, htmx=True)
    post(client, scene.toggle_url(scene.school), {"presence": "excused"}, htmx=True)
    # Excused: the dossier does not list her as present.
    dossier = client.get(f"/c/{scene.meeting.committee.slug}/projects/{scene.project.id}/dossier")
    assert dossier.status_code == 200 and "Sophie Bernard" not in page_text(dossier)
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    page = client.get(scene.url("/attendance"))
    assert "Sophie Bernard" in page_text(page)
    assert "1 personne présente" in " ".join(page_text(page).split())
    dossier = client.get(f"/c/{scene.meeting.committee.slug}/projects/{scene.project.id}/dossier")
    assert "Sophie Bernard" in page_text(dossier)


def test_an_organisation_can_go_back_to_not_recorded(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.school)
    post(client, scene.url(f"/attendance/{attendance.id}/people"), {"full_name": "Sophie Bernard"}, htmx=True)
    page = page_text(client.get(scene.url("/attendance")))
    # The button asks before erasing the name entered.
    assert "efface 1 personne notée. Continuer ?" in page
    response = post(client, scene.toggle_url(scene.school), {"presence": "clear"}, htmx=True)
    assert response.status_code == 200
    assert "Non renseignée" in page_text(response)
    assert _attendance(scene.meeting, scene.school) is None
    # Nothing is recorded any more: the meeting is no longer « tenue ».
    db.session.expire_all()
    assert db.session.get(Meeting, scene.meeting.id).status is MeetingStatus.PLANNED
    assert '<span class="badge badge-warn">À compléter (présences, compte rendu)</span>' in page_text(response)


def test_a_meeting_that_has_not_started_cannot_be_marked_held(client, as_porteur, make_meeting, make_invitation):
    scene = as_porteur
    future = make_meeting(project=scene.project, starts_at=utcnow() + timedelta(days=3))
    make_invitation(future, scene.school)
    url = f"/c/{future.committee.slug}/meetings/{future.id}"
    page = " ".join(page_text(client.get(f"{url}/attendance")).split())
    assert "les présences pourront être notées à partir du" in page
    assert f'id="attendance-partner-{scene.school.id}-present"' not in page  # no buttons yet
    response = post(client, f"{url}/attendance/partners/{scene.school.id}", {"presence": "present"}, htmx=True)
    assert response.status_code == 422
    assert "n'a pas encore commencé" in page_text(response)
    assert _attendance(future, scene.school) is None
    db.session.expire_all()
    assert db.session.get(Meeting, future.id).status is MeetingStatus.PLANNED


def test_person_without_name_gets_a_french_error_and_nothing_saved(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.centre), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.centre)
    response = post(client, scene.url(f"/attendance/{attendance.id}/people"), {"full_name": "  "}, htmx=True)
    assert response.status_code == 422
    assert "indiquez le nom de la personne présente" in page_text(response)
    assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0


def test_contact_of_another_organisation_is_refused(client, as_porteur, make_contact):
    scene = as_porteur
    post(client, scene.toggle_url(scene.centre), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.centre)
    response = post(client, scene.url(f"/attendance/{attendance.id}/people"), {"contact_id": str(scene.director.id)}, htmx=True)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(Attendee)) == 0


def test_remove_person(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.school)
    post(client, scene.url(f"/attendance/{attendance.id}/people"), {"full_name": "Sophie Bernard"}, htmx=True)
    person = _attendance(scene.meeting, scene.school).people[0]
    response = post(client, scene.url(f"/attendance/people/{person.id}/delete"), htmx=True)
    assert response.status_code == 200
    assert "Sophie Bernard" not in page_text(response)
    assert _attendance(scene.meeting, scene.school).people == []


def test_uninvited_directory_partner_and_free_label(client, as_porteur, make_partner):
    scene = as_porteur
    pre = make_partner(PartnerKind.PRE, name="Réussite éducative de Rennes")
    url = scene.url("/attendance/uninvited")
    response = post(client, url, {"partner_id": str(pre.id), "full_name": "Karim Haddad", "function": "Coordinateur"}, htmx=True)
    assert response.status_code == 200
    # The new row only, appended to the table, then the counts and the « Ajouter » button back (out of band).
    body = response.get_data(as_text=True).lstrip()
    assert body.startswith(f'<tr id="attendance-partner-{pre.id}">') and "<section" not in body
    assert "Réussite éducative de Rennes" in page_text(response) and "Non invitée" in page_text(response)
    assert '<template><p class="muted" id="attendance-summary" role="status" hx-swap-oob="innerHTML">' in body
    assert '<template><p id="attendance-uninvited" hx-swap-oob="true">' in body
    assert "1 organisation présente" in " ".join(page_text(response).split())
    response = post(client, url, {"organisation_label": "Conseil citoyen", "full_name": "Anne Roux"})
    assert response.status_code == 303
    db.session.expire_all()
    rows = db.session.scalars(select(Attendance).where(Attendance.invited.is_(False)).order_by(Attendance.id)).all()
    assert [r.organisation_name for r in rows] == ["Réussite éducative de Rennes", "Conseil citoyen"]
    assert [p.display_name for r in rows for p in r.people] == ["Karim Haddad", "Anne Roux"]
    page = page_text(client.get(scene.url("/attendance")))
    assert "Conseil citoyen" in page and "Anne Roux" in page


def test_removing_an_uninvited_organisation_removes_its_row_and_updates_the_counts(client, as_porteur):
    scene = as_porteur
    post(client, scene.url("/attendance/uninvited"), {"organisation_label": "Conseil citoyen"})
    post(client, scene.toggle_url(scene.school), {"presence": "present"})
    added = db.session.scalar(select(Attendance).where(Attendance.invited.is_(False)))
    page = page_text(client.get(scene.url("/attendance")))
    assert f'hx-post="/c/rennes/meetings/{scene.meeting.id}/attendance/{added.id}/delete" hx-target="closest tr"' in page
    response = post(client, scene.url(f"/attendance/{added.id}/delete"), htmx=True)
    assert response.status_code == 200
    body = " ".join(page_text(response).split())
    assert body.startswith('<template><p class="muted" id="attendance-summary"')  # no row: the swap removes it
    assert "1 organisation présente, 0 excusée, 0 absente" in body
    assert db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.invited.is_(False))) == 0


def test_an_invited_organisation_cannot_be_removed_and_its_row_says_why(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"})
    invited = _attendance(scene.meeting, scene.school)
    response = post(client, scene.url(f"/attendance/{invited.id}/delete"), htmx=True)
    assert response.status_code == 422
    assert response.get_data(as_text=True).lstrip().startswith(f'<tr id="attendance-partner-{scene.school.id}">')
    assert "Une organisation invitée ne se retire pas : marquez-la absente ou excusée." in page_text(response)
    assert _attendance(scene.meeting, scene.school) is not None


def test_first_organisation_of_a_meeting_without_invitations_gets_the_whole_panel(
    client, login_as, committee, make_meeting
):
    meeting = make_meeting(committee=committee, starts_at=PAST_START)
    login_as("host")
    url = f"/c/rennes/meetings/{meeting.id}/attendance"
    assert "Aucune organisation invitée ni présente pour l'instant." in page_text(client.get(url))
    response = post(client, url + "/uninvited", {"organisation_label": "Conseil citoyen"}, htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#attendance-panel"
    assert response.get_data(as_text=True).lstrip().startswith('<section id="attendance-panel"')
    assert '<tbody id="attendance-others">' in response.get_data(as_text=True)


def test_uninvited_needs_an_organisation(client, as_porteur):
    scene = as_porteur
    response = post(client, scene.url("/attendance/uninvited"), {"full_name": "Anne Roux"}, htmx=True)
    assert response.status_code == 422
    assert "Choisissez une organisation de l'annuaire ou écrivez le nom de l'organisation." in page_text(response)
    # The errors go back into the form, not over the whole panel.
    assert response.headers["HX-Retarget"] == "#attendance-uninvited"
    assert response.get_data(as_text=True).lstrip().startswith('<div id="attendance-uninvited"')
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
    response = post(client, scene.url("/attendance/uninvited"), {"full_name": "Anne Roux"})
    assert response.status_code == 422 and page_text(response).count("<h1") == 1


def test_uninvited_form_offers_directory_partners_not_yet_listed(client, as_porteur, make_partner):
    scene = as_porteur
    pre = make_partner(PartnerKind.PRE, name="Réussite éducative de Rennes")
    other_school = make_partner(PartnerKind.ECOLE, name="École d'ailleurs")
    url = scene.url("/attendance/uninvited")
    page = client.get(url)
    assert page.status_code == 200 and "<h1" in page.get_data(as_text=True)
    fragment = page_text(htmx_get(client, url))
    assert "<h1" not in fragment
    assert "Réussite éducative de Rennes" in fragment
    assert "École d'ailleurs" not in fragment  # schools: only the project's own
    assert "Centre social Ty-Blosne" not in fragment  # already invited
    assert other_school.id


def test_other_committee_partner_or_meeting_is_404(client, as_porteur, make_committee, make_partner, make_project, make_meeting):
    scene = as_porteur
    other = make_committee()
    foreign_partner = make_partner(PartnerKind.ECOLE, committee=other)
    assert post(client, scene.toggle_url(foreign_partner), {"presence": "present"}, htmx=True).status_code == 404
    foreign_meeting = make_meeting(project=make_project(committee=other))
    url = f"/c/{other.slug}/meetings/{foreign_meeting.id}/attendance/partners/{scene.school.id}"
    assert post(client, url, {"presence": "present"}).status_code == 404
    url = f"/c/rennes/meetings/{foreign_meeting.id}/attendance/partners/{scene.school.id}"
    assert post(client, url, {"presence": "present"}).status_code == 404


def test_viewer_and_school_cannot_toggle(client, scene, login_as):
    login_as(Role.VIEWER)
    assert post(client, scene.toggle_url(scene.school), {"presence": "present"}).status_code == 403
    login_as(Role.SCHOOL, partner=scene.school)
    assert post(client, scene.toggle_url(scene.school), {"presence": "present"}).status_code == 403
    assert _attendance(scene.meeting, scene.school) is None


def test_school_user_reads_attendance_without_buttons(client, scene, login_as):
    login_as(Role.SCHOOL, partner=scene.school)
    response = client.get(scene.url("/attendance"))
    assert response.status_code == 200
    assert 'name="presence"' not in response.get_data(as_text=True)


def test_attendance_page_queries_do_not_grow_with_rows(client, as_porteur, make_partner, make_contact, make_invitation):
    scene = as_porteur

    def measure():
        db.session.expire_all()
        with count_queries() as queries:
            assert client.get(scene.url("/attendance")).status_code == 200
        return len(queries)

    for partner in (scene.school, scene.centre):
        post(client, scene.toggle_url(partner), {"presence": "present"}, htmx=True)
    attendance = _attendance(scene.meeting, scene.school)
    post(client, scene.url(f"/attendance/{attendance.id}/people"), {"contact_id": str(scene.director.id)}, htmx=True)
    few = measure()
    for _ in range(10):
        partner = make_partner(PartnerKind.ASSOCIATION)
        contact = make_contact(partner)
        make_invitation(scene.meeting, partner, contact)
        post(client, scene.toggle_url(partner), {"presence": "present"}, htmx=True)
        attendance = _attendance(scene.meeting, partner)
        post(client, scene.url(f"/attendance/{attendance.id}/people"), {"contact_id": str(contact.id)}, htmx=True)
    assert measure() == few


def test_no_field_asks_for_a_child(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    text = page_text(client.get(scene.url("/attendance")))
    assert "jamais le nom d'un enfant" in text
    assert "enfant" not in " ".join(re.findall(r'name="([^"]+)"', text))


def test_meeting_page_shows_attendance_and_minutes_panels_after_reload(client, as_porteur):
    scene = as_porteur
    post(client, scene.toggle_url(scene.school), {"presence": "present"}, htmx=True)
    post(client, scene.toggle_url(scene.centre), {"presence": "absent"}, htmx=True)
    response = client.get(scene.url())
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    centre_row = re.search(rf'<tr id="attendance-partner-{scene.centre.id}">.*?</tr>', html, re.S).group(0)
    assert "badge-danger\">Absent<" in centre_row
    assert 'id="minutes-section"' in html and "Rédiger le compte rendu" in html
    assert "Tenue" in page_text(response)
    assert html.count("<h1") == 1
