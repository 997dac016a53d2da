"""Field visits and difficulties: the only things a department user writes, checked, audited,
and shown to the committee on the project's page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.audit.queries import action_label
from clas_local.department.models import Difficulty, DifficultyStatus, FieldVisit
from clas_local.extensions import db
from tests.conftest import page_text, post


def _visit(project, **overrides) -> dict:
    return {"project_id": str(project.id), "visited_on": "2026-11-19", "visitors": "Anne Martin, conseillère CAF",
            "notes": "Séance observée : accueil soigné, collectif de CP attentif.", **overrides}


def test_a_field_visit_is_saved_audited_and_shown_to_the_committee(
    client, committee, make_project, login_department, login_as
):
    project = make_project(name="Clas du Blosne")
    login_department()
    form = page_text(client.get(f"/d/35/visites?projet={project.id}"))
    assert f'<option selected value="{project.id}">Comité local de Rennes — Clas du Blosne (2026-2027)</option>' in form
    response = post(client, "/d/35/visites", _visit(project))
    assert response.status_code == 303 and response.headers["Location"].endswith("/d/35/#visites")
    visit = db.session.scalar(select(FieldVisit))
    assert (visit.project_id, visit.committee_id, visit.visited_on) == (project.id, committee.id, date(2026, 11, 19))
    dashboard = page_text(client.get("/d/35/"))
    assert "Anne Martin, conseillère CAF" in dashboard and "jeudi 19 novembre 2026" in dashboard
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "department.visit"))
    assert event.committee_id == committee.id
    assert action_label(event.action) == "Département : visite de terrain notée"

    login_as("host")
    project_page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Visites de terrain" in project_page
    assert "Anne Martin, conseillère CAF" in project_page and "accueil soigné" in project_page
    assert "Noter une visite de terrain" not in project_page  # the committee reads, the département writes


TOMORROW = (date.today() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visitors": "  "}, "Indiquez qui a fait la visite."),
        ({"visited_on": ""}, "Indiquez la date de la visite (jj/mm/aaaa)."),
        ({"visited_on": "19/13/2026"}, "Indiquez la date de la visite (jj/mm/aaaa)."),
        ({"visited_on": TOMORROW}, "la date ne peut pas être dans le futur"),
        ({"project_id": ""}, "Choisissez le projet visité."),
        ({"visitors": "x" * 201}, "200 caractères au plus."),
        ({"visitors": "Anne\nMartin"}, "Ce champ tient sur une seule ligne"),
    ],
)
def test_a_wrong_field_visit_is_refused_in_french_and_nothing_is_saved(
    client, committee, make_project, login_department, change, message
):
    project = make_project()
    login_department()
    response = post(client, "/d/35/visites", _visit(project, **change))
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalar(select(FieldVisit)) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "department.visit")) is None


def test_a_project_of_another_departement_cannot_be_visited(client, committee, make_committee, make_project,
                                                           login_department):
    brest = make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    project = make_project(committee=brest)
    make_project(name="Clas du Blosne")
    login_department()
    response = post(client, "/d/35/visites", _visit(project))
    assert response.status_code == 422
    assert "Projet visité : N'est pas un choix valide." in page_text(response)
    assert db.session.scalar(select(FieldVisit)) is None
    # Nor can another département's page be posted to.
    assert post(client, "/d/29/visites", _visit(project)).status_code == 404


def test_a_difficulty_is_flagged_listed_and_closed(client, committee, make_project, login_department):
    project = make_project(name="Clas du Blosne")
    login_department()
    response = post(client, "/d/35/difficultes", {"committee_id": str(committee.id), "project_id": str(project.id),
                                                  "text": "Le local n'est plus disponible le jeudi."})
    assert response.status_code == 303
    difficulty = db.session.scalar(select(Difficulty))
    assert difficulty.status is DifficultyStatus.OPEN and difficulty.project_id == project.id
    dashboard = page_text(client.get("/d/35/"))
    assert "Le local n'est plus disponible le jeudi." in dashboard and "Ouverte" in dashboard
    assert post(client, f"/d/35/difficultes/{difficulty.id}/clore").status_code == 303
    db.session.refresh(difficulty)
    assert difficulty.status is DifficultyStatus.CLOSED and difficulty.closed_at is not None
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.committee_id == committee.id)))
    assert {"department.difficulty.flag", "department.difficulty.close"} <= actions


def test_a_difficulty_needs_a_text_and_a_project_of_its_committee(client, committee, make_committee, make_project,
                                                                  login_department):
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    other = make_project(committee=fougeres)
    login_department()
    empty = post(client, "/d/35/difficultes", {"committee_id": str(committee.id), "project_id": "", "text": " "})
    assert empty.status_code == 422 and "Décrivez la difficulté." in page_text(empty)
    mismatch = post(client, "/d/35/difficultes", {"committee_id": str(committee.id), "project_id": str(other.id),
                                                  "text": "Difficulté."})
    assert mismatch.status_code == 422 and "Ce projet est celui d'un autre comité" in page_text(mismatch)
    assert db.session.scalar(select(Difficulty)) is None


def test_another_departements_difficulty_cannot_be_closed(client, committee, make_committee, login_department,
                                                          make_user):
    brest = make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    difficulty = Difficulty(committee_id=brest.id, text="Difficulté brestoise.", noted_on=date(2026, 11, 2))
    db.session.add(difficulty)
    db.session.commit()
    login_department()
    assert post(client, f"/d/35/difficultes/{difficulty.id}/clore").status_code == 404
    db.session.refresh(difficulty)
    assert difficulty.status is DifficultyStatus.OPEN
