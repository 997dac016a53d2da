"""A project that lasts, in the browser (issue 17): the demo's Maurepas project shows its years
and its financing, takes the PRE its page suggests as a partner in one click (HTMX), then is
reconducted to 2027-2028 from its confirmation page; the committee's « Renouvellements » page
lists what is due. Every page is audited (axe-core, all rules).

Runs after the other journeys (file order): it changes the demo's Maurepas project.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clas_local.demo import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

PRE = "Programme de réussite éducative de Rennes"


def test_the_host_links_the_suggested_pre_and_reconducts_the_project(new_page, audit):
    host = new_page()
    sign_in(host, audit, "animation@demo.clas-local.fr", DEMO_PASSWORD)
    host.goto("/c/demo/projects?school_year=2026-2027")
    host.locator("main").get_by_role("link", name="Clas Maurepas – Gantelles").first.click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Clas Maurepas – Gantelles")
    years = host.locator("#financement")
    expect(years).to_contain_text("Ce projet se poursuit d'année en année : 2 années scolaires, depuis 2025-2026.")
    expect(years.locator("table")).to_contain_text("Financement accordé")
    suggestions = host.locator("#partenaires .territory-suggestions")
    expect(suggestions).to_contain_text(f"{PRE} couvre Rennes, où se trouvent")
    audit.check(host, "Projet : années, financement et suggestions du territoire")
    # The CAF decision's form is folded: opened with the keyboard, it is loaded and takes the focus.
    years.locator("summary", has_text="Décision de la CAF pour 2026-2027").focus()
    host.keyboard.press("Enter")
    expect(years.get_by_label("Décision de la CAF pour cette année")).to_be_focused()
    expect(years.get_by_role("button", name="Enregistrer la décision")).to_be_visible()
    audit.check(host, "Projet : formulaire de la décision de la CAF")

    # One click: the PRE joins the project (the section is swapped in place), its relation is editable.
    suggestions.get_by_role("button", name=f"Ajouter comme partenaire du projet : {PRE}").click()
    partners = host.locator("#partenaires")
    expect(partners).to_contain_text(f"{PRE} est lié au projet.")
    expect(partners.locator(".territory-suggestions")).not_to_contain_text(PRE)
    card = partners.locator("li.card", has_text=f"Modifier la relation avec {PRE}")
    card.locator("summary", has_text="Modifier la relation").click()
    card.get_by_label("Relation avec le projet").fill("Orientation croisée des familles suivies par le PRE.")
    card.get_by_role("button", name="Enregistrer la relation").click()
    expect(host.locator("#partenaires")).to_contain_text("Orientation croisée des familles suivies par le PRE.")
    audit.check(host, "Projet : partenaire suggéré ajouté")

    # Reconduire: the confirmation page says what is copied, then the next year's page.
    host.locator("main").get_by_role("link", name="Reconduire en 2027-2028").first.click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Reconduire le projet en 2027-2028")
    expect(host.locator("main")).to_contain_text("Ce qui n'est pas repris")
    audit.check(host, "Reconduire un projet")
    host.get_by_role("button", name="Reconduire en 2027-2028").click()
    expect(host.locator(".flashes")).to_contain_text("est reconduit en 2027-2028")
    expect(host.get_by_role("heading", level=1)).to_have_text("Clas Maurepas – Gantelles")
    expect(host.locator("#financement")).to_contain_text("3 années scolaires, depuis 2025-2026")
    expect(host.locator("#partenaires")).to_contain_text(PRE)
    audit.check(host, "Projet reconduit (2027-2028)")

    host.goto("/c/demo/dashboard")
    host.get_by_role("link", name="Renouvellements et bilans de l'année précédente").click()
    expect(host.get_by_role("heading", level=1)).to_have_text("Renouvellements et bilans")
    expect(host.locator("main")).to_contain_text("Clas rural du Verger")
    audit.check(host, "Renouvellements et bilans")
    audit.assert_clean()
