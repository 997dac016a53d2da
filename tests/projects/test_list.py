"""The project list: who sees what, filters (full page and HTMX), counts, bounded queries."""

from datetime import date

import pytest

from clas_local.school_year import school_year_of
from clas_local.partners.models import PartnerKind
from tests.conftest import count_queries, htmx_get, page_text

CURRENT = school_year_of(date.today())
FIRST = int(CURRENT[:4])
PREVIOUS = f"{FIRST - 1}-{FIRST}"


@pytest.fixture
def two_years(make_project, make_partner, porteur_org):
    other_org = make_partner(PartnerKind.ASSOCIATION, name="Association Le Relais")
    return {
        "current": make_project(porteur=porteur_org, name="Clas courant", school_year=CURRENT),
        "previous": make_project(porteur=porteur_org, name="Clas de l'an passé", school_year=PREVIOUS),
        "other": make_project(porteur=other_org, name="Clas du Relais", school_year=CURRENT),
    }


def test_default_is_the_current_school_year(client, login_as, two_years):
    login_as("host")
    page = page_text(client.get("/c/rennes/projects"))
    assert "<h1>Projets Clas</h1>" in page
    assert "Clas courant" in page and "Clas du Relais" in page
    assert "Clas de l'an passé" not in page
    assert f"2 projets en {CURRENT}." in page


def test_filter_by_year_from_the_query_string(client, login_as, two_years):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects?school_year={PREVIOUS}"))
    assert "Clas de l'an passé" in page and "Clas courant" not in page
    every_year = page_text(client.get("/c/rennes/projects?school_year="))
    assert all(name in every_year for name in ("Clas courant", "Clas de l'an passé", "Clas du Relais"))
    assert "toutes années confondues" in every_year


def test_filter_by_porteur(client, login_as, two_years, porteur_org):
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects?school_year=&porteur={porteur_org.id}"))
    assert "Clas courant" in page and "Clas de l'an passé" in page
    assert "Clas du Relais" not in page


def test_htmx_filter_returns_the_list_alone_with_the_same_rows(client, login_as, two_years, porteur_org):
    login_as("host")
    url = f"/c/rennes/projects?school_year={CURRENT}&porteur={porteur_org.id}"
    full = client.get(url)
    fragment = htmx_get(client, url)
    assert fragment.status_code == 200
    assert "HX-Request" in fragment.headers["Vary"]
    body = page_text(fragment)
    assert body.lstrip().startswith('<div id="project-list"')
    assert "<h1>" not in body
    assert "Clas courant" in body and "Clas du Relais" not in body
    assert body.strip() in page_text(full)


def test_rows_show_schools_and_collectifs_counts(client, login_as, make_project, make_partner, make_collectif, porteur_org):
    schools = (make_partner(PartnerKind.ECOLE), make_partner(PartnerKind.COLLEGE))
    project = make_project(porteur=porteur_org, schools=schools, school_year=CURRENT, is_rural=True)
    make_collectif(project, children_count=6)
    make_collectif(project, children_count=9)
    login_as("host")
    page = page_text(client.get("/c/rennes/projects"))
    assert "2 écoles" in page
    assert "2 collectifs" in page and "(15 enfants)" in page
    assert "rural" in page


def test_porteurs_see_their_organisations_projects_only(client, login_as, two_years, porteur_org):
    login_as("porteur", partner=porteur_org)
    page = page_text(client.get("/c/rennes/projects?school_year="))
    assert "Clas courant" in page and "Clas de l'an passé" in page
    assert "Clas du Relais" not in page
    assert 'name="porteur"' not in page  # no filter on other organisations


def test_school_users_see_only_the_projects_of_their_school(client, login_as, two_years, make_partner):
    login_as("school", partner=make_partner(PartnerKind.ECOLE))
    page = page_text(client.get("/c/rennes/projects?school_year="))
    assert "Votre établissement n'est lié à aucun projet Clas" in page and "Clas courant" not in page
    assert "Nouveau projet" not in page


def test_another_committee_answers_404(client, login_as, make_committee):
    make_committee(slug="brest")
    login_as("host")
    assert client.get("/c/brest/projects").status_code == 404


def test_empty_list_says_so(client, login_as):
    login_as("viewer")
    page = page_text(client.get("/c/rennes/projects"))
    assert f"Aucun projet en {CURRENT}." in page
    assert "Nouveau projet" not in page


def _fill(make_project, make_partner, make_collectif, count):
    for n in range(count):
        porteur = make_partner(PartnerKind.ASSOCIATION)
        project = make_project(porteur=porteur, schools=(make_partner(PartnerKind.ECOLE),), school_year=CURRENT)
        make_collectif(project)


def test_list_queries_do_not_grow_with_the_number_of_projects(client, login_as, make_project, make_partner, make_collectif):
    login_as("host")
    _fill(make_project, make_partner, make_collectif, 3)
    client.get("/c/rennes/projects")  # warm-up
    with count_queries() as few:
        assert page_text(client.get("/c/rennes/projects")).count("1 collectif") == 3
    _fill(make_project, make_partner, make_collectif, 12)
    with count_queries() as many:
        assert page_text(client.get("/c/rennes/projects")).count("1 collectif") == 15
    assert len(few) == len(many)
