"""The school calendar: activity window, school weeks, warnings before placing a meeting."""

from __future__ import annotations

from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest

from clas_local.calendar import school_year
from clas_local.calendar.school_year import activity_window, calendar_warnings, school_weeks
from clas_local.committees.models import HolidayZone

PARIS_B = SimpleNamespace(timezone="Europe/Paris", holiday_zone=HolidayZone.B)
REUNION = SimpleNamespace(timezone="Indian/Reunion", holiday_zone=HolidayZone.OTHER)


def at(year, month, day, hour=15, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


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
    # Without known school holidays, every week of the window counts.
    assert school_weeks("2026-2027", HolidayZone.OTHER) > 27


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


def test_zone_other_gets_no_holiday_warnings_but_keeps_its_time_zone():
    assert calendar_warnings(at(2026, 12, 24, 10), REUNION) == []
    assert calendar_warnings(at(2026, 11, 11, 10), REUNION) == []
    # Friday 20:30 UTC is already Saturday 00:30 in Réunion (UTC+4).
    assert calendar_warnings(datetime(2026, 11, 13, 20, 30, tzinfo=timezone.utc), REUNION) == [
        "Cette date tombe un samedi."
    ]
