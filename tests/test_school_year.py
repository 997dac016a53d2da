"""The school year (clas_local/school_year.py): what a valid one is, today and the current year
in a committee's time zone, and the school calendar (activity window, school weeks, warnings
before placing a meeting)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from clas_local import school_year
from clas_local.committees.models import HolidayZone
from clas_local.school_year import (
    HolidayPeriod,
    activity_window,
    calendar_known,
    calendar_warnings,
    committee_today,
    current_school_year,
    is_school_year,
    school_weeks,
    school_year_error,
    unknown_calendar_notice,
)
from tests.conftest import page_text

PARIS_B = SimpleNamespace(timezone="Europe/Paris", holiday_zone=HolidayZone.B)
REUNION = SimpleNamespace(timezone="Indian/Reunion", holiday_zone=HolidayZone.OTHER)


def at(year, month, day, hour=15, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


@pytest.fixture
def clock(monkeypatch):
    """Set the instant the school-year module takes as now: `clock(at(2026, 8, 31, 23, 30))`."""

    def set_now(instant: datetime) -> None:
        class FixedClock(datetime):
            @classmethod
            def now(cls, tz=None):
                return instant.astimezone(tz)

        monkeypatch.setattr(school_year, "datetime", FixedClock)

    return set_now


@pytest.mark.parametrize("value", ["2026-2027", "1999-2000"])
def test_two_years_that_follow_each_other_make_a_school_year(value):
    assert is_school_year(value) and school_year_error(value) is None


@pytest.mark.parametrize("value", ["2026-2028", "2027-2026", "2026", "26-27", "2026-2027 ", "", None])
def test_anything_else_is_refused_with_a_french_reason(value):
    assert not is_school_year(value)
    assert school_year_error(value) == "L'année scolaire s'écrit « 2026-2027 » (deux années qui se suivent)."


def test_today_is_the_committee_s_date_not_the_server_s(clock):
    # 31 August 23:30 UTC: already 1 September in Paris, still 31 August in Martinique.
    clock(at(2026, 8, 31, 23, 30))
    martinique = SimpleNamespace(timezone="America/Martinique", holiday_zone=HolidayZone.OTHER)
    assert committee_today(PARIS_B) == date(2026, 9, 1)
    assert current_school_year(PARIS_B) == "2026-2027"
    assert committee_today(martinique) == date(2026, 8, 31)
    assert current_school_year(martinique) == "2025-2026"


def test_the_project_list_opens_on_the_committee_s_new_school_year(client, login_as, make_project, clock):
    make_project(name="Clas de la rentrée", school_year="2026-2027")
    make_project(name="Clas de l'an passé", school_year="2025-2026")
    clock(at(2026, 8, 31, 23, 30))  # 1 September, 01:30 in Rennes
    login_as("host")
    page = page_text(client.get("/c/rennes/projects"))
    assert "Clas de la rentrée" in page and "Clas de l'an passé" not in page


def test_a_school_year_that_is_none_falls_back_to_the_current_one(client, login_as, make_project, committee):
    make_project(name="Clas courant", school_year=current_school_year(committee))
    login_as("host")
    assert "Clas courant" in page_text(client.get("/c/rennes/projects?school_year=2026-2028"))
    dashboard = client.get("/c/rennes/dashboard?school_year=2026-2028")
    assert dashboard.status_code == 200
    assert "Clas courant" in page_text(dashboard)


@pytest.mark.parametrize("zone", [HolidayZone.A, HolidayZone.B, HolidayZone.C])
def test_activity_window_starts_after_toussaint_and_ends_15_june(zone):
    # Toussaint 2026: 17 October → 1 November; Monday 2 November is the first school day.
    assert activity_window("2026-2027", zone) == (date(2026, 11, 2), date(2027, 6, 15))
    # Toussaint 2027 ends on Sunday 7 November.
    assert activity_window("2027-2028", zone) == (date(2027, 11, 8), date(2028, 6, 15))


def test_activity_window_of_zone_other_uses_the_national_toussaint():
    assert activity_window("2026-2027", HolidayZone.OTHER) == (date(2026, 11, 2), date(2027, 6, 15))
    assert activity_window("2026-2027", "other") == (date(2026, 11, 2), date(2027, 6, 15))


def test_some_years_hold_fewer_than_27_school_weeks():
    assert school_weeks("2026-2027", HolidayZone.B) == 27
    assert school_weeks("2027-2028", HolidayZone.B) == 26
    # Without known school holidays nothing is counted: 33 weeks without holidays would mislead.
    assert school_weeks("2026-2027", HolidayZone.OTHER) is None


# The 2029-2030 holidays of zone B, as a host would enter them (the package ends on 31 August 2028).
HOLIDAYS_2029 = (
    HolidayPeriod("Vacances de la Toussaint", date(2029, 10, 20), date(2029, 11, 4)),
    HolidayPeriod("Vacances de Noël", date(2029, 12, 22), date(2030, 1, 6)),
    HolidayPeriod("Vacances d'hiver", date(2030, 2, 16), date(2030, 3, 3)),
    HolidayPeriod("Vacances de printemps", date(2030, 4, 13), date(2030, 4, 28)),
)


@pytest.mark.parametrize(
    ("school_year_", "zone", "periods", "weeks", "start"),
    [
        ("2027-2028", HolidayZone.B, (), 26, date(2027, 11, 8)),  # the last year the package covers
        ("2029-2030", HolidayZone.B, (), None, date(2029, 11, 2)),  # beyond its data: not counted
        ("2029-2030", HolidayZone.B, HOLIDAYS_2029, 26, date(2029, 11, 5)),  # the host entered them
        ("2026-2027", HolidayZone.OTHER, (), None, date(2026, 11, 2)),  # an overseas academy
        ("2026-2027", HolidayZone.OTHER, (HolidayPeriod("Vacances de la Toussaint", date(2026, 10, 17), date(2026, 11, 8)),),
         32, date(2026, 11, 9)),  # only the Toussaint entered: every later week counts
    ],
)  # fmt: skip
def test_a_calendar_beyond_the_package_is_unknown_until_the_host_enters_it(school_year_, zone, periods, weeks, start):
    assert school_weeks(school_year_, zone, periods=periods) == weeks
    assert activity_window(school_year_, zone, periods)[0] == start
    assert calendar_known(school_year_, zone, periods) is (weeks is not None)


def test_the_unknown_calendar_is_said_on_meeting_warnings_then_the_entered_holidays_are_used():
    christmas = at(2029, 12, 27)
    notice = ("Calendrier scolaire non connu pour 2029-2030 (zone B) : les semaines d'école ne sont pas comptées et "
              "les vacances ne sont pas signalées tant que l'hôte du comité n'a pas saisi les vacances scolaires de "
              "cette année.")  # fmt: skip
    assert calendar_warnings(christmas, PARIS_B) == [notice]
    assert calendar_warnings(christmas, PARIS_B, periods=HOLIDAYS_2029) == [
        "Cette date tombe pendant les vacances de Noël (zone B) : les écoles sont fermées."
    ]
    assert calendar_warnings(at(2030, 1, 10), PARIS_B, periods=HOLIDAYS_2029) == []


def test_a_bad_school_year_is_refused():
    with pytest.raises(school_year.SchoolYearError):
        activity_window("2026-2028", HolidayZone.B)


def test_the_school_calendar_is_computed_once_per_year_and_zone():
    school_weeks("2026-2027", HolidayZone.A)
    hits = school_year._school_weeks.cache_info().hits
    school_weeks("2026-2027", HolidayZone.A)
    assert school_year._school_weeks.cache_info().hits == hits + 1


def test_24_december_2026_warns_about_school_holidays():
    warnings = calendar_warnings(at(2026, 12, 24), PARIS_B)
    assert any("vacances de Noël" in warning for warning in warnings)


def test_11_november_warns_about_a_public_holiday():
    warnings = calendar_warnings(at(2026, 11, 11), PARIS_B)
    assert warnings == ["Cette date est un jour férié (11 novembre : Armistice)."]


def test_an_ordinary_school_day_raises_no_warning():
    assert calendar_warnings(at(2026, 11, 12), PARIS_B, school_year="2026-2027") == []


def test_weekend_and_outside_the_school_year():
    warnings = calendar_warnings(at(2027, 9, 4), PARIS_B, school_year="2026-2027")
    assert "Cette date tombe un samedi." in warnings
    assert any("en dehors de l'année scolaire 2026-2027" in warning for warning in warnings)


def test_the_local_date_counts_not_the_utc_one():
    # 23:30 UTC on 10 November is 00:30 on 11 November in Paris.
    warnings = calendar_warnings(datetime(2026, 11, 10, 23, 30, tzinfo=timezone.utc), PARIS_B)
    assert any("Armistice" in warning for warning in warnings)


def test_zone_other_says_its_calendar_is_unknown_but_keeps_its_time_zone():
    notice = unknown_calendar_notice("2026-2027", HolidayZone.OTHER)
    assert "Calendrier scolaire non connu pour 2026-2027 (zone autre (outre-mer, Corse…))" in notice
    assert calendar_warnings(at(2026, 12, 24, 10), REUNION) == [notice]
    assert calendar_warnings(at(2026, 11, 11, 10), REUNION) == [notice]  # no metropolitan public holidays
    # Friday 20:30 UTC is already Saturday 00:30 in Réunion (UTC+4).
    assert calendar_warnings(datetime(2026, 11, 13, 20, 30, tzinfo=timezone.utc), REUNION) == [
        notice, "Cette date tombe un samedi."
    ]
    christmas = (HolidayPeriod("Vacances de Noël", date(2026, 12, 19), date(2027, 1, 3)),)
    assert calendar_warnings(at(2026, 12, 24, 10), REUNION, periods=christmas) == [
        "Cette date tombe pendant les vacances de Noël : les écoles sont fermées."
    ]
