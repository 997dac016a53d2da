"""Creating and editing a project: French validation, porteur fixed for porteurs, permissions, audit."""

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import Project
from tests.conftest import page_text, post


def _count_projects() -> int:
    return db.session.scalar(select(func.count(Project.id)))


def _valid(porteur_org, **overrides):
    data = {
        "name": "Clas des Gantelles",
        "school_year": "2026-2027",
        "porteur_id": str(porteur_org.id),
        "coordinator_id": str(porteur_org.contacts[0].id),
        "is_rural": "y",
        "description": "Deux collectifs d'élémentaire.",
    }
    data.update(overrides)
    return data


def test_host_creates_a_project(client, login_as, porteur_org):
    login_as("host")
    assert "<h1>Nouveau projet Clas</h1>" in page_text(client.get("/c/rennes/projects/new"))
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org))
    assert response.status_code == 303
    project = db.session.scalar(select(Project).where(Project.name == "Clas des Gantelles"))
    assert response.headers["Location"] == f"/c/rennes/projects/{project.id}"
    assert (project.school_year, project.porteur_id, project.is_rural) == ("2026-2027", porteur_org.id, True)
    assert project.coordinator.full_name == "Awa Diallo"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.create"))
    assert event.object_id == project.id and "Clas des Gantelles" in event.summary
    page = page_text(client.get(response.headers["Location"]))
    assert "Le projet « Clas des Gantelles » est créé." in page


def test_htmx_create_redirects_through_the_header(client, login_as, porteur_org):
    login_as("host")
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org), htmx=True)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"].startswith("/c/rennes/projects/")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("school_year", "2026-2028", "L'année scolaire s'écrit « 2026-2027 » (deux années qui se suivent)."),
        ("school_year", "2026/2027", "L'année scolaire s'écrit « 2026-2027 » (deux années qui se suivent)."),
        ("school_year", "", "Indiquez l'année scolaire, par exemple « 2026-2027 »."),
        ("name", "  ", "Indiquez le nom du projet."),
        ("porteur_id", "", "Choisissez le porteur du projet."),
    ],
)
def test_bad_input_is_explained_in_french_and_nothing_is_saved(client, login_as, porteur_org, field, value, message):
    login_as("host")
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org, **{field: value}))
    assert response.status_code == 422
    page = page_text(response)
    assert f"Erreur : {message}" in page
    assert "<h1>Nouveau projet Clas</h1>" in page
    assert _count_projects() == 0


def test_htmx_bad_input_gets_the_form_fragment(client, login_as, porteur_org):
    login_as("host")
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org, school_year="2026"), htmx=True)
    assert response.status_code == 422
    page = page_text(response)
    assert page.lstrip().startswith('<div id="project-form">')
    assert "<h1>" not in page and "L'année scolaire s'écrit « 2026-2027 »" in page
    assert 'class="error-summary"' in page
    assert _count_projects() == 0


def test_coordinator_must_belong_to_the_porteur(client, login_as, porteur_org, make_partner, make_contact):
    other = make_partner(PartnerKind.ASSOCIATION, name="Association voisine")
    stranger = make_contact(other, full_name="Jean Voisin")
    login_as("host")
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org, coordinator_id=str(stranger.id)))
    assert response.status_code == 422
    assert "Choisissez une personne de l'organisation qui porte le projet." in page_text(response)
    assert _count_projects() == 0


def test_a_school_cannot_be_the_porteur(client, login_as, porteur_org, school):
    login_as("host")
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org, porteur_id=str(school.id), coordinator_id=""))
    assert response.status_code == 422
    assert _count_projects() == 0


def test_porteur_creates_for_their_own_organisation_only(client, login_as, porteur_org, make_partner):
    other = make_partner(PartnerKind.ASSOCIATION, name="Association voisine")
    login_as("porteur", partner=porteur_org)
    page = page_text(client.get("/c/rennes/projects/new"))
    assert 'name="porteur_id"' not in page
    assert "Centre social Ty-Blosne <span class=\"muted\">(votre organisation)</span>" in page
    response = post(client, "/c/rennes/projects/new", _valid(porteur_org, porteur_id=str(other.id)))
    assert response.status_code == 303
    project = db.session.scalar(select(Project))
    assert project.porteur_id == porteur_org.id


@pytest.mark.parametrize("role", ["viewer", "school"])
def test_viewers_and_schools_cannot_create(client, login_as, porteur_org, role):
    login_as(role)
    assert client.get("/c/rennes/projects/new").status_code == 403
    assert post(client, "/c/rennes/projects/new", _valid(porteur_org)).status_code == 403
    assert _count_projects() == 0


def test_host_edits_a_project(client, login_as, project, porteur_org):
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}/edit"))
    assert "<h1>Modifier le projet</h1>" in page and 'value="Clas du Blosne"' in page
    response = post(
        client, f"/c/rennes/projects/{project.id}/edit",
        _valid(porteur_org, name="Clas du Blosne – Coup de pouce", school_year="2027-2028", is_rural=""),
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (project.name, project.school_year, project.is_rural) == ("Clas du Blosne – Coup de pouce", "2027-2028", False)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.update"))
    assert set(event.details["changes"]) >= {"name", "school_year", "coordinator_id", "description"}


def test_edit_bad_input_changes_nothing(client, login_as, project, porteur_org):
    login_as("host")
    response = post(client, f"/c/rennes/projects/{project.id}/edit", _valid(porteur_org, school_year="27-28"))
    assert response.status_code == 422
    db.session.expire_all()
    assert project.school_year == "2026-2027"


def test_porteur_edits_own_project_with_porteur_fixed(client, login_as, project, porteur_org, make_partner):
    other = make_partner(PartnerKind.ASSOCIATION)
    login_as("porteur", partner=porteur_org)
    response = post(client, f"/c/rennes/projects/{project.id}/edit", _valid(porteur_org, porteur_id=str(other.id), name="Nouveau nom"))
    assert response.status_code == 303
    db.session.expire_all()
    assert (project.name, project.porteur_id) == ("Nouveau nom", porteur_org.id)


def test_edit_permissions(client, login_as, project, make_partner, make_committee):
    login_as("viewer")
    assert client.get(f"/c/rennes/projects/{project.id}/edit").status_code == 403
    login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION))
    assert client.get(f"/c/rennes/projects/{project.id}/edit").status_code == 404
    assert post(client, f"/c/rennes/projects/{project.id}/edit", {"name": "x"}).status_code == 404
    make_committee(slug="brest")
    login_as("host")
    assert client.get(f"/c/brest/projects/{project.id}/edit").status_code == 404
    db.session.expire_all()
    assert project.name == "Clas du Blosne"
