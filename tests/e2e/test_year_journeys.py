"""A whole school year without lost data or dead ends (issue 15), after the story of test_journeys.py.

Runs after test_journeys.py (file order) on the committee it created: the attendance switch keeps
the people entered, a future meeting is refused as held, the home page's to-do items come and go
as they are done, a school user finds their school's projects. Then every page a role reaches is
measured at 1280 px and 375 px: nothing overflows the window, no English word of the journal's
vocabulary shows.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from clas_local.demo import DEMO_PASSWORD
from tests.e2e.test_journeys import path_of, sign_in

pytestmark = pytest.mark.e2e

# The words the journal printed in English before (action codes): none may show on a page.
ENGLISH_WORDS = ("created", "updated", "set", "answered", "sent", "held", "cancelled", "resent", "reopened",
                 "withdrawn", "reminded", "regenerated", "upload", "refused", "clear")

# Elements wider than the window, outside any box that scrolls sideways on purpose (wide tables).
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const scrolls = (el) => { for (let e = el.parentElement; e; e = e.parentElement) {
      const x = getComputedStyle(e).overflowX; if (x === 'auto' || x === 'scroll') return true; } return false; };
  const wide = Array.from(document.querySelectorAll('body *')).filter((el) => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.right > width + 1 && !scrolls(el) && getComputedStyle(el).position !== 'fixed';
  }).map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : ''));
  return {page: document.documentElement.scrollWidth > width + 1, wide: wide.slice(0, 5)};
}"""


def _host(new_page, audit, journey):
    page = new_page()
    sign_in(page, audit, journey.host_email, journey.password)
    return page


def test_the_attendance_switch_keeps_the_people_and_a_future_meeting_is_refused(new_page, live_server, audit, journey):
    assert journey.meetings, "test_journeys.py plans the meetings"
    page = new_page()
    sign_in(page, audit, journey.porteur_email, journey.password)
    page.goto(f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}/attendance")
    audit.check(page, "Présences (page)")
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    # The earlier journeys may have left Volga present already: the row and the header would then
    # look the same before and after. Wait for the answer itself, or a late swap would close the
    # form opened below (seen on a loaded machine).
    with page.expect_response(lambda response: response.request.method == "POST" and "/attendance/" in response.url):
        row.locator("button[value=present]").click()
    expect(page.locator("#meeting-state")).to_contain_text("Tenue")  # the header follows the table
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    # htmx swaps the header (out of band) before the row: wait for the new row before opening it.
    expect(row.locator("button[value=present]")).to_have_attribute("aria-pressed", "true")
    expect(row.locator("button[value=present]")).to_be_focused()  # given back once the row is settled
    row.locator("summary", has_text="Ajouter une personne présente").click()
    row.get_by_label("Nom et prénom", exact=False).fill("Sophie Bernard")
    row.get_by_label("Fonction").fill("Enseignante CP")
    row.get_by_role("button", name="Ajouter", exact=True).click()
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    expect(row).to_contain_text("Sophie Bernard")
    # Excused: the name stays, shown apart; present again: she is back, nothing was lost.
    row.locator("button[value=excused]").click()
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    expect(row).to_contain_text("Noms gardés si l'organisation revient à « Présent » : Sophie Bernard")
    audit.check(page, "Présences : noms gardés", context="#attendance-panel")
    row.locator("button[value=present]").click()
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    expect(row.locator(".attendance-people")).to_contain_text("Sophie Bernard")
    page.reload()
    expect(page.locator("#attendance-panel tbody tr", has_text="Volga")).to_contain_text("Sophie Bernard")
    audit.screenshot(page, "10-presences-noms-gardes")

    # After the meeting: the director was there; the compte rendu goes to her by e-mail.
    row = page.locator("#attendance-panel tbody tr", has_text="Volga")
    row.locator("summary", has_text="Ajouter une personne présente").click()
    row.get_by_label("Contact connu").select_option(label="Isabelle Caradec (Directrice)")
    row.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.locator("#attendance-panel tbody tr", has_text="Volga")).to_contain_text("Isabelle Caradec")
    page.goto(f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}/minutes/edit")
    page.locator("#body").fill("Constats partagés : besoin d'aide aux devoirs en CM1.\nSuites à donner : lancement en novembre.")
    page.get_by_role("button", name=re.compile("Enregistrer")).click()
    page.goto(f"/c/{journey.slug}/meetings/{journey.meetings['diagnostic']}")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Envoyer le compte rendu aux participants").click()
    expect(page.locator("main")).to_contain_text("Compte rendu envoyé à 1 participant.")
    sent = live_server.mailbox.wait_for(journey.director_email, "Compte rendu")
    assert "besoin d'aide aux devoirs en CM1" in sent.get_body(preferencelist=("plain",)).get_content()
    audit.check(page, "Réunion : compte rendu envoyé")

    # The suivi meeting is in January: its attendance waits, and says from when.
    page.goto(f"/c/{journey.slug}/meetings/{journey.meetings['suivi']}/attendance")
    expect(page.locator("#attendance-not-started")).to_contain_text("les présences pourront être notées à partir du")
    expect(page.locator("#attendance-panel button[value=present]")).to_have_count(0)
    expect(page.locator("#meeting-state")).to_contain_text("Prévue")
    audit.check(page, "Présences : réunion à venir")
    audit.assert_clean()


