"""The « Données personnelles » page: public, linked from every page, with the real durations."""

from tests.conftest import page_text


def test_privacy_page_says_what_is_kept_and_for_how_long(client, app):
    app.config["AUDIT_RETENTION_DAYS"] = 180
    app.config["KNOWN_DEVICE_DAYS"] = 90
    response = client.get("/donnees-personnelles")
    assert response.status_code == 200
    page = page_text(response)
    assert "<h1>Données personnelles</h1>" in page
    assert "<title>Données personnelles – Clas Local</title>" in page
    assert "aucune donnée personnelle sur les enfants" in page
    assert "180 jours" in page  # the audit retention actually configured
    assert "12 heures" in page and "14 jours" in page and "72 heures" in page
    assert "« appareil reconnu »" in page and "Il dure 90 jours." in page  # the known-device cookie, declared
    assert "anonymisé" in page and "CNIL" in page


def test_every_page_links_to_it(client):
    assert 'href="/donnees-personnelles"' in client.get("/login").get_data(as_text=True)
