"""« Reconduire »: a project carries on to the next school year, copying what it says and nothing else."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from clas_local.activity.models import ActivityFigures
from clas_local.audit.models import AuditEvent
from clas_local.audit.queries import action_label
from clas_local.db import utcnow
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.i18n import format_day
from clas_local.meetings.models import Meeting
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import CafStatus, Project, ProjectSchool
from tests.conftest import count_queries, page_text, post

TODAY = date(2026, 11, 30)  # in 2026-2027


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    import clas_local.projects.routes

    monkeypatch.setattr(clas_local.projects.routes, "committee_today", lambda committee: TODAY)


@pytest.fixture
def full_project(make_project, porteur_org, school, make_partner, link_territory_partner, make_collectif, make_meeting,
                 committee):  # fmt: skip
    project = make_project(
        porteur=porteur_org, name="Clas du Blosne", coordinator=porteur_org.contacts[0], is_rural=True,
        description="Accompagnement des CM1-CM2.", activity_start=date(2026, 11, 16),
        caf_status=CafStatus.GRANTED, caf_deposited_on=date(2026, 6, 1), caf_decided_on=date(2026, 7, 1),
    )  # fmt: skip
    project.schools.append(ProjectSchool(partner=school, referent_contact=school.contacts[1],
                                         oriented_children_count=9, oriented_on=date(2026, 10, 5)))  # fmt: skip
    college = make_partner(PartnerKind.COLLEGE, name="Collège des Hautes-Ourmes")
    project.schools.append(ProjectSchool(partner=college))
    db.session.commit()
    link_territory_partner(project, make_partner(PartnerKind.PRE, name="PRE de Rennes"), "Orientation croisée.")
    make_collectif(project, name="CM1–CM2 Volga", children_count=13, animateurs_count=2, weekly_sessions=2,
                   session_minutes=90, planned_weeks=27, place="Salle 2")  # fmt: skip
    make_meeting(project)
    db.session.add(ActivityFigures(project=project, children_elementaire=13, bilan_children="Progrès nets."))
    db.session.add(EvidenceFile(committee=committee, project=project, kind=EvidenceKind.CONVENTION,
                                original_name="convention.pdf", storage_name="abc123", content_type="application/pdf",
                                size_bytes=10, sha256="0" * 64))  # fmt: skip
    db.session.commit()
    return project


def _next_year(project) -> Project:
    return db.session.scalar(select(Project).where(Project.previous_project_id == project.id))


def test_the_confirmation_page_says_what_is_copied_and_what_is_not(client, login_as, full_project):
    login_as("host")
    response = client.get(f"/c/rennes/projects/{full_project.id}/reconduct")
    page = page_text(response)
    assert response.status_code == 200
    assert "<h1>Reconduire le projet en 2027-2028</h1>" in page
    assert "les écoles (2) et leur contact référent" in page
    assert "les chiffres et le bilan d'activité, les réunions, les pièces justificatives" in page
    # Nothing is created by reading the page.
    assert _next_year(full_project) is None


def test_the_project_page_offers_the_button_with_the_next_year(client, login_as, full_project):
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "Reconduire en 2027-2028" in page


def test_reconduire_copies_what_carries_on_and_nothing_of_the_year(client, login_as, full_project, school):
    login_as("host")
    response = post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    old = db.session.get(Project, full_project.id)
    new = _next_year(old)
    assert response.headers["Location"].endswith(f"/c/rennes/projects/{new.id}")

    # Copied: the year's line, porteur, coordinator, rural flag, description, name without suffix.
    assert new.school_year == "2027-2028"
    assert new.name == "Clas du Blosne"
    assert new.first_project_id == old.id and new.previous_project_id == old.id
    assert new.porteur_id == old.porteur_id
    assert new.coordinator_id == old.coordinator_id
    assert new.is_rural is True
    assert new.description == "Accompagnement des CM1-CM2."
    # Schools with their referents, territory partners with their relation, collectifs.
    assert [(s.partner_id, s.referent_contact_id) for s in new.schools] == [
        (s.partner_id, s.referent_contact_id) for s in old.schools
    ]
    assert new.schools[0].referent_contact_id == school.contacts[1].id
    assert [(p.partner_id, p.relation) for p in new.territory_partners] == [(old.territory_partners[0].partner_id,
                                                                            "Orientation croisée.")]  # fmt: skip
    copied = new.collectifs[0]
    assert (copied.name, copied.children_count, copied.animateurs_count, copied.weekly_sessions,
            copied.session_minutes, copied.planned_weeks, copied.place) == (
        "CM1–CM2 Volga", 13, 2, 2, 90, 27, "Salle 2")  # fmt: skip
    assert copied.id != old.collectifs[0].id

    # Not copied: the oriented counts, the start of activity, the CAF decision, figures, meetings, evidence.
    assert [(s.oriented_children_count, s.oriented_on) for s in new.schools] == [(None, None), (None, None)]
    assert new.activity_start is None
    assert (new.caf_status, new.caf_deposited_on, new.caf_decided_on) == (None, None, None)
    assert db.session.scalar(select(func.count()).select_from(ActivityFigures).where(ActivityFigures.project_id == new.id)) == 0
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.project_id == new.id)) == 0
    assert db.session.scalar(select(func.count(EvidenceFile.id)).where(EvidenceFile.project_id == new.id)) == 0
    # The previous year keeps everything.
    assert old.schools[0].oriented_children_count == 9 and old.caf_status is CafStatus.GRANTED
    assert db.session.scalar(select(func.count(Meeting.id)).where(Meeting.project_id == old.id)) == 1


def test_reconduire_is_audited_in_french(client, login_as, full_project):
    host = login_as("host")
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    new = _next_year(full_project)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.reconduct"))
    assert event.actor_id == host.id and event.object_id == new.id
    assert event.summary == "Projet reconduit en 2027-2028 : Clas du Blosne (depuis 2026-2027)"
    assert action_label(event.action) == "Projets : reconduction à l'année suivante"


def test_a_year_is_reconducted_once(client, login_as, full_project):
    login_as("host")
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    response = post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert response.status_code == 422
    assert "Le projet est déjà reconduit : l'année 2027-2028 existe." in page_text(response)
    assert db.session.scalar(select(func.count(Project.id)).where(Project.school_year == "2027-2028")) == 1
    # The button is gone from the project page, the reason is there.
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "Reconduire en 2027-2028" not in page
    assert "Le projet est déjà reconduit" in page


def test_a_project_of_a_year_not_begun_or_long_past_is_not_reconducted(client, login_as, make_project, porteur_org):
    login_as("host")
    future = make_project(porteur=porteur_org, school_year="2027-2028")
    past = make_project(porteur=porteur_org, school_year="2023-2024")
    response = post(client, f"/c/rennes/projects/{future.id}/reconduct")
    assert response.status_code == 422
    assert "2027-2028 n'a pas encore commencé" in page_text(response)
    response = post(client, f"/c/rennes/projects/{past.id}/reconduct")
    assert response.status_code == 422
    assert "L'année 2024-2025 est passée" in page_text(response)
    assert db.session.scalar(select(func.count(Project.id))) == 2


def test_the_history_lists_each_year_with_its_caf_decision(client, login_as, full_project):
    login_as("host")
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    second = _next_year(full_project)
    page = page_text(client.get(f"/c/rennes/projects/{second.id}"))
    assert "Ce projet se poursuit d'année en année : 2 années scolaires, depuis 2026-2027." in page
    assert f'href="/c/rennes/projects/{full_project.id}">2026-2027' in page
    assert "Financement accordé" in page
    assert f"Décision le {format_day(date(2026, 7, 1), weekday=False)}" in page
    assert '2027-2028 <span class="muted">(cette page)</span>' in page


def test_the_project_page_queries_do_not_grow_with_the_years(client, login_as, make_project, porteur_org):
    login_as("host")
    first = make_project(porteur=porteur_org, school_year="2024-2025")
    second = make_project(porteur=porteur_org, school_year="2025-2026", previous_project_id=first.id,
                          first_project_id=first.id)  # fmt: skip
    url = f"/c/rennes/projects/{second.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    third = make_project(porteur=porteur_org, school_year="2026-2027", previous_project_id=second.id,
                         first_project_id=first.id)  # fmt: skip
    with count_queries() as many:
        page = page_text(client.get(url))
    assert f"/c/rennes/projects/{third.id}" in page
    assert len(few) == len(many)


@pytest.mark.parametrize("role", ["viewer", "school", "other_porteur"])
def test_who_may_not_edit_may_not_reconduct(client, login_as, full_project, make_partner, role):
    if role == "other_porteur":
        login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION, name="Autre association"))
    elif role == "school":
        login_as("school", partner=full_project.schools[0].partner)
    else:
        login_as(role)
    response = post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert response.status_code == (403 if role == "viewer" else 404)
    assert _next_year(full_project) is None


def test_the_project_porteur_may_reconduct(client, login_as, full_project, porteur_org):
    login_as("porteur", partner=porteur_org)
    response = post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert response.status_code in (302, 303)
    assert _next_year(full_project).school_year == "2027-2028"


def test_an_anonymised_referent_is_not_copied(client, login_as, full_project, school):
    login_as("host")
    school.contacts[1].anonymised_at = utcnow()
    db.session.commit()
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert _next_year(full_project).schools[0].referent_contact_id is None


def test_a_reconducted_year_keeps_its_school_year(client, login_as, full_project, porteur_org):
    login_as("host")
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    new = _next_year(full_project)
    for project in (full_project, new):
        response = post(client, f"/c/rennes/projects/{project.id}/edit",
                        {"name": "Clas du Blosne", "school_year": "2030-2031", "porteur_id": str(porteur_org.id)})  # fmt: skip
        assert response.status_code == 422
        assert "son année scolaire ne se change pas" in page_text(response)
    db.session.expire_all()
    assert [p.school_year for p in db.session.scalars(select(Project).order_by(Project.id))] == ["2026-2027", "2027-2028"]
    # Renaming is still possible.
    response = post(client, f"/c/rennes/projects/{new.id}/edit",
                    {"name": "Clas du Blosne – suite", "school_year": "2027-2028", "porteur_id": str(porteur_org.id)})  # fmt: skip
    assert response.status_code in (302, 303)


def test_two_requests_at_once_make_one_next_year(client, login_as, full_project, monkeypatch):
    """The check passes for both, the database's unique link refuses the second: a French message, no 500."""
    import clas_local.projects.lines

    login_as("host")
    post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    monkeypatch.setattr(clas_local.projects.lines, "reconduction_error", lambda project, today, line=None: None)
    response = post(client, f"/c/rennes/projects/{full_project.id}/reconduct")
    assert response.status_code == 422
    assert "Le projet est déjà reconduit en 2027-2028." in page_text(response)
    assert db.session.scalar(select(func.count(Project.id)).where(Project.school_year == "2027-2028")) == 1