def test_the_home_page_to_do_items_come_and_go(new_page, audit, journey):
    host = _host(new_page, audit, journey)
    host.goto(f"/c/{journey.slug}/")
    audit.check(host, "Accueil : à faire")
    expect(host.locator("#first-steps-title")).to_have_count(0)  # the first steps are all done
    # A comité local held yesterday, never completed: it becomes an item of the to-do list.
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    host.goto(f"/c/{journey.slug}/meetings/new?kind=comite_local&day={yesterday}")
    host.locator("#title").fill("Comité local d'hier")
    host.locator("#place").fill("Mairie de quartier")
    host.get_by_role("button", name="Planifier la réunion").click()
    host.wait_for_url(re.compile(r"/meetings/\d+$"))
    meeting_path = path_of(host.url)
    expect(host.locator("#meeting-state")).to_contain_text("À compléter (présences, compte rendu)")
    host.goto(f"/c/{journey.slug}/")
    todo = host.locator("ul.todo-list")
    item = todo.locator("li", has_text="Comité local d'hier")
    expect(item).to_contain_text("présences et compte rendu à compléter")
    audit.screenshot(host, "11-accueil-a-faire")
    host.goto(f"/c/{journey.slug}/meetings")
    expect(host.locator("#meeting-results tr", has_text="Comité local d'hier")).to_contain_text("À compléter")
    host.goto(f"/c/{journey.slug}/")
    item.get_by_role("link", name="Noter les présences").click()
    expect(host).to_have_url(re.compile(re.escape(meeting_path) + "/attendance$"))
    host.locator("#attendance-panel").get_by_role("link", name="Ajouter une organisation présente sans invitation").click()
    host.locator("#attendance-panel").get_by_label("Nom de l'organisation", exact=False).fill("Conseil citoyen")
    host.locator("#attendance-panel").get_by_role("button", name="Ajouter aux présents").click()
    expect(host.locator("#attendance-summary")).to_contain_text("1 organisation présente")
    expect(host.locator("#meeting-state")).to_contain_text("Tenue")
    host.goto(f"/c/{journey.slug}/")
    expect(host.locator("ul.todo-list li", has_text="Comité local d'hier")).to_have_count(0)
    audit.assert_clean()


def test_the_host_enters_the_holidays_of_a_year_the_calendar_does_not_know(new_page, audit, journey):
    """The school calendar page, by keyboard: a year past the packaged calendar, an error in
    place, then the Toussaint entered and the activity's default start following it."""
    host = _host(new_page, audit, journey)
    host.goto(f"/c/{journey.slug}/calendrier-scolaire?school_year=2029-2030")
    expect(host.locator("h2#calendar-year-title")).to_contain_text("Vacances scolaires 2029-2030")
    expect(host.locator("#school-calendar")).to_contain_text("Aucune période de vacances saisie pour 2029-2030.")
    audit.check(host, "Calendrier scolaire : année inconnue")
    host.locator("#name").fill("Vacances de la Toussaint")
    host.locator("#first_day").fill("2029-10-27")
    host.locator("#last_day").fill("2029-10-20")
    host.locator("#last_day").press("Enter")
    expect(host.locator("#school-calendar .error-summary, #school-calendar [role=alert]").first).to_be_visible()
    audit.check(host, "Calendrier scolaire : erreur en place")
    host.locator("#last_day").fill("2029-11-11")
    host.get_by_role("button", name="Ajouter les vacances").focus()
    host.keyboard.press("Enter")
    expect(host.locator("#school-calendar table")).to_contain_text("Vacances de la Toussaint")
    expect(host.locator("#school-calendar dl.details")).to_contain_text("lundi 12 novembre 2029")
    audit.check(host, "Calendrier scolaire : vacances saisies")
    audit.assert_clean()


