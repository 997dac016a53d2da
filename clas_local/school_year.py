"""The school year, in one place below every domain (it imports none).

What a valid school year is (« 2026-2027 »), which one a day belongs to, today's date in a
committee's time zone and so its current school year, the holiday zones, and the French
school calendar as the Clas referential uses it. Pure functions (no database): the activity
window of a school year, the school weeks it holds, and the warnings shown (never blocks)
when a meeting falls on a school holiday, a public holiday, a weekend or outside its school
year. Committees, projects, meetings, compliance and the dossier all read it from here.

Sources: `vacances-scolaires-france` (zones A, B, C, one row per holiday day) and
`holidays` (French public holidays, names in French). What depends only on the year and
the zone is computed once per process (functools.lru_cache): the school calendar of a
year never changes while the application runs.

Where the package knows nothing (zone "other": overseas departments, Corse…; or a year
past the end of its data), the calendar is *not known*: no school weeks are counted and
the pages say « calendrier scolaire non connu pour … » (`unknown_calendar_notice`) until
the committee's host enters that year's holiday periods (`HolidayPeriod`, stored by the
committees domain and passed in as `periods`); every count and warning then uses them.
Zone "other" gets no public-holiday warnings either (its public holidays differ:
abolition de l'esclavage…); without periods its window starts after the *national*
Toussaint holidays of metropolitan France (identical in zones A, B and C).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import holidays as public_holidays
from vacances_scolaires_france import SchoolHolidayDates, UnsupportedYearException

from clas_local.db import LabelledEnum
from clas_local.i18n import MONTHS

SCHOOL_YEAR_RE = re.compile(r"^(\d{4})-(\d{4})$")
DEFAULT_TIMEZONE = "Europe/Paris"

# The referential: activity runs from after the Toussaint holidays of year N to 15 June N+1.
ACTIVITY_END_MONTH_DAY = (6, 15)
# Metropolitan France has the same Toussaint holidays in every zone.
NATIONAL_ZONE = "B"
TOUSSAINT = "Vacances de la Toussaint"


class HolidayZone(LabelledEnum):
    """The school-holiday zone of a committee (stored on Committee.holiday_zone)."""

    A = ("A", "Zone A")
    B = ("B", "Zone B")
    C = ("C", "Zone C")
    OTHER = ("other", "Autre (outre-mer, Corse…)")


class SchoolYearError(ValueError):
    pass


# -- what a school year is -----------------------------------------------------------------


def _first_year(value: str | None) -> int | None:
    match = SCHOOL_YEAR_RE.match(value or "")
    if not match or int(match[2]) != int(match[1]) + 1:
        return None
    return int(match[1])


def is_school_year(value: str | None) -> bool:
    """« 2026-2027 »: two years that follow each other."""
    return _first_year(value) is not None


def school_year_error(value: str | None) -> str | None:
    """The French reason `value` is no school year, or None."""
    if is_school_year(value):
        return None
    return "L'année scolaire s'écrit « 2026-2027 » (deux années qui se suivent)."


def parse_school_year(school_year: str) -> int:
    """ "2026-2027" → 2026."""
    first = _first_year(school_year)
    if first is None:
        raise SchoolYearError(f"Année scolaire invalide : {school_year!r}")
    return first


def school_year_bounds(school_year: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """1 September N 00:00 → 1 September N+1 00:00 in the committee's zone, as UTC instants."""
    first = parse_school_year(school_year)
    start = datetime.combine(date(first, 9, 1), time(), tz).astimezone(timezone.utc)
    end = datetime.combine(date(first + 1, 9, 1), time(), tz).astimezone(timezone.utc)
    return start, end


def school_year_of(day: date) -> str:
    """The school year a day belongs to: from 1 September to 31 August."""
    first = day.year if day.month >= 9 else day.year - 1
    return f"{first}-{first + 1}"


# -- today, for a committee ----------------------------------------------------------------


def committee_today(committee) -> date:
    """Today in the committee's time zone (not the server's): a committee overseas, or a
    server on UTC near midnight, must not see yesterday's or tomorrow's date."""
    return datetime.now(ZoneInfo(committee.timezone or DEFAULT_TIMEZONE)).date()


def current_school_year(committee) -> str:
    return school_year_of(committee_today(committee))


# -- the school calendar -------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayPeriod:
    """A school-holiday period of a year the package does not know, as a committee's host
    entered it (committees.models.SchoolHolidayPeriod): « vacances de Noël », first and last day."""

    name: str
    first_day: date
    last_day: date


Periods = tuple[HolidayPeriod, ...]


@functools.lru_cache(maxsize=1)
def _school_holiday_dates() -> SchoolHolidayDates:
    # Reading the package's CSV takes a while: once per process.
    return SchoolHolidayDates()


def _zone_value(zone: HolidayZone | str) -> str:
    return zone.value if isinstance(zone, HolidayZone) else str(zone)


