"""The CAF conseillère follows her département in a real browser: she lands on the department
dashboard, opens a committee and a dossier, records a field visit (after a mistake the form
points out), reads the department's annual bilan and flags a difficulty. Every page reached
is checked (see conftest.Audit: axe-core with every rule, narrow widths, text spacing)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clas_local.demo import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e

CONSEILLERE = "conseillere.caf@demo.clas-local.fr"
DEMO_COMMITTEE = "Comité local d'accompagnement à la scolarité de Rennes Métropole"
BLOSNE = "Clas du Blosne – « Coup de pouce »"


def test_the_caf_conseillere_reads_her_departement_and_records_a_field_visit(new_page, audit):
    page = new_page()
    sign_in(page, audit, CONSEILLERE, DEMO_PASSWORD)
    page.wait_for_url("**/d/35/")
    audit.check(page, "Département : tableau de bord")
    main = page.locator("main")
    expect(page.locator("h1")).to_have_text("Département : Ille-et-Vilaine (35)")
    expect(main).to_contain_text("Comité local Clas de Fougères Agglomération")
    expect(main).to_contain_text(BLOSNE)  # the demo's field visit
    expect(page.get_by_role("link", name="Département", exact=True)).to_have_attribute("aria-current", "page")

    # A committee: its dashboard, read through the département's viewer right.
    page.get_by_role("link", name="Comité local Clas de Fougères Agglomération", exact=True).click()
    page.wait_for_url("**/c/demo-fougeres/dashboard")
    audit.check(page, "Département : un comité (tableau de bord)")
    expect(page.locator("main")).to_contain_text("Clas de Bonabry")
    expect(page.locator("main")).not_to_contain_text("Créer un projet")

    # A dossier, from the demo committee's dashboard.
    page.goto("/d/35/")
    page.get_by_role("link", name=DEMO_COMMITTEE, exact=True).click()
    page.wait_for_url("**/c/demo/dashboard")
    page.get_by_role("link", name=f"Dossier de {BLOSNE}", exact=True).click()
    page.wait_for_url("**/dossier")
    audit.check(page, "Département : dossier d'un projet")
    expect(page.locator("main")).to_contain_text(BLOSNE)

    # A field visit, from the project's page: first without saying who came, then complete.
    page.goto("/c/demo/dashboard")
    page.get_by_role("link", name=BLOSNE, exact=True).click()
    page.get_by_role("link", name=f"Noter une visite de terrain de {BLOSNE}", exact=True).click()
    page.wait_for_url("**/d/35/visites?projet=*")
    audit.check(page, "Département : noter une visite")
    form = page.locator("form.narrow")
    form.get_by_label("Date de la visite").fill("2026-11-26")
    form.get_by_label("Observations").fill("Atelier lecture observé ; l'équipe demande un local plus calme.")
    form.get_by_role("button", name="Enregistrer la visite").click()
    expect(page.locator(".error-summary")).to_contain_text("Indiquez qui a fait la visite.")
    audit.check(page, "Département : visite refusée (visiteurs manquants)")
    page.locator("form.narrow").get_by_label("Visiteurs").fill("Anne Martin, conseillère CAF")
    page.locator("form.narrow").get_by_role("button", name="Enregistrer la visite").click()
    page.wait_for_url("**/d/35/#visites")
    expect(page.locator(".flash, [role=status]").first).to_contain_text("Visite de terrain du projet")
    visits = page.locator("section[aria-labelledby=visites]")
    expect(visits).to_contain_text("jeudi 26 novembre 2026")
    expect(visits).to_contain_text("Atelier lecture observé")
    audit.check(page, "Département : visite enregistrée")

    # The project's page shows the visit to whoever reads the project.
    visits.get_by_role("link", name=BLOSNE).first.click()
    expect(page.locator("#visites-de-terrain")).to_contain_text("Atelier lecture observé")
    audit.check(page, "Département : page du projet avec ses visites")

    # The département's annual bilan, and a difficulty flagged to the comité départemental.
    page.goto("/d/35/bilan")
    audit.check(page, "Département : bilan annuel de l'activité")
    expect(page.locator("tfoot")).to_contain_text("Total du département")
    page.goto("/d/35/difficultes")
    page.get_by_label("Comité concerné").select_option(label="Comité local Clas de Fougères Agglomération")
    page.get_by_role("textbox", name="Difficulté (obligatoire)").fill("Le comité local ne s'est pas encore réuni cette année.")
    page.get_by_role("button", name="Signaler la difficulté").click()
    page.wait_for_url("**/d/35/#difficultes")
    expect(page.locator("section[aria-labelledby=difficultes]")).to_contain_text("pas encore réuni")
    audit.check(page, "Département : difficulté signalée")
    audit.assert_clean()
