"""The porteur enters the year's « Bilan d'activité » in a real browser (issue 17), on the demo.

From the project page's panel to the figures page: an absurd figure is refused in French
without losing what was typed, a plausible draft is saved with the referential's warning,
the dossier shows the section, and the CAF's viewer reads the figures in the annual bilan. Every page and swap is checked by axe-core (conftest.Audit).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from clas_local.demo import DEMO_PASSWORD
from tests.e2e.test_journeys import sign_in

pytestmark = pytest.mark.e2e


def test_the_porteur_enters_the_bilan_d_activite(new_page, live_server, audit):
    page = new_page()
    sign_in(page, audit, "porteur@demo.clas-local.fr", DEMO_PASSWORD)
    page.goto("/c/demo/projects")
    page.get_by_role("link", name="Clas du Blosne", exact=False).first.click()
    panel = page.locator("#bilan-activite-resume")
    expect(panel).to_contain_text("Bilan d'activité")
    panel.get_by_role("link", name="Saisir le bilan d'activité").click()
    expect(page.locator("h1")).to_contain_text("Bilan d'activité")
    audit.check(page, "Bilan d'activité (porteur)")

    page.get_by_label("Semaines de fonctionnement").fill("60")
    page.get_by_label("Perspectives").fill("Un second collectif de collégiens.")
    page.get_by_role("button", name="Enregistrer le bilan d'activité").click()
    expect(page.locator(".error-summary")).to_contain_text("Indiquez un nombre entre 0 et 53")
    expect(page.get_by_label("Perspectives")).to_have_value("Un second collectif de collégiens.")
    audit.check(page, "Bilan d'activité (erreur)", context="#bilan-activite")

    page.get_by_label("Semaines de fonctionnement").fill("20")
    page.get_by_role("button", name="Enregistrer le bilan d'activité").click()
    expect(page.locator("#bilan-activite [role=status]")).to_contain_text("Le bilan d'activité est enregistré.")
    expect(page.locator("#bilan-activite")).to_contain_text(
        "20 semaines de fonctionnement : l'action doit fonctionner 27 semaines dans l'année."
    )
    audit.check(page, "Bilan d'activité (enregistré)", context="#bilan-activite")

    page.get_by_role("link", name="Clas du Blosne", exact=False).first.click()
    page.get_by_role("link", name="Dossier de concertation").click()
    section = page.locator("#bilan-activite + p + table, #bilan-activite ~ table").first
    expect(section).to_contain_text("Semaines de fonctionnement")
    expect(page.locator("main")).to_contain_text("Un second collectif de collégiens.")
    audit.check(page, "Dossier de concertation (bilan d'activité)")

    # The CAF's viewer reads last year's figures in the committee's annual bilan (a wide table
    # that scrolls inside itself, never the page).
    viewer = new_page()
    sign_in(viewer, audit, "caf@demo.clas-local.fr", DEMO_PASSWORD)
    viewer.goto("/c/demo/bilan?school_year=2025-2026")
    expect(viewer.locator("#bilan-activite")).to_have_text("Activité des projets")
    expect(viewer.locator("table.activity-bilan tfoot")).to_contain_text("Total")
    audit.check(viewer, "Bilan annuel (activité des projets)")
    audit.assert_clean()