@functools.lru_cache(maxsize=256)
def school_holidays(year: int, zone: str) -> dict[date, str]:
    """Every school-holiday day of calendar `year` in `zone` → its French name (« vacances de Noël »).

    Empty for zone "other" and for years the package does not cover."""
    if zone not in SchoolHolidayDates.SUPPORTED_ZONES:
        return {}
    try:
        rows = _school_holiday_dates().holidays_for_year_and_zone(year, zone)
    except UnsupportedYearException:
        return {}
    return {day: _holiday_label(row["nom_vacances"]) for day, row in rows.items()}


def _holiday_label(name: str) -> str:
    # "Vacances de Noël" → "vacances de Noël"; "Pont de l'Ascension" → "pont de l'Ascension".
    return name[0].lower() + name[1:]


@functools.lru_cache(maxsize=64)
def french_public_holidays(year: int) -> dict[date, str]:
    """Metropolitan France's public holidays of `year`, names in French."""
    return dict(public_holidays.France(years=year, language="fr"))


@functools.lru_cache(maxsize=1)
def _package_last_day() -> date:
    return max(_school_holiday_dates().data)


@functools.lru_cache(maxsize=1)
def _package_first_day() -> date:
    return min(_school_holiday_dates().data)


def package_knows(school_year: str, zone: HolidayZone | str) -> bool:
    """Whether the packaged calendar covers the school year's activity in `zone` (zones A,
    B, C only, up to the end of its data)."""
    first = parse_school_year(school_year)
    return (
        _zone_value(zone) in SchoolHolidayDates.SUPPORTED_ZONES
        and date(first, 9, 1) >= _package_first_day()
        and date(first + 1, *ACTIVITY_END_MONTH_DAY) <= _package_last_day()
    )


def holiday_period_error(school_year: str, zone: HolidayZone | str, first_day: date, last_day: date) -> str | None:
    """The French reason a holiday period cannot be entered for `school_year`, or None."""
    first = _first_year(school_year)
    if first is None:
        return "L'année scolaire s'écrit « 2026-2027 » (deux années qui se suivent)."
    if package_knows(school_year, zone):
        return f"Le calendrier scolaire officiel de {school_year} est déjà connu pour ce comité : rien à saisir."
    if last_day < first_day:
        return "Le dernier jour doit suivre le premier."
    if not date(first, 9, 1) <= first_day <= date(first + 1, 8, 31):
        return f"Ces vacances doivent commencer pendant l'année scolaire {school_year} (du 1er septembre {first} au 31 août {first + 1})."
    if (last_day - first_day).days > 92:
        return "Une période de vacances dure trois mois au plus : vérifiez les dates."
    return None


def calendar_known(school_year: str, zone: HolidayZone | str, periods: Periods = ()) -> bool:
    return bool(periods) or package_knows(school_year, zone)


def unknown_calendar_notice(school_year: str, zone: HolidayZone | str) -> str:
    """What the pages say when the school calendar of the year is not known."""
    value = _zone_value(zone)
    where = f"zone {value}" if value in SchoolHolidayDates.SUPPORTED_ZONES else "zone autre (outre-mer, Corse…)"
    return (
        f"Calendrier scolaire non connu pour {school_year} ({where}) : les semaines d'école ne sont pas "
        "comptées et les vacances ne sont pas signalées tant que l'hôte du comité n'a pas saisi les "
        "vacances scolaires de cette année."
    )


def _holiday_name(day: date, zone: str, periods: Periods = ()) -> str | None:
    """The school holiday `day` falls in: the entered periods for their school year, else the package."""
    if periods:
        for period in periods:
            if period.first_day <= day <= period.last_day:
                return _holiday_label(period.name)
        if any(school_year_of(period.first_day) == school_year_of(day) for period in periods):
            return None
    return school_holidays(day.year, zone).get(day)


def _is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in french_public_holidays(day.year)


def _national_toussaint_end(year: int) -> date | None:
    try:
        rows = _school_holiday_dates().holidays_for_year_zone_and_name(year, NATIONAL_ZONE, TOUSSAINT)
    except UnsupportedYearException:
        return None
    return max(rows) if rows else None


@functools.lru_cache(maxsize=256)
def _activity_window(first_year: int, zone: str, periods: Periods = ()) -> tuple[date, date]:
    toussaint_end = max(
        (period.last_day for period in periods if "toussaint" in period.name.lower()), default=None
    )
    if toussaint_end is None and zone in SchoolHolidayDates.SUPPORTED_ZONES:
        toussaint = {
            day for day, name in school_holidays(first_year, zone).items() if name == _holiday_label(TOUSSAINT)
        }
        toussaint_end = max(toussaint) if toussaint else None
    if toussaint_end is None:
        toussaint_end = _national_toussaint_end(first_year)
    if toussaint_end is None:
        # A year the package does not cover: the Toussaint holidays end around 1 November.
        toussaint_end = date(first_year, 11, 1)
    start = toussaint_end + timedelta(days=1)
    while not _is_working_day(start) or _holiday_name(start, zone, periods):
        start += timedelta(days=1)
    return start, date(first_year + 1, *ACTIVITY_END_MONTH_DAY)


