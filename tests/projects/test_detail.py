"""The project page: what it shows, to whom, the referential warnings, the panels, bounded queries."""

import pytest
from flask import url_for
from jinja2 import ChoiceLoader, DictLoader

import clas_local.panels
from clas_local.panels import Panel
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import ProjectSchool
from tests.conftest import count_queries, htmx_get, page_text


@pytest.fixture
def full_project(make_project, porteur_org, school, make_partner, link_territory_partner, make_collectif):
    from clas_local.extensions import db

    project = make_project(
        porteur=porteur_org,
        name="Clas du Blosne",
        coordinator=porteur_org.contacts[0],
        description="Accompagnement des CM1-CM2 du quartier.",
    )
    college = make_partner(PartnerKind.COLLEGE, name="Collège des Hautes-Ourmes")
    referent = school.contacts[0]
    project.schools.append(ProjectSchool(partner=school, referent_contact=referent))
    project.schools.append(ProjectSchool(partner=college))
    db.session.commit()
    link_territory_partner(project, make_partner(PartnerKind.PRE, name="PRE de Rennes"), "Orientation croisée des familles suivies par le PRE.")
    make_collectif(project, name="CM1–CM2 Volga", children_count=13, animateurs_count=2)
    return project


def test_page_shows_the_project_and_its_links(client, login_as, full_project):
    login_as("host")
    response = client.get(f"/c/rennes/projects/{full_project.id}")
    assert response.status_code == 200
    page = page_text(response)
    assert page.count("<h1>") == 1 and "<h1>Clas du Blosne</h1>" in page
    assert "<title>Clas du Blosne (2026-2027) – Comité local de Rennes – Clas Local</title>" in page
    for text in (
        "Centre social Ty-Blosne",
        "Awa Diallo – Coordinatrice Clas",
        "2026-2027",
        "Urbain",
        "Accompagnement des CM1-CM2 du quartier.",
        "École élémentaire Volga",
        "Marc Le Goff – Directeur",
        "PRE de Rennes",
        "Orientation croisée des familles suivies par le PRE.",
        "CM1–CM2 Volga",
    ):
        assert text in page, text


def test_school_without_referent_is_flagged(client, login_as, full_project):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "Collège des Hautes-Ourmes" in page
    assert page.count("Aucun contact référent") == 1


def test_collectif_warnings_show_status_reason_and_source(client, login_as, full_project):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert '<span class="badge badge-warn">à vérifier</span> 13 enfants : un collectif compte 12 enfants au plus' in page
    assert '<span class="badge badge-ok">conforme</span> 2 animateurs pour le collectif' in page
    assert "Un collectif d'enfants est un groupe constitué de 8 à 12 enfants maximum" in page
    # 2026-2027 in zone B: 27 school weeks between Toussaint and 15 June.
    assert "du lundi 2 novembre 2026 au mardi 15 juin 2027, compte 27 semaines d'école" in page


def test_rural_project_uses_the_rural_exceptions(client, login_as, make_project, make_collectif, porteur_org):
    project = make_project(porteur=porteur_org, is_rural=True)
    make_collectif(project, children_count=6, animateurs_count=1, weekly_sessions=1, session_minutes=120)
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Rural (exceptions rurales du référentiel appliquées)" in page
    assert "6 enfants : accepté en milieu rural (5 enfants au moins)." in page
    assert "1 animateur pour 6 enfants : accepté en milieu rural" in page
    assert "1 séance hebdomadaire de 2 h : accepté en milieu rural" in page
    assert "à vérifier" not in page


def test_a_year_with_too_few_school_weeks_says_so(client, login_as, make_project, make_collectif, porteur_org):
    project = make_project(porteur=porteur_org, school_year="2027-2028")
    make_collectif(project, planned_weeks=27)
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "ne compte que 26 semaines d'école" in page
    assert "27 semaines prévues, mais l'année ne compte que 26 semaines d'école" in page


