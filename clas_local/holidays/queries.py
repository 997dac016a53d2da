"""Reads of the school holidays a committee's host entered."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.extensions import db
from clas_local.school_year import HolidayPeriod, Periods, package_knows


def entered_periods(committee, school_year: str) -> list[SchoolHolidayPeriod]:
    """The periods entered for a school year, in date order (the host's page)."""
    return list(
        db.session.scalars(
            select(SchoolHolidayPeriod)
            .where(SchoolHolidayPeriod.committee_id == committee.id, SchoolHolidayPeriod.school_year == school_year)
            .order_by(SchoolHolidayPeriod.first_day, SchoolHolidayPeriod.id)
        )
    )


def holiday_periods(committee, school_years) -> dict[str, Periods]:
    """The entered holidays of each school year the packaged calendar does not know, in one
    query; none at all when it knows every one of them (no query then)."""
    unknown = sorted({year for year in school_years if not package_knows(year, committee.holiday_zone)})
    if not unknown:
        return {}
    found: dict[str, list[HolidayPeriod]] = defaultdict(list)
    for row in db.session.scalars(
        select(SchoolHolidayPeriod)
        .where(SchoolHolidayPeriod.committee_id == committee.id, SchoolHolidayPeriod.school_year.in_(unknown))
        .order_by(SchoolHolidayPeriod.first_day, SchoolHolidayPeriod.id)
    ):
        found[row.school_year].append(HolidayPeriod(row.name, row.first_day, row.last_day))
    return {year: tuple(periods) for year, periods in found.items()}


def periods_of(committee, school_year: str) -> Periods:
    return holiday_periods(committee, {school_year}).get(school_year, ())
