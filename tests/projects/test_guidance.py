"""A new committee is guided: an empty select says what is missing and links to where to add it."""

from __future__ import annotations

from clas_local.partners.models import PartnerKind
from tests.conftest import page_text


def _text(client, url: str) -> str:
    return " ".join(page_text(client.get(url)).split())


def test_the_new_project_form_without_porteur_links_to_the_directory(client, login_as, make_partner):
    login_as("host")
    text = _text(client, "/c/rennes/projects/new")
    assert "Aucune organisation de l'annuaire ne peut encore porter un projet" in text
    assert 'href="/c/rennes/partners/new">Ajouter le porteur à l\'annuaire' in text
    assert 'aria-describedby="porteur_id-hint porteur_id-empty"' in text
    # The rural checkbox has its one hint, no stray word.
    assert 'id="is_rural-hint">Cochez si le projet relève du milieu rural' in text
    assert ">rural<" not in text
    make_partner(PartnerKind.ASSOCIATION, name="Association Bien Grandir")
    text = _text(client, "/c/rennes/projects/new")
    assert "Association Bien Grandir" in text and "ne peut encore porter un projet" not in text


def test_the_meeting_form_without_project_links_to_the_new_project_form(client, login_as):
    login_as("host")
    text = _text(client, "/c/rennes/meetings/new")
    assert "Aucun projet pour l'instant" in text and 'href="/c/rennes/projects/new">Créer un projet' in text


def test_the_members_form_with_an_empty_directory_links_to_it(client, login_as):
    login_as("host")
    text = _text(client, "/c/rennes/members")
    assert "L'annuaire est vide" in text and 'href="/c/rennes/partners/new">Ajouter une organisation' in text


def test_a_school_user_sees_the_projects_their_school_is_linked_to(client, login_as, make_partner, make_project):
    school = make_partner(PartnerKind.ECOLE, name="École Volga")
    other = make_partner(PartnerKind.ECOLE, name="École Torigné")
    linked = make_project(schools=(school,), name="Clas du Blosne")
    make_project(schools=(other,), name="Clas de Maurepas")
    login_as("school", partner=school)
    text = _text(client, "/c/rennes/projects")
    assert "Projets liés à votre établissement" in text
    assert "Clas du Blosne" in text and "Clas de Maurepas" not in text
    assert f'href="/c/rennes/meetings?project={linked.id}">Réunions du projet' in text
    # Still no project page for a school.
    assert client.get(f"/c/rennes/projects/{linked.id}").status_code in (403, 404)

