"""A host sets their committee (name, host organisation, holiday zone, time zone, communes); the
admin's « créer un comité » has the same fields; the schools import then keeps those communes."""

from __future__ import annotations

from clas_local.committees.models import Committee
from clas_local.extensions import db
from tests.conftest import page_text, post


def test_a_host_sets_the_committee_and_the_import_offers_its_communes(client, login_as, committee):
    login_as("host")
    page = " ".join(page_text(client.get("/c/rennes/partners/import")).split())
    assert "Le comité n'a pas encore de communes" in page
    assert 'href="/c/rennes/settings">Indiquer les communes du comité' in page
    form = page_text(client.get("/c/rennes/settings"))
    assert "Paramètres du comité" in form and "France métropolitaine et Corse (heure de Paris)" in form
    response = post(client, "/c/rennes/settings", {
        "name": "Comité local de Rennes", "host_organisation": "Ville de Rennes", "holiday_zone": "B",
        "timezone": "Europe/Paris", "insee_codes": "35238, 35024 35238",
    })
    assert response.status_code == 303
    db.session.expire_all()
    saved = db.session.get(Committee, committee.id)
    assert saved.insee_codes == ["35238", "35024"] and saved.host_organisation == "Ville de Rennes"
    assert "Paramètres enregistrés : collectivité porteuse, communes." in page_text(client.get("/c/rennes/settings"))
    page = " ".join(page_text(client.get("/c/rennes/partners/import")).split())
    assert "Territoire du comité (codes INSEE) : 35238, 35024." in page
    assert "Seulement les communes du territoire du comité" in page


def test_a_bad_insee_code_is_refused_in_french_and_nothing_changes(client, login_as, committee):
    login_as("host")
    response = post(client, "/c/rennes/settings", {
        "name": "Autre nom", "holiday_zone": "B", "timezone": "Europe/Paris", "insee_codes": "35238, Rennes",
    })
    assert response.status_code == 422
    assert "« RENNES » n'est pas un code INSEE de commune" in page_text(response)
    db.session.expire_all()
    assert db.session.get(Committee, committee.id).name == "Comité local de Rennes"


def test_the_admin_creates_a_committee_with_its_communes(client, make_user):
    from tests.factories import sign_in

    sign_in(client, make_user(is_admin=True))
    form = page_text(client.get("/admin"))
    assert "Communes du territoire (codes INSEE)" in form
    response = post(client, "/admin", {"name": "Comité local de Vannes", "slug": "vannes", "holiday_zone": "B",
                                       "timezone": "Europe/Paris", "insee_codes": "56260"})
    assert response.status_code == 303
    created = db.session.query(Committee).filter_by(slug="vannes").one()
    assert created.insee_codes == ["56260"]
