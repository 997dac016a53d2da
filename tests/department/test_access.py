"""The department role: reads every committee of its département, writes nothing there, and
sees nothing of other départements."""

from __future__ import annotations

from clas_local.auth.models import Membership
from clas_local.department.models import departement_of_commune, departement_of_communes, normalise_code
from clas_local.extensions import db
from tests.conftest import page_text, post


def test_communes_name_their_departement():
    assert departement_of_commune("35238") == "35"
    assert departement_of_commune("2A004") == "2A"
    assert departement_of_commune("97411") == "974"
    assert departement_of_commune("97512") is None  # Saint-Pierre-et-Miquelon: no département
    assert departement_of_communes(["35238", "35024"]) == "35"
    assert departement_of_communes(["35238", "29019"]) is None
    assert departement_of_communes([]) is None
    assert normalise_code("5") == "05"
    assert normalise_code("2b") == "2B"


def test_the_department_user_lands_on_the_dashboard_and_reads_the_committee(client, committee, login_department,
                                                                            make_project):
    project = make_project(name="Clas du Blosne")
    login_department()
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith("/d/35/")
    dashboard = page_text(client.get("/d/35/"))
    assert "<h1>Département : Ille-et-Vilaine (35)</h1>" in dashboard
    assert 'aria-current="page">Département</a>' in dashboard
    for url in ("/c/rennes/", "/c/rennes/dashboard", "/c/rennes/bilan", f"/c/rennes/projects/{project.id}",
                f"/c/rennes/projects/{project.id}/dossier", "/c/rennes/meetings", "/c/rennes/projects"):
        assert client.get(url).status_code == 200, url
    assert "Clas du Blosne" in page_text(client.get("/c/rennes/projects"))


def test_the_department_user_writes_nothing_in_a_committee_and_is_never_made_a_member(
    client, committee, login_department, make_project
):
    project = make_project()
    user = login_department()
    assert client.get(f"/c/rennes/projects/{project.id}/edit").status_code == 403
    assert post(client, f"/c/rennes/projects/{project.id}/edit", {"name": "Renommé"}).status_code == 403
    assert post(client, "/c/rennes/members", {"email": "x@exemple.fr", "role": "host"}).status_code == 403
    assert client.get("/c/rennes/settings").status_code == 403
    # The viewer membership is of the moment: nothing was written.
    assert db.session.query(Membership).filter_by(user_id=user.id).count() == 0


def test_other_departements_stay_invisible(client, committee, make_committee, login_department, make_project):
    brest = make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    unset = make_committee(slug="sans-departement", name="Comité sans département")
    project = make_project(committee=brest)
    login_department()
    for url in ("/c/brest/", "/c/brest/dashboard", f"/c/brest/projects/{project.id}",
                f"/c/brest/projects/{project.id}/dossier", "/c/sans-departement/", "/d/29/", "/d/29/bilan",
                "/d/29/bilan.csv", "/d/29/visites", "/d/99/", "/d/abc/"):
        assert client.get(url).status_code == 404, url
    assert "Comité local de Brest" not in page_text(client.get("/d/35/"))
    assert unset.name not in page_text(client.get("/d/35/"))


def test_department_pages_are_for_department_users_only(client, committee, login_as):
    login_as("host")
    assert client.get("/d/35/").status_code == 404
    assert client.get("/d/35/bilan.csv").status_code == 404
    assert 'Département</a>' not in page_text(client.get("/c/rennes/"))


def test_the_sitemap_leads_the_department_user_to_its_pages(client, committee, login_department):
    login_department()
    page = page_text(client.get("/plan-du-site"))
    assert '<a href="/d/35/">Tableau de bord du département</a>' in page
    assert '<a href="/d/35/bilan">Bilan annuel de l\'activité</a>' in page
    assert "Vous n'êtes membre d'aucun comité" not in page
