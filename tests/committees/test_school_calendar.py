"""A school calendar the packaged data does not know (past 31 August 2028, or an overseas
zone): the pages say « calendrier scolaire non connu pour … », then the host enters the
year's holidays and every count and warning uses them."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from clas_local.committees.models import HolidayZone
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.extensions import db
from tests.conftest import page_text, post

URL = "/c/rennes/calendrier-scolaire"
# Zone B, 2029-2030, as the host enters it.
HOLIDAYS_2029 = [
    ("Vacances de la Toussaint", "2029-10-20", "2029-11-04"),
    ("Vacances de Noël", "2029-12-22", "2030-01-06"),
    ("Vacances d'hiver", "2030-02-16", "2030-03-03"),
    ("Vacances de printemps", "2030-04-13", "2030-04-28"),
]


def _enter(client, school_year, holidays, url=URL):
    for name, first, last in holidays:
        response = post(client, url, {"school_year": school_year, "name": name, "first_day": first, "last_day": last})
        assert response.status_code == 303, page_text(response)


@pytest.mark.parametrize(
    ("zone", "school_year", "where", "holidays", "weeks", "christmas"),
    [
        (HolidayZone.B, "2029-2030", "zone B", HOLIDAYS_2029, "26 semaines", "2029-12-27"),
        (HolidayZone.OTHER, "2026-2027", "zone autre (outre-mer, Corse…)",
         [("Vacances de la Toussaint", "2026-10-17", "2026-11-08"), ("Vacances de Noël", "2026-12-19", "2027-01-03"),
          ("Vacances de fin d'été austral", "2027-01-04", "2027-01-10")], "29 semaines", "2026-12-24"),
    ],
    ids=["2029-2030 au-delà des données", "zone outre-mer"],
)  # fmt: skip
def test_unknown_calendar_is_said_then_the_host_s_holidays_count(
    client, login_as, committee, make_project, make_meeting, zone, school_year, where, holidays, weeks, christmas
):
    committee.holiday_zone = zone
    project = make_project(school_year=school_year)
    day = datetime.fromisoformat(christmas).replace(hour=15, tzinfo=timezone.utc)
    meeting = make_meeting(project=project, starts_at=day)
    db.session.commit()
    notice = f"Calendrier scolaire non connu pour {school_year} ({where})"

    login_as("host")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert notice in page
    assert f"Semaines d'école non comptées : calendrier scolaire non connu pour {school_year}." in page
    assert f'href="{URL}?school_year={school_year}">Saisir les vacances scolaires de {school_year}</a>' in page
    meeting_page = page_text(client.get(f"/c/rennes/meetings/{meeting.id}"))
    assert notice in meeting_page and "les écoles sont fermées" not in meeting_page

    calendar = page_text(client.get(f"{URL}?school_year={school_year}"))
    assert f"Vacances scolaires {school_year}" in calendar and notice in calendar
    _enter(client, school_year, holidays)

    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Calendrier scolaire non connu" not in page
    assert weeks in page
    meeting_page = page_text(client.get(f"/c/rennes/meetings/{meeting.id}"))
    assert "Calendrier scolaire non connu" not in meeting_page
    assert "Cette date tombe pendant les vacances de Noël" in meeting_page and "les écoles sont fermées" in meeting_page


def test_the_project_start_follows_the_entered_toussaint(client, login_as, committee, make_project):
    project = make_project(school_year="2029-2030")
    login_as("host")
    _enter(client, "2029-2030", HOLIDAYS_2029[:1])
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Démarrage de l'activité : <strong>lundi 5 novembre 2029</strong>" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"school_year": "2029-2030", "name": "Vacances de Noël", "first_day": "2030-01-06", "last_day": "2029-12-22"},
         "Le dernier jour doit suivre le premier."),
        ({"school_year": "2029-2030", "name": "", "first_day": "2029-12-22", "last_day": "2030-01-06"},
         "Indiquez le nom de ces vacances."),
        ({"school_year": "2029-2030", "name": "Vacances de Noël", "first_day": "2031-12-22", "last_day": "2032-01-06"},
         "Ces vacances doivent commencer pendant l'année scolaire 2029-2030 (du 1er septembre 2029 au 31 août 2030)."),
        ({"school_year": "2026-2027", "name": "Vacances de Noël", "first_day": "2026-12-19", "last_day": "2027-01-03"},
         "Le calendrier scolaire officiel de 2026-2027 est déjà connu pour ce comité : rien à saisir."),
        ({"school_year": "2029-2030", "name": "Vacances de Noël", "first_day": "22/13/2029", "last_day": "2030-01-06"},
         "Erreur :"),
    ],
)  # fmt: skip
def test_bad_holidays_are_refused_in_french_and_nothing_is_saved(client, login_as, committee, data, message):
    login_as("host")
    response = post(client, URL, data, htmx=True)
    assert response.status_code == 422
    assert message in page_text(response)
    assert db.session.scalar(select(func.count(SchoolHolidayPeriod.id))) == 0


def test_a_period_is_removed(client, login_as, committee):
    login_as("host")
    _enter(client, "2029-2030", HOLIDAYS_2029[:2])
    period = db.session.scalar(select(SchoolHolidayPeriod).where(SchoolHolidayPeriod.name == "Vacances de Noël"))
    response = post(client, f"{URL}/{period.id}/remove", {})
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(SchoolHolidayPeriod.id))) == 1
    assert "Période de vacances retirée." in page_text(client.get(f"{URL}?school_year=2029-2030"))