def test_a_new_committee_is_guided_from_its_first_page(new_page, live_server, audit):
    """The admin creates a committee with its communes; its host's home shows the first steps,
    each a link to where it is done, and the empty project form says what is missing."""
    admin = new_page()
    sign_in(admin, audit, "admin@demo.clas-local.fr", DEMO_PASSWORD)
    expect(admin).to_have_url(re.compile("/admin$"))  # an admin lands on the administration
    admin.locator("#name").fill("Comité local de Saint-Malo")
    admin.locator("#slug").fill("saint-malo")
    admin.locator("#holiday_zone").select_option("B")
    admin.locator("#insee_codes").fill("35288")
    admin.locator("#host_email").fill("animation@saint-malo.example.fr")
    admin.get_by_role("button", name="Créer le comité").click()
    expect(admin.locator("main")).to_contain_text("1 commune")
    link = live_server.mailbox.link("animation@saint-malo.example.fr", "/mot-de-passe/")
    from tests.e2e.test_journeys import choose_password

    host = new_page()
    choose_password(host, audit, path_of(link), "Concertation-2026-e2e!")
    sign_in(host, audit, "animation@saint-malo.example.fr", "Concertation-2026-e2e!")
    host.goto("/c/saint-malo/")
    steps = host.locator("section.first-steps")
    expect(steps).to_contain_text("Importer les écoles du territoire")
    audit.check(host, "Accueil : premiers pas")
    audit.screenshot(host, "12-premiers-pas")
    steps.get_by_role("link", name="Créer un projet").click()
    audit.check(host, "Nouveau projet (comité vide)")
    expect(host.locator("#porteur_id-empty")).to_contain_text("Aucune organisation de l'annuaire ne peut encore porter un projet")
    host.locator("#porteur_id-empty").get_by_role("link").click()
    expect(host.get_by_role("heading", level=1)).to_contain_text("partenaire")
    host.goto("/c/saint-malo/settings")
    audit.check(host, "Paramètres du comité")
    expect(host.locator("#insee_codes")).to_have_value("35288")
    host.goto("/c/saint-malo/partners/import")
    expect(host.locator("main")).to_contain_text("Territoire du comité (codes INSEE) : 35288.")
    audit.assert_clean()


def test_a_school_user_finds_their_school_projects(new_page, audit):
    school = new_page()
    sign_in(school, audit, "ecole@demo.clas-local.fr", DEMO_PASSWORD)
    school.locator("nav.committee-nav").get_by_role("link", name="Projets").click()
    expect(school.get_by_role("heading", level=1)).to_have_text("Projets liés à votre établissement")
    expect(school.locator("main table tbody tr").first).to_be_visible()
    audit.check(school, "Projets de l'établissement (école)")
    school.locator("main table tbody tr").first.get_by_role("link", name=re.compile("Réunions du projet")).click()
    expect(school.get_by_role("heading", level=1)).to_contain_text("Réunions")
    audit.assert_clean()


PAGES = {
    "host": (
        "animation@demo.clas-local.fr",
        ("/c/demo/", "/c/demo/dashboard", "/c/demo/partners", "/c/demo/projects", "/c/demo/meetings",
         "/c/demo/journal", "/c/demo/mail", "/c/demo/members", "/c/demo/settings", "/c/demo/bilan",
         "/c/demo/projects/new", "/c/demo/meetings/new", "/c/demo/partners/import"),
    ),
    "porteur": ("porteur@demo.clas-local.fr", ("/c/demo/", "/c/demo/projects", "/c/demo/meetings")),
    "school": ("ecole@demo.clas-local.fr", ("/c/demo/", "/c/demo/projects", "/c/demo/mes-invitations",
                                            "/c/demo/meetings")),
    "viewer": ("caf@demo.clas-local.fr", ("/c/demo/", "/c/demo/dashboard", "/c/demo/bilan")),
}


@pytest.mark.parametrize("role", list(PAGES))
def test_no_page_overflows_1280_or_375_px_nor_shows_an_english_word(new_page, audit, role):
    email, paths = PAGES[role]
    page = new_page()
    sign_in(page, audit, email, DEMO_PASSWORD)
    # The role's first project and meeting pages too, found from its lists.
    extra = []
    for listing, pattern in (("/c/demo/projects", r"^/c/demo/projects/\d+$"), ("/c/demo/meetings", r"^/c/demo/meetings/\d+$")):
        page.goto(listing)
        hrefs = page.eval_on_selector_all("main a[href]", "(links) => links.map((a) => a.getAttribute('href'))")
        extra += [href for href in hrefs if re.match(pattern, href)][:1]
    problems = []
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (*paths, *extra):
            page.goto(path)
            found = page.evaluate(OVERFLOW)
            if found["page"] or found["wide"]:
                problems.append(f"{width} px {path}: overflows ({', '.join(found['wide'])})")
            text = page.locator("body").inner_text()
            english = [word for word in ENGLISH_WORDS if re.search(rf"\b{word}\b", text)]
            if english:
                problems.append(f"{width} px {path}: English words {english}")
    assert not problems, "\n".join(problems)
