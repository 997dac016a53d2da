"""Meeting pages: list with filters (page and HTMX fragment), a meeting, plan / edit / cancel, permissions."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, MomentState
from clas_local.partners.models import PartnerKind
from tests.conftest import count_queries, htmx_get, page_text, post

UTC = timezone.utc


def test_list_shows_visible_meetings_as_page_and_fragment(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    project = make_project(name="Clas du Blosne")
    make_meeting(project=project, kind=MeetingKind.BILAN, starts_at=datetime(2027, 6, 3, 15, 30, tzinfo=UTC))
    page = client.get("/c/rennes/meetings")
    assert page.status_code == 200
    text = page_text(page)
    assert "<h1>Réunions</h1>" in text and "Clas du Blosne" in text and "jeudi 3 juin 2027" in text
    fragment = htmx_get(client, "/c/rennes/meetings?kind=bilan")
    assert fragment.status_code == 200
    assert 'id="meeting-results"' in fragment.get_data(as_text=True)
    assert "<h1>" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]


def test_filters_give_the_same_results_with_or_without_htmx(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    project = make_project()
    make_meeting(project=project, kind=MeetingKind.BILAN, title="Bilan de juin",
                 starts_at=datetime(2027, 6, 3, 15, 30, tzinfo=UTC))
    make_meeting(project=project, kind=MeetingKind.SUIVI, title="Suivi de mars",
                 starts_at=datetime(2027, 3, 3, 15, 30, tzinfo=UTC))
    make_meeting(kind=MeetingKind.COMITE_LOCAL, title="Comité de novembre",
                 starts_at=datetime(2026, 11, 5, 15, 30, tzinfo=UTC), status=MeetingStatus.CANCELLED)
    # 31 August, 23:30 in Paris: still the school year 2025-2026 there (21:30 UTC).
    make_meeting(kind=MeetingKind.AUTRE, title="Réunion de l'an passé",
                 starts_at=datetime(2026, 8, 31, 21, 30, tzinfo=UTC), ends_at=datetime(2026, 8, 31, 21, 45, tzinfo=UTC))
    page = page_text(client.get("/c/rennes/meetings"))
    assert '<option value="2026-2027">2026-2027</option><option value="2025-2026">2025-2026</option>' in page
    assert "Réunion de l'an passé" in page_text(client.get("/c/rennes/meetings?school_year=2026-2028"))  # ignored
    for query, present, absent in [
        ("kind=bilan", "Bilan de juin", "Suivi de mars"),
        ("month=2027-03", "Suivi de mars", "Bilan de juin"),
        (f"project={project.id}", "Suivi de mars", "Comité de novembre"),
        ("status=cancelled", "Comité de novembre", "Bilan de juin"),
        ("when=past", "Comité de novembre", "Bilan de juin"),
        ("when=upcoming", "Bilan de juin", "Comité de novembre"),
        ("school_year=2026-2027", "Comité de novembre", "Réunion de l'an passé"),
        ("school_year=2025-2026", "Réunion de l'an passé", "Bilan de juin"),
    ]:
        for response in (client.get(f"/c/rennes/meetings?{query}"), htmx_get(client, f"/c/rennes/meetings?{query}")):
            text = page_text(response)
            assert present in text and absent not in text, query


def test_list_query_count_does_not_grow_with_meetings(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    projects = [make_project() for _ in range(3)]

    def measure():
        with count_queries() as queries:
            assert client.get("/c/rennes/meetings").status_code == 200
        return len(queries)

    for n in range(3):
        make_meeting(project=projects[n % 3], starts_at=datetime(2026, 12, 1 + n, 15, tzinfo=UTC))
    few = measure()
    for n in range(12):
        make_meeting(project=projects[n % 3], starts_at=datetime(2027, 1, 4 + n, 15, tzinfo=UTC))
    assert measure() == few


def test_school_user_sees_only_meetings_their_school_is_invited_to(client, login_as, make_partner, make_project,
                                                                    make_meeting, make_invitation):
    school = make_partner(PartnerKind.ECOLE)
    login_as(Role.SCHOOL, partner=school)
    invited = make_meeting(project=make_project(), title="Avec notre école")
    other = make_meeting(project=make_project(), title="Sans notre école")
    make_invitation(invited, school)
    text = page_text(client.get("/c/rennes/meetings"))
    assert "Avec notre école" in text and "Sans notre école" not in text
    assert client.get(f"/c/rennes/meetings/{other.id}").status_code == 404
    assert client.get(f"/c/rennes/meetings/{invited.id}").status_code == 200


def test_detail_page_warns_and_links_to_ics(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    meeting = make_meeting(project=make_project(), starts_at=datetime(2026, 12, 24, 14, tzinfo=UTC),
                           agenda="Point sur les inscriptions")
    response = client.get(f"/c/rennes/meetings/{meeting.id}")
    text = page_text(response)
    assert response.status_code == 200
    assert "vacances de Noël" in text
    assert f"/c/rennes/meetings/{meeting.id}.ics" in text
    assert "Point sur les inscriptions" in text


def test_other_committee_gives_404(client, login_as, make_committee, make_meeting, make_project):
    login_as(Role.HOST)
    elsewhere = make_committee()
    meeting = make_meeting(committee=elsewhere)
    assert client.get(f"/c/rennes/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/c/{elsewhere.slug}/meetings").status_code == 404
    assert client.get(f"/c/{elsewhere.slug}/meetings/{meeting.id}.ics").status_code == 404


def test_host_plans_a_meeting_with_the_project_schools_preselected(client, login_as, make_partner, make_project):
    login_as(Role.HOST)
    school = make_partner(PartnerKind.ECOLE, name="École Volga")
    project = make_project(schools=(school,))
    form = client.get(f"/c/rennes/meetings/new?project={project.id}&kind=diagnostic&day=2026-10-05")
    text = page_text(form)
    assert form.status_code == 200
    assert f'value="{school.id}" id="partner-{school.id}" checked' in text
    response = post(client, "/c/rennes/meetings/new", {
        "kind": "diagnostic", "project": str(project.id), "day": "2026-11-11", "start_time": "17:30",
        "duration": "90", "place": "Salle 2", "partners": [str(school.id)],
    })
    assert response.status_code == 303
    meeting = db.session.scalar(select(Meeting))
    assert meeting.starts_at == datetime(2026, 11, 11, 16, 30, tzinfo=UTC)
    assert meeting.ends_at - meeting.starts_at == timedelta(minutes=90)
    assert [i.partner_id for i in db.session.scalars(select(Invitation))] == [school.id]
    page = page_text(client.get(response.headers["Location"]))
    assert "Armistice" in page  # the warning, not a block


def test_invalid_form_says_why_in_french_and_saves_nothing(client, login_as, make_project):
    login_as(Role.HOST)
    project = make_project()
    response = post(client, "/c/rennes/meetings/new", {
        "kind": "bilan", "project": "", "day": "2027-03-28", "start_time": "02:30", "duration": "90",
        "place": "", "online_url": "http://visio",
    }, htmx=True)
    assert response.status_code == 422
    text = page_text(response)
    assert "concerne un projet" in text
    assert "n'existe pas ce jour-là" in text
    assert "https://" in text
    assert 'id="meeting-form"' in text and "<h1>" not in text
    assert db.session.scalar(select(Meeting)) is None
    assert project.id


def test_porteur_plans_only_for_own_projects(client, login_as, make_partner, make_project, make_meeting):
    porteur = make_partner(PartnerKind.ASSOCIATION)
    login_as(Role.PORTEUR, partner=porteur)
    own = make_project(porteur=porteur)
    other = make_project()
    assert client.get(f"/c/rennes/meetings/new?project={own.id}").status_code == 200
    assert client.get(f"/c/rennes/meetings/new?project={other.id}").status_code == 404
    response = post(client, "/c/rennes/meetings/new", {
        "kind": "comite_local", "project": "", "day": "2026-11-12", "start_time": "17:30", "duration": "90",
        "place": "Mairie",
    })
    assert response.status_code == 422 and "Choisissez le projet" in page_text(response)
    comite = make_meeting(kind=MeetingKind.COMITE_LOCAL)
    assert client.get(f"/c/rennes/meetings/{comite.id}/edit").status_code == 403


def test_viewer_cannot_plan(client, login_as):
    login_as(Role.VIEWER)
    assert client.get("/c/rennes/meetings/new").status_code == 403


def test_edit_raises_sequence_only_for_material_changes(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    meeting = make_meeting(project=make_project(), starts_at=datetime(2026, 12, 3, 16, 30, tzinfo=UTC))
    data = {"kind": "suivi", "project": str(meeting.project_id), "day": "2026-12-03", "start_time": "17:30",
            "duration": "90", "place": "Salle du conseil", "agenda": "Nouvel ordre du jour"}
    assert post(client, f"/c/rennes/meetings/{meeting.id}/edit", data).status_code == 303
    db.session.refresh(meeting)
    assert meeting.sequence == 0 and meeting.agenda == "Nouvel ordre du jour"
    assert post(client, f"/c/rennes/meetings/{meeting.id}/edit", dict(data, start_time="18:00")).status_code == 303
    db.session.refresh(meeting)
    assert meeting.sequence == 1
    assert meeting.starts_at == datetime(2026, 12, 3, 17, 0, tzinfo=UTC)


def test_cancel_keeps_the_meeting_marked_cancelled(client, login_as, make_project, make_meeting):
    login_as(Role.HOST)
    meeting = make_meeting(project=make_project())
    response = post(client, f"/c/rennes/meetings/{meeting.id}/cancel", {"reason": "Grève"})
    assert response.status_code == 303
    db.session.refresh(meeting)
    assert meeting.status is MeetingStatus.CANCELLED and meeting.sequence == 1
    assert "a été annulée" in page_text(client.get(f"/c/rennes/meetings/{meeting.id}"))
    assert client.get(f"/c/rennes/meetings/{meeting.id}/cancel").status_code == 405


def test_project_panel_shows_key_moments_with_plan_links(client, login_as, make_partner, make_project, make_meeting):
    login_as(Role.HOST)
    school = make_partner(PartnerKind.ECOLE)
    project = make_project(schools=(school,))
    make_meeting(project=project, kind=MeetingKind.DIAGNOSTIC, status=MeetingStatus.HELD,
                 starts_at=datetime(2026, 10, 5, 15, tzinfo=UTC))
    make_meeting(project=project, kind=MeetingKind.LANCEMENT, starts_at=datetime(2026, 11, 9, 16, tzinfo=UTC))
    from clas_local.meetings.panels import project_panel

    with client.application.test_request_context():
        from flask_login import login_user
        from clas_local.auth.models import User

        login_user(db.session.scalar(select(User)))
        context = project_panel(project, __import__("flask_login").current_user)
    statuses = {moment.kind: moment.status for moment in context["moments"]}
    # The lancement of 9 November 2026 is over and not marked held: « à compléter » (its
    # attendance), like the meeting itself; a moment with no meeting is « à planifier », never missing.
    assert statuses == {MeetingKind.DIAGNOSTIC: MomentState.HELD, MeetingKind.LANCEMENT: MomentState.TO_COMPLETE,
                        MeetingKind.SUIVI: MomentState.TO_PLAN, MeetingKind.BILAN: MomentState.TO_PLAN}
    # The same words as the dashboard and the dossier.
    timeline = page_text(client.get(f"/c/rennes/projects/{project.id}")).split('id="temps-forts"')[1].split("</ol>")[0]
    assert [badge in timeline for badge in (">Tenue<", ">À compléter (présences, compte rendu)<", ">À planifier<")] == [True, True, True]
    assert "Manquante" not in timeline
    # Every window derives from the start of activity (by default the first school day after
    # the Toussaint holidays): the bilan from the last third of the activity period.
    bilan = context["moments"][3]
    assert (bilan.window[0], bilan.window[1]) == (date(2027, 4, 1), date(2027, 6, 30))
    lancement = context["moments"][1]
    assert lancement.window[0] == date(2026, 11, 2)
    assert "kind=bilan" in bilan.plan_url and f"project={project.id}" in bilan.plan_url
    form = page_text(client.get(bilan.plan_url))
    assert "Période conseillée : du" in form and f'id="partner-{school.id}" checked' in form


def test_a_meeting_over_but_still_planned_reads_to_complete_on_its_page_and_in_the_list(
    client, login_as, make_project, make_meeting
):
    login_as(Role.HOST)
    project = make_project()
    past = make_meeting(project=project, starts_at=datetime.now(UTC) - timedelta(days=3))
    coming = make_meeting(project=project, starts_at=datetime.now(UTC) + timedelta(days=3))
    held = make_meeting(project=project, starts_at=datetime.now(UTC) - timedelta(days=10), status=MeetingStatus.HELD)
    assert "À compléter (présences, compte rendu)" in page_text(client.get(f"/c/rennes/meetings/{past.id}"))
    assert "À compléter" not in page_text(client.get(f"/c/rennes/meetings/{coming.id}"))
    assert "Tenue" in page_text(client.get(f"/c/rennes/meetings/{held.id}"))
    listing = page_text(client.get("/c/rennes/meetings?school_year="))
    assert listing.count("À compléter (présences, compte rendu)") == 1
    assert "Prévue" in listing and "Tenue" in listing
