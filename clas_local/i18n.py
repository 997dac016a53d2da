"""French dates, as people write them: « jeudi 12 novembre 2026 à 17 h 30 »."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


def local(moment: datetime, timezone: str) -> datetime:
    return moment.astimezone(ZoneInfo(timezone))


def format_day(day: date, *, weekday: bool = True) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    text = f"{number} {MONTHS[day.month - 1]} {day.year}"
    return f"{DAYS[day.weekday()]} {text}" if weekday else text


def format_time(moment: datetime) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def format_datetime(moment: datetime, timezone: str) -> str:
    moment = local(moment, timezone)
    return f"{format_day(moment.date())} à {format_time(moment)}"


def format_time_range(start: datetime, end: datetime, timezone: str) -> str:
    """« jeudi 12 novembre 2026, de 17 h 30 à 19 h » (or across days when it spans several)."""
    start, end = local(start, timezone), local(end, timezone)
    if start.date() == end.date():
        return f"{format_day(start.date())}, de {format_time(start)} à {format_time(end)}"
    return f"du {format_datetime(start, timezone)} au {format_datetime(end, timezone)}"


def month_label(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


# The time zones of France's departments, in their inhabitants' words (committee settings, hints).
TIMEZONES = (
    ("Europe/Paris", "France métropolitaine et Corse (heure de Paris)"),
    ("America/Guadeloupe", "Guadeloupe"),
    ("America/Martinique", "Martinique"),
    ("America/Cayenne", "Guyane"),
    ("Indian/Reunion", "La Réunion"),
    ("Indian/Mayotte", "Mayotte"),
    ("America/Miquelon", "Saint-Pierre-et-Miquelon"),
)
TIMEZONE_LABELS = dict(TIMEZONES)
LOCAL_TIME = {"Europe/Paris": "heure de Paris", "Indian/Reunion": "heure de La Réunion",
              "America/Cayenne": "heure de la Guyane", "America/Miquelon": "heure de Saint-Pierre-et-Miquelon"}


def local_time_label(timezone: str) -> str:
    """« heure de Paris », « heure de Guadeloupe »… never « heure de Europe/Paris »."""
    if timezone in LOCAL_TIME:
        return LOCAL_TIME[timezone]
    if timezone in TIMEZONE_LABELS:
        return f"heure locale ({TIMEZONE_LABELS[timezone]})"
    return f"heure locale du comité ({timezone})"


VOWELS = "aeiouyàâäéèêëîïôöùûüœh"


def of(name: str) -> str:
    """« de » with its elision: « d'École Volga », « de Claire Martin » (« h » elided too:
    « d'Hélène »; the rare aspirated h is accepted)."""
    return f"d'{name}" if name[:1].lower() in VOWELS else f"de {name}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 contact », « 3 contacts » (never « contact(s) »)."""
    word = singular if count <= 1 else (plural_form or singular + "s")
    return f"{count} {word}"
