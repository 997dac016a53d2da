"""The committee dashboard and the project page's checklist, as users see them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clas_local.extensions import db
from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind
from tests.compliance import builders
from tests.conftest import count_queries, htmx_get, page_text

URL = "/c/rennes/dashboard?school_year=2026-2027"


@pytest.mark.parametrize(("role", "status"), [("host", 200), ("viewer", 200), ("porteur", 403), ("school", 403)])
def test_dashboard_is_for_hosts_and_viewers(client, login_as, committee, role, status):
    login_as(role)
    assert client.get(URL).status_code == status


def test_dashboard_of_another_committee_is_404(client, login_as, make_committee):
    make_committee(slug="brest")
    login_as("host")
    assert client.get("/c/brest/dashboard").status_code == 404


def test_dashboard_shows_key_moments_and_who_is_behind(client, login_as, committee):
    first = builders.project_year(committee, name="Clas du Blosne")
    late = builders.project_year(committee, name="Clas Maurepas", with_bilan=False, comite=first["comite"],
                                 education_nationale=first["education_nationale"])  # fmt: skip
    builders.meeting(committee, late["project"], MeetingKind.LANCEMENT, builders.utc(2027, 9, 1),
                     status=MeetingStatus.PLANNED)  # fmt: skip
    db.session.commit()
    login_as("viewer")
    page = page_text(client.get(URL))
    assert "<h1>Tableau de bord de la concertation</h1>" in page
    assert "2 projets en 2026-2027 : 1 à jour, 0 partiellement, 1 avec une obligation de concertation manquante." in page
    assert "Manquante" not in page  # a key moment is never missing
    blosne = page.split("Clas du Blosne</a>")[1].split("</tr>")[0]
    assert "Tenue le 8 octobre 2026" in blosne and "Tenue le 10 juin 2027" in blosne and "À planifier" in blosne
    maurepas = page.split("Clas Maurepas</a>")[1].split("</tr>")[0]
    assert "Prévue le 1er septembre 2027" in maurepas
    assert maurepas.count("À planifier") == 1  # the bilan (lancement planned, diagnostic and suivi held)
    assert "Concertation (axes école et territoire)" in page
    # The committee's criterion: the Éducation nationale invited to each comité, its presence reported.
    assert "L'Éducation nationale aux comités locaux (critère du comité)" in page
    assert "L'Éducation nationale a été invitée au comité local de 2026-2027. Présente au comité tenu le jeudi 19 novembre 2026." in page
    assert "Comité local d'automne" in page and "Invitée" in page and "Présente" in page


def test_dashboard_filters_by_status_as_page_and_fragment(client, login_as, committee):
    first = builders.project_year(committee, name="Clas du Blosne")
    builders.project_year(committee, name="Clas Maurepas", with_bilan=False, comite=first["comite"],
                          education_nationale=first["education_nationale"])  # fmt: skip
    login_as("host")
    page = page_text(client.get(URL + "&status=missing"))
    assert "Clas Maurepas" in page and "Clas du Blosne</a>" not in page
    fragment = htmx_get(client, URL + "&status=met")
    text = page_text(fragment)
    assert fragment.headers["Vary"] == "HX-Request" or "HX-Request" in fragment.headers["Vary"]
    assert "<h1>" not in text and 'id="tableau-de-bord"' in text
    assert "Clas du Blosne</a>" in text and "Clas Maurepas</a>" not in text


def test_dashboard_lists_pending_answers_and_partners_never_invited(client, login_as, committee):
    built = builders.project_year(committee, name="Clas du Blosne")
    idle = builders.partner(committee, PartnerKind.REAAP, "REAAP jamais invité")
    built["project"].territory_partners[0].relation = "x"
    from clas_local.projects.models import ProjectPartner

    db.session.add(ProjectPartner(project=built["project"], partner=idle, relation="Café des parents."))
    volga, champion = built["schools"]
    builders.meeting(committee, built["project"], MeetingKind.AUTRE, builders.utc(2099, 3, 4), status=MeetingStatus.PLANNED,
                     invited=(volga,), present=(), title="Point d'étape")  # fmt: skip
    db.session.commit()
    login_as("host")
    page = page_text(client.get("/c/rennes/dashboard?school_year=2026-2027"))
    assert "Point d'étape" in page and "1 sur 1 sans réponse" in page
    never = page.split("Partenaires jamais invités")[1]
    assert f'<a href="/c/rennes/partners/{idle.id}">REAAP jamais invité</a>' in never
    assert "École Volga" not in never


def test_dashboard_unknown_year_says_so(client, login_as, committee):
    login_as("host")
    page = page_text(client.get("/c/rennes/dashboard?school_year=2019-2020"))
    assert "Aucun projet pour l'année 2019-2020." in page


def _dashboard_queries(client, committee, count):
    education_nationale = builders.partner(committee, PartnerKind.EDUCATION_NATIONALE, "DSDEN")
    for n in range(count):
        builders.project_year(committee, name=f"Projet {n:02d}", education_nationale=education_nationale)
    with count_queries() as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries)


def test_dashboard_runs_the_same_number_of_queries_for_3_and_15_projects(app, client, login_as, committee):
    login_as("viewer")
    three = _dashboard_queries(client, committee, 3)
    fifteen = _dashboard_queries(client, committee, 12)  # 15 projects in all
    assert three == fifteen


def test_the_dashboard_keeps_its_facts_until_the_committee_writes(app, client, login_as, committee):
    """The projects' facts are kept between two visits (clas_local.revisions): fewer queries,
    the same page; any write of the committee's data, here a bulk statement that no ORM event
    sees, shows at the next visit."""
    from sqlalchemy import update

    from clas_local.meetings.models import Meeting

    built = builders.project_year(committee, name="Clas du Blosne")
    db.session.commit()
    login_as("viewer")
    with count_queries() as first:
        before = page_text(client.get(URL))
    with count_queries() as second:
        again = page_text(client.get(URL))
    assert again.split("<main")[1] == before.split("<main")[1]  # the head's CSRF token is signed with the time
    assert len(second) < len(first), (len(second), len(first))
    assert "1 projet en 2026-2027 : 1 à jour" in before
    diagnostic = built["meetings"][0]
    db.session.execute(update(Meeting).where(Meeting.id == diagnostic.id).values(status=MeetingStatus.CANCELLED))
    db.session.commit()
    after = page_text(client.get(URL))
    assert "1 projet en 2026-2027 : 0 à jour, 0 partiellement, 1 avec une obligation de concertation manquante." in after


def test_the_facts_are_read_again_when_a_meeting_of_the_day_ends(app, committee, monkeypatch):
    """A planned meeting of today reads « Prévue » until its end, « à compléter » from then on:
    the facts kept before its end are read again after it."""
    from datetime import datetime, timezone

    import clas_local.compliance.queries as compliance

    built = builders.project_year(committee, name="Clas du Blosne")
    starts = datetime.now(timezone.utc) - timedelta(minutes=30)
    suivi = builders.meeting(committee, built["project"], MeetingKind.SUIVI, starts, status=MeetingStatus.PLANNED)
    db.session.commit()
    projects = compliance.year_projects(committee, "2026-2027")

    def suivi_over() -> bool:
        facts = compliance.kept_facts(committee, projects, revision=1)
        fact = next(m for m in facts[built["project"].id].meetings if m.id == suivi.id)
        return fact.over(fact.day)

    assert suivi_over() is False  # under way for another hour
    monkeypatch.setattr(compliance, "utcnow", lambda: starts + timedelta(hours=2))
    assert suivi_over() is True  # read again after its end, not the facts kept before


# -- the project page's panel ---------------------------------------------------------------------


def test_project_page_shows_the_checklist_with_words_and_the_next_action(client, login_as, committee):
    built = builders.project_year(committee, with_bilan=False)
    login_as("porteur", partner=built["porteur"])
    page = page_text(client.get(f"/c/rennes/projects/{built['project'].id}"))
    assert "Concertation (axes école et territoire) (2026-2027)" in page
    assert "Conformité au référentiel" not in page
    assert "Axe école : concertation et coordination avec l'école" in page
    assert "Respecté" in page and "Manquant" in page
    assert "Aucune réunion de bilan n'est prévue ni tenue." in page
    project_id = built["project"].id
    assert f'<a href="/c/rennes/meetings/new?project={project_id}&kind=bilan">Planifier la réunion de bilan</a>' in page
    assert "4 obligations de concertation respectées sur 5" in page
    # The porteur's comités: evidence, not an obligation.
    assert "Participation aux comités locaux et instances de concertation (pour information)" in page
    assert "en 2026-2027 : présent au comité local tenu le jeudi 19 novembre 2026." in page


def test_missing_school_contact_asks_for_one(client, login_as, committee):
    built = builders.project_year(committee)
    built["project"].schools[1].referent_contact = None
    db.session.commit()
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{built['project'].id}"))
    project_id = built["project"].id
    assert (f'<a href="/c/rennes/projects/{project_id}#ecoles">Ajouter un contact pour l\'école '
            f"{built['schools'][1].name}</a>") in page  # fmt: skip


def test_viewer_reads_next_actions_without_links(client, login_as, committee):
    built = builders.project_year(committee, with_bilan=False)
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{built['project'].id}"))
    assert "Planifier la réunion de bilan" in page
    assert "meetings/new" not in page


def test_many_suivis_show_on_the_timeline_not_in_the_obligations(client, login_as, committee):
    built = builders.project_year(committee)
    project = built["project"]
    for week in range(5):  # six suivis in all, from February to mid-March
        builders.meeting(committee, project, MeetingKind.SUIVI, builders.utc(2027, 2, 11) + timedelta(weeks=week))
    db.session.commit()
    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    timeline = page.split('id="temps-forts"')[1].split("</section>")[0]
    assert timeline.count("jeudi 11 mars 2027") == 1
    assert "Réunion de suivi" not in page.split('id="conformite"')[1].split("</section>")[0]


def test_the_checklist_read_again_unchanged_reads_no_facts_and_shows_every_write(client, login_as, committee):
    """The checklist is kept under the committee's revision: read again unchanged, neither the
    meetings, nor their invitations and attendance, nor the files are read; after a write (here
    behind the pages' back, straight into the database), the next read shows it."""
    built = builders.project_year(committee, with_bilan=False)
    login_as("host")
    url = f"/c/rennes/projects/{built['project'].id}"
    with count_queries() as first:
        assert "4 obligations de concertation respectées sur 5" in page_text(client.get(url))
    with count_queries() as again:
        page = page_text(client.get(url))
    assert "4 obligations de concertation respectées sur 5" in page
    assert "Aucune réunion de bilan n'est prévue ni tenue." in page
    read = " ".join(again)
    assert "FROM invitation" in " ".join(first) and "FROM invitation" not in read
    assert len(first) <= 12 and len(again) == len(first) - 2

    builders.meeting(committee, built["project"], MeetingKind.BILAN, builders.utc(2027, 6, 10),
                     present=(built["porteur"], *built["schools"], built["education_nationale"]))  # fmt: skip
    db.session.commit()
    page = page_text(client.get(url))
    assert "5 obligations de concertation respectées sur 5" in page
    assert "Aucune réunion de bilan n'est prévue ni tenue." not in page


def test_a_viewer_after_a_host_reads_the_next_actions_without_links(client, login_as, committee):
    built = builders.project_year(committee, with_bilan=False)
    url = f"/c/rennes/projects/{built['project'].id}"
    login_as("host")
    assert "/meetings/new?project=" in client.get(url).get_data(as_text=True)
    login_as("viewer")
    page = page_text(client.get(url))
    assert "Planifier la réunion de bilan" in page
    assert "meetings/new" not in page


def test_the_checklist_is_read_again_when_a_meeting_of_the_day_ends(client, login_as, committee, monkeypatch):
    """A planned diagnostic of today is « prévue » until its end, then « passée mais pas marquée
    comme tenue »: the checklist kept before its end is not served after it (the clock is set)."""
    from datetime import date, datetime, timezone

    import clas_local.compliance.panels as panels
    import clas_local.compliance.queries as compliance

    built = builders.project_year(committee, with_bilan=False)
    starts = datetime(2026, 11, 30, 16, tzinfo=timezone.utc)  # 17 h in Rennes
    diagnostic = built["meetings"][0]
    diagnostic.status, diagnostic.starts_at, diagnostic.ends_at = MeetingStatus.PLANNED, starts, starts + timedelta(hours=1)
    built["project"].activity_start = date(2027, 1, 4)  # the diagnostic comes before it
    db.session.commit()
    now = [starts + timedelta(minutes=30)]
    monkeypatch.setattr(panels, "committee_today", lambda _committee: date(2026, 11, 30))
    monkeypatch.setattr(compliance, "utcnow", lambda: now[0])
    login_as("host")
    url = f"/c/rennes/projects/{built['project'].id}"

    def checklist() -> str:
        return page_text(client.get(url)).split('id="conformite"')[1].split("</section>")[0]

    prevue = "La réunion « Diagnostic » du lundi 30 novembre 2026 est prévue : elle n'a pas encore eu lieu."
    passee = "La réunion « Diagnostic » du lundi 30 novembre 2026 est passée mais n'est pas marquée comme tenue."
    assert prevue in checklist()
    assert prevue in checklist()  # kept, under way
    now[0] = starts + timedelta(hours=2)
    assert passee in checklist()