def test_viewer_reads_without_edit_controls(client, login_as, full_project):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "Modifier le projet" not in page
    assert "Lier l'établissement" not in page and "Ajouter le collectif" not in page
    assert "Lier une école" not in page and "Ajouter un collectif" not in page


def test_own_porteur_edits_other_porteur_gets_404(client, login_as, full_project, porteur_org, make_partner):
    login_as("porteur", partner=porteur_org)
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "Modifier le projet" in page and "Ajouter un collectif" in page
    login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION))
    assert client.get(f"/c/rennes/projects/{full_project.id}").status_code == 404


def test_school_users_and_other_committees_get_404(client, login_as, full_project, make_partner, make_committee, make_project):
    login_as("school", partner=full_project.schools[0].partner)
    assert client.get(f"/c/rennes/projects/{full_project.id}").status_code == 404
    make_committee(slug="brest")
    brest_project = make_project(committee=make_committee(slug="quimper"))
    login_as("host")
    assert client.get(f"/c/rennes/projects/{brest_project.id}").status_code == 404
    assert client.get(f"/c/brest/projects/{full_project.id}").status_code == 404
    assert client.get("/c/rennes/projects/999999").status_code == 404


def test_domain_panels_are_rendered(app, client, login_as, full_project, monkeypatch):
    app.jinja_env.loader = ChoiceLoader(
        [DictLoader({"test/_project_panel.html": "<section><h2>Réunions de {{ panel.context.name }}</h2></section>"}),
         app.jinja_env.loader]
    )
    seen = []

    def fake_panels(slot, obj, user):
        seen.append((slot, obj.id, user.id))
        return [Panel("test/_project_panel.html", {"name": obj.name})]

    monkeypatch.setattr(clas_local.panels, "panels", fake_panels)
    user = login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    assert "<h2>Réunions de Clas du Blosne</h2>" in page
    assert seen == [("project", full_project.id, user.id)]


def test_links_to_the_dossier_and_the_calendar(app, client, login_as, full_project):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{full_project.id}"))
    with app.test_request_context():
        dossier = url_for("dossier.page", slug="rennes", project_id=full_project.id)
        ics = url_for("calendar.project_ics", slug="rennes", project_id=full_project.id)
    assert f'href="{dossier}">Dossier de concertation</a>' in page
    assert f'href="{ics}">Calendrier du projet (.ics)</a>' in page


def _grow(project, make_partner, make_contact, link_territory_partner, make_collectif, count):
    from clas_local.extensions import db

    for _ in range(count):
        school = make_partner(PartnerKind.ECOLE)
        contact = make_contact(school)
        db.session.add(ProjectSchool(project=project, partner=school, referent_contact=contact))
        db.session.commit()
        link_territory_partner(project, make_partner(PartnerKind.ALSH))
        make_collectif(project)


def test_page_queries_do_not_grow_with_schools_partners_and_collectifs(
    client, login_as, make_project, porteur_org, make_partner, make_contact, link_territory_partner, make_collectif,
    monkeypatch,
):
    monkeypatch.setattr(clas_local.panels, "panels", lambda slot, obj, user: [])  # other domains test their own
    project = make_project(porteur=porteur_org)
    _grow(project, make_partner, make_contact, link_territory_partner, make_collectif, 1)
    login_as("host")
    url = f"/c/rennes/projects/{project.id}"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    _grow(project, make_partner, make_contact, link_territory_partner, make_collectif, 5)
    with count_queries() as many:
        page = page_text(client.get(url))
    assert page.count("Retirer<span") == 12  # 6 schools + 6 partners
    assert len(few) == len(many)


def test_detail_is_a_full_page_even_for_htmx_boosted_requests(client, login_as, full_project):
    login_as("viewer")
    response = htmx_get(client, f"/c/rennes/projects/{full_project.id}")
    assert response.status_code == 200
    assert "<h1>Clas du Blosne</h1>" in page_text(response)
