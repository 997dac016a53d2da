"""Territory links: a PRE, PEDT, PEL or cité éducative records the communes it covers; a project
whose schools lie there, and which does not cite it, gets a suggestion with a one-click link."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.audit.queries import action_label
from clas_local.extensions import db
from clas_local.partners.models import Partner, PartnerKind
from clas_local.projects.models import ProjectPartner
from tests.conftest import count_queries, page_text, post

PRE = {"kind": "pre", "name": "PRE de Rennes", "commune_name": "Rennes", "is_open": "y", "sector": "",
       "education_prioritaire": "none"}
SUGGESTION = "PRE de Rennes couvre Rennes, où se trouve École Volga."


@pytest.fixture
def school(make_partner):
    return make_partner(PartnerKind.ECOLE, name="École Volga", commune_code="35238", commune_name="Rennes")


@pytest.fixture
def pre(make_partner):
    return make_partner(PartnerKind.PRE, name="PRE de Rennes", covered_communes=["35238", "35024"])


@pytest.fixture
def project(make_project, school):
    return make_project(name="Clas du Blosne", schools=(school,))


# -- the communes on the partner form and page ---------------------------------------------------


def test_a_pre_records_the_communes_it_covers(client, login_as):
    login_as("host")
    response = post(client, "/c/rennes/partners/new", {**PRE, "covered_communes": "35238, 35024\n2a004 35238"})
    assert response.status_code == 303
    partner = db.session.scalars(select(Partner)).one()
    assert partner.covered_communes == ["35238", "35024", "2A004"]
    page = page_text(client.get(f"/c/rennes/partners/{partner.id}"))
    assert "<dt>Communes couvertes</dt><dd>35238, 35024, 2A004</dd>" in page
    form = page_text(client.get(f"/c/rennes/partners/{partner.id}/edit"))
    assert "35238, 35024, 2A004</textarea>" in form


@pytest.mark.parametrize(("value", "message"), [
    ("3523", "« 3523 » n'est pas un code INSEE de commune"),
    ("2C004", "« 2C004 » n'est pas un code INSEE de commune"),
    ("35238 Rennes", "« RENNES » n'est pas un code INSEE de commune"),
])  # fmt: skip
def test_a_bad_commune_code_is_refused_in_french(client, login_as, value, message):
    login_as("host")
    response = post(client, "/c/rennes/partners/new", {**PRE, "covered_communes": value})
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalars(select(Partner)).all() == []


def test_only_territory_schemes_cover_communes(client, login_as):
    login_as("host")
    response = post(client, "/c/rennes/partners/new",
                    {**PRE, "kind": "association", "covered_communes": "35238"})  # fmt: skip
    assert response.status_code == 422
    assert "Seuls un PRE, un PEDT, un PEL ou une cité éducative couvrent des communes" in page_text(response)
    assert db.session.scalars(select(Partner)).all() == []


def test_changing_the_communes_is_audited(client, login_as, pre):
    login_as("host")
    response = post(client, f"/c/rennes/partners/{pre.id}/edit", {**PRE, "covered_communes": "35238"})
    assert response.status_code == 303, [line for line in page_text(response).splitlines() if "Erreur" in line]
    db.session.expire_all()
    assert db.session.get(Partner, pre.id).covered_communes == ["35238"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "partner.update"))
    assert "covered_communes" in event.details["fields"]


# -- the suggestion on the project page ------------------------------------------------------------


def test_the_project_page_suggests_the_pre_covering_its_schools_commune(client, login_as, project, pre):
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert SUGGESTION in page
    assert "Ajouter comme partenaire du projet" in page


def test_no_suggestion_for_another_commune_or_a_closed_scheme(client, login_as, project, make_partner):
    make_partner(PartnerKind.PEDT, name="PEDT de Brest", covered_communes=["29019"])
    make_partner(PartnerKind.PEL, name="PEL fermé", covered_communes=["35238"], is_open=False)
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Suggestions du territoire" not in page
    assert "PEDT de Brest couvre" not in page and "PEL fermé couvre" not in page


def test_one_click_links_the_scheme_then_the_suggestion_is_gone(client, login_as, project, pre):
    host = login_as("host")
    response = post(client, f"/c/rennes/projects/{project.id}/partners/suggested/{pre.id}")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/c/rennes/projects/{project.id}#partenaires")
    link = db.session.scalars(select(ProjectPartner)).one()
    assert (link.project_id, link.partner_id, link.relation) == (project.id, pre.id, SUGGESTION)
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Suggestions du territoire" not in page
    assert f"<p>{SUGGESTION}</p>" in page  # now the link's relation sentence
    # The relation sentence can then be edited.
    assert f"Modifier la relation<span class=\"visually-hidden\"> avec PRE de Rennes</span>" in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.partner.suggested"))
    assert event.actor_id == host.id
    assert action_label(event.action) == "Projets : partenaire du territoire suggéré ajouté"


def test_a_scheme_already_linked_is_not_suggested_nor_linked_twice(client, login_as, project, pre,
                                                                    link_territory_partner):  # fmt: skip
    link_territory_partner(project, pre, "Orientation croisée.")
    login_as("host")
    assert "Suggestions du territoire" not in page_text(client.get(f"/c/rennes/projects/{project.id}"))
    response = post(client, f"/c/rennes/projects/{project.id}/partners/suggested/{pre.id}")
    assert response.status_code == 422
    assert "PRE de Rennes est déjà partenaire du projet." in page_text(response)
    assert len(db.session.scalars(select(ProjectPartner)).all()) == 1


def test_a_scheme_covering_no_school_of_the_project_is_refused(client, login_as, project, make_partner):
    other = make_partner(PartnerKind.PRE, name="PRE de Brest", covered_communes=["29019"])
    login_as("host")
    response = post(client, f"/c/rennes/projects/{project.id}/partners/suggested/{other.id}")
    assert response.status_code == 422
    assert "PRE de Brest ne couvre la commune d'aucune école du projet." in page_text(response)
    assert db.session.scalars(select(ProjectPartner)).all() == []


def test_a_viewer_sees_the_suggestion_without_the_button_and_may_not_post(client, login_as, project, pre):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert SUGGESTION in page and "Ajouter comme partenaire du projet" not in page
    assert post(client, f"/c/rennes/projects/{project.id}/partners/suggested/{pre.id}").status_code == 403
    assert db.session.scalars(select(ProjectPartner)).all() == []


@pytest.mark.parametrize("role", ["school", "other_porteur"])
def test_schools_and_other_porteurs_may_not_link(client, login_as, project, pre, school, make_partner, role):
    if role == "school":
        login_as("school", partner=school)
    else:
        login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION, name="Autre association"))
    assert post(client, f"/c/rennes/projects/{project.id}/partners/suggested/{pre.id}").status_code == 404
    assert db.session.scalars(select(ProjectPartner)).all() == []


def test_the_suggestions_cost_one_query_whatever_the_number_of_schemes(client, login_as, project, make_partner):
    login_as("host")
    url = f"/c/rennes/projects/{project.id}"
    make_partner(PartnerKind.PRE, name="PRE 0", covered_communes=["35238"])
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for n in range(1, 8):
        make_partner(PartnerKind.CITE_EDUCATIVE, name=f"Cité éducative {n}", covered_communes=["35238", "35024"])
    client.get(url)  # after the writes, the page's checklist is read again once, then kept (as for `few`)
    with count_queries() as many:
        page = page_text(client.get(url))
    assert page.count("Ajouter comme partenaire du projet") == 8
    assert len(few) == len(many)
