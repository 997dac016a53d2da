"""Each role does its job in a real browser, in the order of a school year.

The tests of this module form one story and run in file order: the instance admin creates a
committee; its host imports the schools, creates a project, plans the four key meetings and
sends invitations; the school's director answers from her phone with the keyboard alone; the
porteur records attendance, files the signed sheet and downloads the dossier; a viewer reads
the dashboard and the annual bilan, then forgets her password and gets back in. Every page
reached is checked (see conftest.Audit).
"""

from __future__ import annotations

import re
import zipfile
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from clas_local.demo import DEMO_PASSWORD
from tests.e2e.conftest import schools_file

pytestmark = pytest.mark.e2e

ADMIN_EMAIL = "admin@demo.clas-local.fr"
KEY_MOMENTS = ("diagnostic", "lancement", "suivi", "bilan")
# The smallest file the evidence check takes for a PDF (the type is read from the content).
SIGNED_SHEET = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

FOCUS_VISIBLE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return false;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  return outline || (style.boxShadow && style.boxShadow !== 'none');
}"""


def sign_in(page, audit, email: str, password: str) -> None:
    page.goto("/login")
    audit.check(page, "Connexion")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(lambda url: "/login" not in url)


def choose_password(page, audit, link: str, password: str) -> None:
    """Follow the e-mailed password link, as a new member does."""
    page.goto(link)
    audit.check(page, "Choisir un mot de passe")
    page.get_by_label("Mot de passe", exact=False).first.fill(password)
    page.locator("#confirm").fill(password)
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.locator(".flash, [role=status]").first).to_contain_text("mot de passe est enregistré")


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus, checking each stop shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_VISIBLE), f"focus on {selector} is not visible"
            return
        described = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 120)")
        assert page.evaluate(FOCUS_VISIBLE), f"focus not visible on {described}"
    raise AssertionError(f"{selector} not reached with Tab within {limit} presses")


def path_of(url: str) -> str:
    parsed = urlparse(url)
    return parsed.path + (f"?{parsed.query}" if parsed.query else "")


# -- 1. the instance admin and the host ----------------------------------------------------------


def test_admin_creates_the_committee_and_host_sets_up_the_year(new_page, live_server, audit, journey, tmp_path):
    page = new_page()
    page.goto("/accessibilite")
    audit.check(page, "Déclaration d'accessibilité (public)")
    expect(page.get_by_role("heading", level=1)).to_have_text("Déclaration d'accessibilité")
    sign_in(page, audit, ADMIN_EMAIL, DEMO_PASSWORD)
    page.goto("/admin")
    audit.check(page, "Administration")
    # In-place errors of a full-page form: the error is tied to its field.
    page.get_by_role("button", name="Créer le comité").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check(page, "Administration (erreurs)")
    name_input = page.locator("#name")
    expect(name_input).to_have_attribute("aria-invalid", "true")
    described = name_input.get_attribute("aria-describedby").split()
    assert "name-error" in described
    expect(page.locator("#name-error")).to_contain_text("Ce champ est obligatoire")
    page.locator("#name").fill("Comité local d'accompagnement à la scolarité de Rennes Nord")
    page.locator("#slug").fill(journey.slug)
    page.locator("#host_organisation").fill("Ville de Rennes – direction Éducation")
    page.locator("#holiday_zone").select_option("B")
    page.locator("#host_email").fill(journey.host_email)
    page.get_by_role("button", name="Créer le comité").click()
    expect(page.locator("main")).to_contain_text("est créé")
    expect(page.locator("main")).not_to_contain_text("/mot-de-passe/")  # the link goes to the host only
    link = live_server.mailbox.link(journey.host_email, "/mot-de-passe/")
    # The accounts: the new host is there, password not chosen yet.
    page.get_by_role("link", name=re.compile("^Comptes")).click()
    audit.check(page, "Administration : comptes")
    page.get_by_label("Rechercher (adresse ou nom)").fill(journey.host_email)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.locator("#accounts-list")).to_contain_text("mot de passe non choisi")

    host = new_page()
    choose_password(host, audit, path_of(link), journey.password)
    sign_in(host, audit, journey.host_email, journey.password)
    host.goto(f"/c/{journey.slug}/")
    audit.check(host, "Accueil du comité")
    audit.screenshot(host, "01-accueil-comite")

    # Import the national schools directory through the upload form (HTMX, multipart).
    host.goto(f"/c/{journey.slug}/partners/import")
    audit.check(host, "Import de l'Annuaire de l'éducation")
    host.locator("#partner-import input[type=file]").set_input_files(str(schools_file()))
    host.get_by_role("button", name="Importer le fichier").click()
    report = host.locator("#import-report-title")
    expect(report).to_be_visible(timeout=60_000)
    created = int(host.locator(".import-counts li").first.locator("strong").inner_text())
    assert created > 500, created
    audit.check(host, "Import : compte rendu")

    # The directory: live search, then the back button restores full pages.
    host.goto(f"/c/{journey.slug}/partners")
    audit.check(host, "Annuaire des partenaires")
    search = host.get_by_role("searchbox", name="Rechercher")
    with host.expect_response(lambda r: "q=Volga" in r.url and r.request.headers.get("hx-request") == "true"):
        search.fill("Volga")
    expect(host).to_have_url(re.compile(r"q=Volga"))
    results = host.locator("#partner-results")
    expect(results).to_contain_text(journey.school_name)
    expect(results).not_to_contain_text("Ecole primaire publique les Lucioles")
    # The results, swapped in, are announced through the page's permanent live region.
    expect(host.locator("#annonces")).to_have_text(re.compile(r"^\d+ partenaires? correspondant à la recherche$"))
    audit.check(host, "Annuaire : recherche en direct")
    with host.expect_response(lambda r: "q=Lucioles" in r.url):
        search.fill("Lucioles")
    expect(results).to_contain_text("Lucioles")
    expect(results).not_to_contain_text("Volga")
    # Back within the page: htmx restores the previous results, in the full page.
    host.go_back()
    expect(host).to_have_url(re.compile(r"q=Volga"))
    expect(host.locator("#partner-results")).to_contain_text(journey.school_name)
    expect(host.get_by_role("heading", level=1)).to_have_text("Annuaire des partenaires")
    expect(host.locator("nav.committee-nav")).to_be_visible()
    # A history entry htmx no longer holds: the server is asked, and answers the full page.
    host.evaluate("() => localStorage.removeItem('htmx-history-cache')")
    host.go_forward()
    expect(host).to_have_url(re.compile(r"q=Lucioles"))
    host.go_back()
    expect(host).to_have_url(re.compile(r"q=Volga"))
    expect(host.locator("#partner-results")).to_contain_text(journey.school_name)
    expect(host.get_by_role("heading", level=1)).to_have_count(1)
    expect(host.get_by_role("heading", level=1)).to_have_text("Annuaire des partenaires")
    expect(host.locator("nav.committee-nav")).to_be_visible()
    audit.check(host, "Annuaire : retour arrière")
    audit.screenshot(host, "02-annuaire-recherche")

    # The school's director, as a contact of the school.
    host.locator("#partner-results").get_by_role("link", name=journey.school_name).click()
    expect(host.get_by_role("heading", level=1)).to_contain_text("Volga")
    audit.check(host, "Fiche d'une école")
    school_path = path_of(host.url)
    # Leaving the search by a link and coming back by the back button: the full page again.
    host.go_back()
    expect(host).to_have_url(re.compile(r"q=Volga"))
    expect(host.get_by_role("heading", level=1)).to_have_text("Annuaire des partenaires")
    expect(host.locator("#partner-results")).to_contain_text(journey.school_name)
    host.goto(school_path)
    host.get_by_role("link", name=re.compile("Ajouter un contact")).first.click()
    audit.check(host, "Nouveau contact")
    host.get_by_label("E-mail", exact=False).fill("pas-une-adresse")
    host.get_by_role("button", name=re.compile("Ajouter|Enregistrer")).last.click()
    email_input = host.locator("#email")
    expect(email_input).to_have_attribute("aria-invalid", "true")
    assert "email-error" in email_input.get_attribute("aria-describedby").split()
    audit.check(host, "Nouveau contact (erreurs en place)")
    host.locator("#full_name").fill("Isabelle Caradec")
    host.locator("#function").fill("Directrice")
    email_input.fill(journey.director_email)
    host.get_by_role("button", name=re.compile("Ajouter|Enregistrer")).last.click()
    host.wait_for_url(re.compile(r"/partners/\d+(#\w+)?$"))
    expect(host.locator("#contacts")).to_contain_text("Isabelle Caradec")

    # The porteur's organisation, with the coordinator's account.
    host.goto(f"/c/{journey.slug}/partners/new")
    audit.check(host, "Nouveau partenaire")
    host.locator("#kind").select_option("centre_social")
    host.locator("#name").fill(journey.porteur_name)
    host.locator("#commune_name").fill("Rennes")
    host.get_by_role("button", name="Ajouter le partenaire").click()
    host.wait_for_url(re.compile(r"/partners/\d+(#\w+)?$"))
    porteur_id = int(host.url.rsplit("/", 1)[1])
    host.goto(f"/c/{journey.slug}/members")
    audit.check(host, "Membres du comité")
    for email, role, name, partner in (
        (journey.porteur_email, "porteur", "Nadia Benali", str(porteur_id)),
        (journey.viewer_email, "viewer", "Thomas Le Bihan", ""),
    ):
        host.locator("#email").fill(email)
        host.locator("#full_name").fill(name)
        host.locator("#role").select_option(role)
        host.locator("#partner_id").select_option(partner)
        host.get_by_role("button", name=re.compile("Ajouter|Inviter")).last.click()
        expect(host.get_by_role("cell", name=email, exact=True)).to_be_visible()
    audit.check(host, "Membres du comité (lien envoyé)")

    # The project, its school and the referent.
    host.goto(f"/c/{journey.slug}/projects/new")
    audit.check(host, "Nouveau projet")
    host.locator("#name").fill(journey.project_name)
    host.locator("#school_year").fill("2026-2027")
    host.locator("#porteur_id").select_option(str(porteur_id))
    host.get_by_role("button", name="Créer le projet").click()
    host.wait_for_url(re.compile(r"/projects/\d+$"))
    journey.project_id = int(host.url.rsplit("/", 1)[1])
    school_id = int(school_path.rsplit("/", 1)[1])
    schools = host.locator("#ecoles")
    # The add-forms are folded below the timeline and the checklist: open this one.
    # It is loaded when opened, and the focus goes to its first field: the search field.
    schools.locator("summary", has_text="Lier une école").click()
    expect(schools.get_by_role("searchbox", name="Rechercher un établissement dans la liste")).to_be_focused()
    # Hundreds of schools: the search field narrows the list, and says how many remain.
    schools.get_by_role("searchbox", name="Rechercher un établissement dans la liste").fill("volga")
    remaining = schools.locator("#school-partner_id option:not([hidden]):not([value=''])")
    expect(remaining).not_to_have_count(0)
    assert all("Volga" in text for text in remaining.all_inner_texts()), remaining.all_inner_texts()
    expect(host.locator("#annonces")).to_have_text(re.compile(r"^(1 établissement correspond|\d+ établissements correspondent)\.$"))
    audit.check(host, "Page du projet : recherche d'un établissement")
    schools.locator("#school-partner_id").select_option(str(school_id))
    # The referent list follows the chosen school (HTMX), then the school's row can change it.
    referent = schools.locator("#school-referent_contact_id")
    expect(referent.locator("option", has_text="Isabelle Caradec")).to_have_count(1)
    referent.select_option(referent.locator("option", has_text="Isabelle Caradec").get_attribute("value"))
    schools.get_by_role("button", name="Lier l'établissement").click()
    expect(schools.locator("table")).to_contain_text("Volga")
    expect(host.locator("#ecoles table")).to_contain_text("Isabelle Caradec")
    # The row's referent form is folded: opened (keyboard), it is loaded and takes the focus.
    schools.locator("table summary", has_text="Changer le contact référent").first.focus()
    host.keyboard.press("Enter")
    row_referent = schools.locator("table select[name$=referent_contact_id]").first
    expect(row_referent).to_be_focused()
    audit.check(host, "Page du projet : contact référent d'une école")
    row_referent.select_option("")
    schools.get_by_role("button", name=re.compile("Enregistrer le contact référent")).first.click()
    # The section comes back with the row's form folded again (the old one listed the contacts).
    expect(schools.locator("table select")).to_have_count(0)
    expect(host.locator("#ecoles table")).to_contain_text("Aucun contact référent")
    schools.locator("table summary", has_text="Changer le contact référent").first.click()
    row_referent = schools.locator("table select[name$=referent_contact_id]").first
    row_referent.select_option(row_referent.locator("option", has_text="Isabelle Caradec").get_attribute("value"))
    schools.get_by_role("button", name=re.compile("Enregistrer le contact référent")).first.click()
    expect(schools.locator("table select")).to_have_count(0)
    expect(host.locator("#ecoles table")).to_contain_text("Isabelle Caradec")
    audit.check(host, "Page du projet")

    # The four key moments, each planned from the project's timeline.
    for kind in KEY_MOMENTS:
        host.goto(f"/c/{journey.slug}/projects/{journey.project_id}")
        host.locator("#temps-forts").get_by_role("link", name=re.compile(f"Planifier une réunion de {kind}", re.I)).click()
        expect(host.locator("#kind")).to_have_value(kind)
        expect(host.locator(f"#partner-{school_id}")).to_be_checked()
        if kind == "diagnostic":
            audit.check(host, "Planifier une réunion")
            # No place nor link: the error comes back in place (HTMX 422), tied to its field.
            host.get_by_role("button", name="Planifier la réunion").click()
            place = host.locator("#place")
            expect(place).to_have_attribute("aria-invalid", "true")
            assert "place-error" in place.get_attribute("aria-describedby").split()
            expect(host.locator("#place-error")).to_contain_text("Indiquez un lieu")
            expect(host.locator(".error-summary")).to_be_focused()
            expect(host.get_by_role("heading", level=1)).to_have_count(1)
            audit.check(host, "Planifier une réunion (erreurs en place)")
        if kind == "suivi":
            # The answer page must be open: the suivi meeting is planned in the coming weeks.
            host.locator("#day").fill("2027-01-14")
        host.locator("#place").fill("Centre social des Champs-Manceaux, salle 1")
        host.locator("#agenda").fill("Point sur les collectifs\nLien avec les familles")
        host.get_by_role("button", name="Planifier la réunion").click()
        host.wait_for_url(re.compile(r"/meetings/\d+$"))
        journey.meetings[kind] = int(host.url.rsplit("/", 1)[1])
    audit.check(host, "Page d'une réunion")
    host.goto(f"/c/{journey.slug}/projects/{journey.project_id}")
    timeline = host.locator("#temps-forts")
    for label in ("Diagnostic", "Lancement", "Suivi", "Bilan"):
        expect(timeline).to_contain_text(label)
    # Every key moment is planned: none is left « à planifier », and none is ever « manquante ».
    expect(timeline.locator(".timeline-to_plan")).to_have_count(0)
    expect(timeline.locator(".timeline-step")).to_have_count(4)
    expect(timeline).to_contain_text("Démarrage de l'activité")
    expect(timeline).not_to_contain_text("Manquante")
    expect(host.locator("#conformite-titre")).to_contain_text("Concertation (axes école et territoire)")
    # The school's team oriented children: a count and a date, read by the obligation.
    row = host.locator("#ecoles tbody tr", has_text="Volga")
    row.locator("summary", has_text="Noter l'orientation").click()
    expect(row.get_by_label("Enfants orientés par l'équipe de l'école")).to_be_focused()
    row.get_by_label("Enfants orientés par l'équipe de l'école").fill("8")
    row.get_by_label("Date de l'orientation").fill("2026-11-05")
    row.get_by_role("button", name=re.compile("l'orientation des enfants")).click()
    expect(host.locator("#ecoles table")).to_contain_text("8 enfants orientés le 5 novembre 2026")
    audit.screenshot(host, "03-projet")

    # Invitations for the suivi meeting: the director's e-mail holds her answer link.
    host.goto(f"/c/{journey.slug}/meetings/{journey.meetings['suivi']}")
    panel = host.locator("#invitations-panel")
    panel.get_by_label(re.compile("Isabelle Caradec")).check()
    panel.get_by_role("button", name="Envoyer les invitations").click()
    expect(host.locator("#invitations-panel")).to_contain_text("invitation envoyée")
    audit.check(host, "Réunion : invitations envoyées")
    audit.screenshot(host, "04-reunion")
    journey.answer_link = path_of(live_server.mailbox.link(journey.director_email, "/rsvp/"))
    host.goto(f"/c/{journey.slug}/meetings")
    audit.check(host, "Réunions")
    # The host's other pages.
    for path, label in (
        (f"/c/{journey.slug}/projects", "Projets"),
        (f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}/minutes/edit", "Compte rendu : rédaction"),
        (f"/c/{journey.slug}/mail", "Courriels envoyés"),
        (f"/c/{journey.slug}/journal", "Journal"),
        ("/compte", "Mon compte"),
        ("/compte/agenda", "Mon agenda (abonnements)"),
        ("/donnees-personnelles", "Données personnelles"),
        ("/plan-du-site", "Plan du site"),
    ):
        host.goto(path)
        audit.check(host, label)
    # An error page is a page too (RGAA sample): a meeting that does not exist.
    missing = host.goto(f"/c/{journey.slug}/meetings/999999")
    assert missing.status == 404
    audit.check(host, "Page introuvable (404)")
    audit.assert_clean()


# -- 2. the school's director, on a phone, keyboard only -------------------------------------------


def test_director_answers_from_her_phone_with_the_keyboard(new_page, audit, journey):
    assert journey.answer_link, "the host's journey sends the invitation"
    phone = new_page(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    phone.goto(journey.answer_link)
    audit.check(phone, "Réponse à une invitation (375 px)")
    audit.screenshot(phone, "05-reponse-mobile")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 375, "no sideways scrolling at 375 px"
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Clas des Champs-Manceaux")
    expect(phone.locator(".rsvp-current")).to_contain_text("pas encore répondu")

    # The skip link comes first and takes the focus to the content.
    phone.keyboard.press("Tab")
    expect(phone.locator("a.skip-link")).to_be_focused()
    assert phone.evaluate(FOCUS_VISIBLE), "skip link focus not visible"
    phone.keyboard.press("Enter")
    expect(phone).to_have_url(re.compile(r"#contenu$"))
    # Choose « Je serai présent·e » with Space, write a comment, send with Enter.
    tab_to(phone, "input[type=radio]")
    phone.keyboard.press("Space")
    expect(phone.get_by_label("Je serai présent·e")).to_be_checked()
    tab_to(phone, "textarea")
    phone.keyboard.type("Je viendrai avec l'enseignante référente.")
    tab_to(phone, "button[type=submit]")
    phone.keyboard.press("Enter")
    expect(phone.locator(".rsvp-current")).to_contain_text("Présent·e")
    expect(phone.locator(".rsvp-current")).to_contain_text("enseignante référente")
    audit.check(phone, "Réponse enregistrée (375 px)")
    audit.keyboard_flows.append("answer page at 375 px (Tab, Space, Enter)")
    audit.assert_clean()


# -- 3. the porteur ------------------------------------------------------------------------------------


def test_porteur_records_attendance_files_the_sheet_and_downloads_the_dossier(
    new_page, live_server, audit, journey, tmp_path
):
    assert journey.meetings, "the host's journey plans the meetings"
    page = new_page()
    choose_password(page, audit, path_of(live_server.mailbox.link(journey.porteur_email, "/mot-de-passe/")), journey.password)
    sign_in(page, audit, journey.porteur_email, journey.password)
    refused = page.goto(f"/c/{journey.slug}/members")  # the host's page: visible, not for her
    assert refused.status == 403
    audit.check(page, "Accès refusé (403)")
    meeting_url = f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}"
    page.goto(meeting_url)
    audit.check(page, "Réunion (porteur)")

    # Attendance with the keyboard alone: the row toggles in place and keeps the focus.
    panel = page.locator("#attendance-panel")
    row = panel.locator("tbody tr", has_text="Volga")
    present = row.get_by_role("button", name="Présent", exact=True)
    expect(present).to_have_attribute("aria-pressed", "false")
    present_id = present.get_attribute("id")
    tab_to(page, f"#{present_id}", limit=150)
    with page.expect_response(lambda r: "/attendance/partners/" in r.url) as answer:
        page.keyboard.press("Space")
    assert answer.value.status == 200
    assert "<html" not in answer.value.text(), "the toggle returns the row, not a page"
    present = page.locator(f"#{present_id}")
    expect(present).to_have_attribute("aria-pressed", "true")
    expect(present).to_be_focused()
    assert page.evaluate(FOCUS_VISIBLE)
    # The pressed state is not carried by colour alone: a mark is drawn before the label.
    marks = page.evaluate(
        """(id) => { const on = document.getElementById(id);
                     const off = on.parentElement.querySelector('[aria-pressed=false]');
                     return [getComputedStyle(on, '::before').content, getComputedStyle(off, '::before').content]; }""",
        present_id,
    )
    assert marks[0] not in ("none", "normal", '""') and marks[0] != marks[1], marks
    expect(page.locator(f"#{present_id}").locator("xpath=ancestor::tr")).to_contain_text("Présent")
    # The counts above the table follow the row (out of band, no reload).
    expect(page.locator("#attendance-summary")).to_contain_text("1 organisation présente")
    # Excused, with Enter this time, then present again.
    tab_to(page, f"#{present_id.replace('-present', '-excused')}")
    page.keyboard.press("Enter")
    excused = page.locator(f"#{present_id.replace('-present', '-excused')}")
    expect(excused).to_have_attribute("aria-pressed", "true")
    # The swapped row gives the focus back to the pressed button after it settles: wait for it,
    # or Shift+Tab may leave from the old row.
    expect(excused).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator(f"#{present_id}")).to_have_attribute("aria-pressed", "true")
    audit.check(page, "Présences : après bascule", context="#attendance-panel")
    audit.keyboard_flows.append("attendance toggles (Tab, Space, Enter, Shift+Tab)")
    # An organisation that came without an invitation: its row is appended, then removed.
    panel.get_by_role("link", name="Ajouter une organisation présente sans invitation").click()
    panel.get_by_label("Nom de l'organisation", exact=False).fill("Conseil citoyen du Blosne")
    panel.get_by_role("button", name="Ajouter aux présents").click()
    walk_in = panel.locator("#attendance-others tr", has_text="Conseil citoyen du Blosne")
    expect(walk_in).to_have_count(1)
    expect(page.locator("#attendance-summary")).to_contain_text("2 organisations présentes")
    expect(panel.get_by_role("link", name="Ajouter une organisation présente sans invitation")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    walk_in.get_by_role("button", name="Retirer de la liste").click()
    expect(walk_in).to_have_count(0)
    expect(page.locator("#attendance-summary")).to_contain_text("1 organisation présente")
    page.reload()
    expect(page.locator(f"#{present_id}")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("main")).to_contain_text("Tenue")

    # The signed sign-in sheet, filed on the meeting.
    sheet = tmp_path / "emargement-signe.pdf"
    sheet.write_bytes(SIGNED_SHEET)
    evidence = page.locator("section.evidence").first
    evidence.locator("summary", has_text="Déposer une pièce").click()
    evidence.get_by_label("Type de pièce", exact=False).select_option(label="Feuille d'émargement signée")
    evidence.locator("input[type=file]").set_input_files(str(sheet))
    evidence.get_by_role("button", name="Déposer").click()
    expect(page.locator("section.evidence").first).to_contain_text("emargement-signe.pdf")
    audit.check(page, "Réunion : pièce déposée")
    audit.screenshot(page, "06-presences")

    # The dossier: page, PDF and ZIP.
    page.goto(f"/c/{journey.slug}/projects/{journey.project_id}/dossier")
    audit.check(page, "Dossier de concertation")
    audit.screenshot(page, "07-dossier")
    # The PDF opens in the browser (inline): fetch it with the porteur's session.
    pdf_href = page.get_by_role("link", name="Télécharger le PDF").get_attribute("href")
    pdf = page.context.request.get(pdf_href, timeout=60_000)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")
    with page.expect_download(timeout=60_000) as archive:
        page.get_by_role("link", name=re.compile("Télécharger le ZIP")).click()
    zip_path = tmp_path / archive.value.suggested_filename
    archive.value.save_as(zip_path)
    with zipfile.ZipFile(zip_path) as bundle:
        names = bundle.namelist()
    assert any(name.endswith("emargement-signe.pdf") for name in names), names
    assert any(name.endswith("manifeste.csv") for name in names), names
    audit.assert_clean()


# -- 3b. the host, keyboard only: plan a meeting, invite, write the minutes -------------------------

FOCUS_IN = "(selector) => { const el = document.activeElement; return !!el && el !== document.body && !!el.closest(selector); }"


def test_host_plans_a_meeting_and_writes_minutes_with_the_keyboard(new_page, audit, journey):
    assert journey.project_id, "the host's journey creates the project"
    page = new_page()
    sign_in(page, audit, journey.host_email, journey.password)
    # Plan a meeting: every field reached with Tab, typed in, sent with Enter.
    page.goto(f"/c/{journey.slug}/meetings/new?project={journey.project_id}&kind=suivi&day=2027-03-11")
    expect(page.locator("#kind")).to_have_value("suivi")
    tab_to(page, "#place", limit=120)
    page.keyboard.type("Médiathèque des Champs-Manceaux")
    tab_to(page, "#agenda")
    page.keyboard.type("Point d'étape avec les familles")
    tab_to(page, "#meeting-form button[type=submit]", limit=120)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    expect(page.locator("main")).to_contain_text("Médiathèque des Champs-Manceaux")
    audit.check(page, "Réunion planifiée au clavier")

    # Invite the school's director: her box checked with Space, the panel sent with Enter.
    # The panel is replaced: the focus stays in it, never back at the top of the page.
    tab_to(page, "#invitations-panel input[type=checkbox]", limit=150)
    page.keyboard.press("Space")
    expect(page.locator("#invitations-panel input[type=checkbox]").first).to_be_checked()
    tab_to(page, "#invitations-panel button[type=submit]", limit=40)
    page.keyboard.press("Enter")
    expect(page.locator("#invitations-panel")).to_contain_text("invitation envoyée")
    page.wait_for_function(FOCUS_IN, arg="#invitations-panel", timeout=3000)  # focus kept in the new panel
    expect(page.locator("#annonces")).not_to_have_text("")

    # Minutes of the diagnostic meeting: open the editor, type, save; the section is replaced
    # twice and the focus stays in it each time.
    page.goto(f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}")
    tab_to(page, "#minutes-section a.button", limit=200)
    page.keyboard.press("Enter")
    expect(page.locator("#minutes-section textarea")).to_be_visible()
    page.wait_for_function(FOCUS_IN, arg="#minutes-section", timeout=3000)  # focus kept in the editor
    tab_to(page, "#minutes-section textarea", limit=20)
    page.keyboard.press("Control+End")
    page.keyboard.type("\nDécision : un collectif supplémentaire le mercredi.")
    audit.check(page, "Compte rendu : éditeur ouvert au clavier", context="#minutes-section")
    tab_to(page, "#minutes-section button[type=submit]", limit=20)
    page.keyboard.press("Enter")
    expect(page.locator("#minutes-section .minutes-body")).to_contain_text("un collectif supplémentaire le mercredi")
    page.wait_for_function(FOCUS_IN, arg="#minutes-section", timeout=3000)  # focus kept in the saved minutes
    audit.check(page, "Compte rendu enregistré au clavier")
    audit.keyboard_flows.append("plan a meeting, invite, write the minutes (Tab, Space, Enter)")
    audit.assert_clean()


# -- 4. the viewer -------------------------------------------------------------------------------------


def test_viewer_reads_the_dashboard_and_the_annual_bilan(new_page, live_server, audit, journey):
    page = new_page()
    choose_password(page, audit, path_of(live_server.mailbox.link(journey.viewer_email, "/mot-de-passe/")), journey.password)
    sign_in(page, audit, journey.viewer_email, journey.password)
    page.goto(f"/c/{journey.slug}/dashboard")
    audit.check(page, "Tableau de bord")
    main = page.locator("main")
    expect(main).to_contain_text(journey.project_name)
    expect(main).to_contain_text("Concertation (axes école et territoire)")
    expect(main).to_contain_text("L'Éducation nationale aux comités locaux (critère du comité)")
    expect(main).not_to_contain_text("Manquante")
    page.goto(f"/c/{journey.slug}/bilan")
    audit.check(page, "Bilan annuel")
    expect(page.locator("main")).to_contain_text(journey.project_name)
    # A committee with a whole year behind it: the demo's, read by its CAF viewer.
    demo = new_page()
    sign_in(demo, audit, "caf@demo.clas-local.fr", DEMO_PASSWORD)
    demo.goto("/c/demo/dashboard")
    audit.check(demo, "Tableau de bord (démo)")
    # The demo's timeline shows each state of a key moment, in the project page's words.
    table = demo.locator("table.dashboard-table")
    for state in ("Tenue le", "Prévue le", "À compléter (présences, compte rendu)", "À planifier"):
        expect(table).to_contain_text(state)
    audit.screenshot(demo, "08-tableau-de-bord")
    demo.goto("/c/demo/bilan?school_year=2025-2026")
    audit.check(demo, "Bilan annuel (démo 2025-2026)")
    audit.screenshot(demo, "09-bilan-annuel")
    demo.goto("/c/demo/meetings")
    audit.check(demo, "Réunions (démo, lecteur)")
    demo.goto("/c/demo/partners")
    audit.check(demo, "Annuaire (démo, lecteur)")
    # A school's own account answers from its invitation list.
    school = new_page()
    sign_in(school, audit, "ecole@demo.clas-local.fr", DEMO_PASSWORD)
    school.goto("/c/demo/mes-invitations")
    audit.check(school, "Mes invitations (école, démo)")
    audit.assert_clean()


# -- 5. a way back in ----------------------------------------------------------------------------------


def test_a_user_who_forgot_their_password_gets_back_in(new_page, live_server, audit, journey):
    page = new_page()
    page.goto("/login")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    audit.check(page, "Mot de passe oublié")
    page.get_by_label("Adresse e-mail de votre compte").fill(journey.viewer_email)
    page.get_by_role("button", name="Recevoir un lien").click()
    expect(page.get_by_role("status")).to_contain_text("Si un compte Clas Local correspond à l'adresse")
    audit.check(page, "Mot de passe oublié : demande envoyée")
    link = live_server.mailbox.link(journey.viewer_email, "/mot-de-passe/", "Choisir un nouveau mot de passe")
    new_password = "Un autre soir sur la Vilaine"
    choose_password(page, audit, path_of(link), new_password)
    sign_in(page, audit, journey.viewer_email, new_password)
    expect(page).to_have_url(re.compile(f"/c/{journey.slug}/$"))
    audit.assert_clean()
