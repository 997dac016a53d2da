"""The « Déclaration d'accessibilité » follows the RGAA model and is public."""

from __future__ import annotations

import re

from tests.conftest import page_text

SECTIONS = (
    "État de conformité",
    "Résultats des tests",
    "Contenus non accessibles",
    "Établissement de cette déclaration",
    "Retour d'information et contact",
    "Voies de recours",
)


def test_declaration_is_public_and_has_every_section_of_the_model(client):
    response = client.get("/accessibilite")
    assert response.status_code == 200
    text = page_text(response)
    headings = re.findall(r"<h2>([^<]+)</h2>", text)
    assert headings == list(SECTIONS)
    assert len(re.findall(r"<h1[ >]", text)) == 1
    assert "<title>Déclaration d'accessibilité – Clas Local</title>" in text
    assert "Clas Local est <strong>totalement conforme</strong>" in text
    assert "Cette déclaration a été établie le 29 novembre 2026." in text
    assert "Défenseur des droits" in text and "Libre réponse 71120" in text


def test_declaration_gives_the_configured_contact_address(app_config, client, app):
    app.config["MAIL_DEFAULT_SENDER"] = "accessibilite@rennes.example.fr"
    text = page_text(client.get("/accessibilite"))
    assert 'href="mailto:accessibilite@rennes.example.fr"' in text


def test_every_page_links_to_the_declaration_with_its_status(client):
    text = page_text(client.get("/login"))
    assert '<a href="/accessibilite">Accessibilité : totalement conforme</a>' in text