def activity_window(school_year: str, zone: HolidayZone | str, periods: Periods = ()) -> tuple[date, date]:
    """First school day after the Toussaint holidays of year N in `zone` (or in the entered
    `periods`) → 15 June N+1.

    Zone "other", or a year the package does not cover, without periods: after the national
    (metropolitan) Toussaint holidays, or else from the first working day after 1 November."""
    return _activity_window(parse_school_year(school_year), _zone_value(zone), tuple(periods))


def project_window(
    school_year: str, zone: HolidayZone | str, start: date | None = None, periods: Periods = ()
) -> tuple[date, date]:
    """A project's activity window: its own first day of activity (`start`, when set), else
    the referential's default (`activity_window`), to 15 June N+1."""
    default_start, end = activity_window(school_year, zone, periods)
    return (start or default_start), end


def activity_start_error(school_year: str, start: date | None) -> str | None:
    """The French reason `start` cannot be the project's first day of activity, or None."""
    first = _first_year(school_year)
    if start is None or first is None:
        return None
    earliest, latest = date(first, 9, 1), date(first + 1, *ACTIVITY_END_MONTH_DAY)
    if earliest <= start < latest:
        return None
    return (
        f"Le démarrage de l'activité doit tomber dans l'année scolaire {school_year}, avant la fin de "
        f"l'activité : entre le 1er septembre {first} et le 14 juin {first + 1}."
    )


def bilan_from(start: date, end: date) -> date:
    """The first day of the last part of the activity period, where the bilan belongs
    (« lors du bilan de fin d'année »): its last third."""
    return start + (end - start) * 2 // 3


def is_school_day(day: date, zone: HolidayZone | str, periods: Periods = ()) -> bool:
    return _is_working_day(day) and _holiday_name(day, _zone_value(zone), tuple(periods)) is None


@functools.lru_cache(maxsize=256)
def _school_weeks(first_year: int, zone: str, start: date | None = None, periods: Periods = ()) -> int:
    default_start, end = _activity_window(first_year, zone, periods)
    start = start or default_start
    monday = start - timedelta(days=start.weekday())
    weeks = 0
    while monday <= end:
        days = (monday + timedelta(days=offset) for offset in range(5))
        if any(start <= day <= end and is_school_day(day, zone, periods) for day in days):
            weeks += 1
        monday += timedelta(days=7)
    return weeks


def school_weeks(
    school_year: str, zone: HolidayZone | str, start: date | None = None, periods: Periods = ()
) -> int | None:
    """Weeks (Monday to Friday) of the activity window (from the project's own `start`, when
    set) holding at least one school day; None when the year's calendar is not known (no
    package data, no entered periods): 33 weeks without holidays would mislead.

    Some years hold fewer than the 27 weeks the referential plans for: callers say so."""
    if not calendar_known(school_year, zone, periods):
        return None
    return _school_weeks(parse_school_year(school_year), _zone_value(zone), start, tuple(periods))


def public_holiday_label(day: date) -> str | None:
    """« 11 novembre : Armistice », or None."""
    name = french_public_holidays(day.year).get(day)
    if name is None:
        return None
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} : {name}"


def calendar_warnings(
    start: datetime, committee, *, project=None, school_year: str | None = None, periods: Periods = ()
) -> list[str]:
    """Why this start may be a poor choice, in French; empty when nothing stands out.

    `start` is aware (UTC or any zone) or naive in the committee's time zone. The school
    year checked is the project's, or `school_year` when given. `periods`: the holidays the
    host entered for the day's school year, when the package does not know it."""
    tz = ZoneInfo(committee.timezone or DEFAULT_TIMEZONE)
    local_start = start.astimezone(tz) if start.tzinfo else start.replace(tzinfo=tz)
    day = local_start.date()
    zone = _zone_value(committee.holiday_zone)
    warnings: list[str] = []
    if calendar_known(school_year_of(day), zone, periods):
        holiday = _holiday_name(day, zone, tuple(periods))
        if holiday:
            article = "les" if holiday.lower().startswith("vacances") else "le"
            where = f" (zone {zone})" if zone != HolidayZone.OTHER.value else ""
            warnings.append(f"Cette date tombe pendant {article} {holiday}{where} : les écoles sont fermées.")
    else:
        warnings.append(unknown_calendar_notice(school_year_of(day), zone))
    if zone != HolidayZone.OTHER.value:
        public_holiday = public_holiday_label(day)
        if public_holiday:
            warnings.append(f"Cette date est un jour férié ({public_holiday}).")
    if day.weekday() >= 5:
        warnings.append(f"Cette date tombe un {'samedi' if day.weekday() == 5 else 'dimanche'}.")
    year = project.school_year if project is not None else school_year
    if year and school_year_of(day) != year:
        warnings.append(f"Cette date est en dehors de l'année scolaire {year} (du 1er septembre au 31 août).")
    return warnings
