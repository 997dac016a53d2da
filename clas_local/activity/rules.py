"""What is valid in a project's activity figures, and what the referential's collectif rules
say about them: pure functions over a mapping {field: int | None} (no database, no request).

Two levels, as for collectifs (projects.rules):

- **errors** refuse the figures (nothing is saved): a count out of its plausible bounds, or
  figures that contradict each other (more collectifs than children, more sessions than
  14 a week per collectif over the weeks run);
- **warnings** never block: the year's figures read against the referential's rules on
  collectifs (8 to 12 children, 2 intervenants, 2 sessions a week, 27 weeks), each quoting
  the rule it comes from, with the rural exceptions.

None is « not entered yet » (a draft): a rule that needs a figure not entered stays silent.
"""

from __future__ import annotations

from typing import Mapping

from clas_local.activity.models import COUNT_FIELDS
from clas_local.i18n import plural
from clas_local.projects.rules import (
    ANIMATEURS,
    MAX_CHILDREN,
    MIN_CHILDREN,
    RURAL_MIN_CHILDREN,
    SOURCE_ANIMATEURS,
    SOURCE_ANIMATEURS_RURAL,
    SOURCE_CHILDREN,
    SOURCE_CHILDREN_RURAL,
    SOURCE_SESSIONS,
    SOURCE_SESSIONS_RURAL,
    WEEKLY_SESSIONS,
    WEEKS,
    A_VERIFIER,
    RuleResult,
)

Figures = Mapping[str, "int | None"]

CHILDREN_FIELDS = ("children_elementaire", "children_college", "children_lycee")

# Plausible bounds of each count for one project's school year: beyond them, a typing error.
MAXIMA: dict[str, int] = {
    "children_elementaire": 2000,
    "children_college": 2000,
    "children_lycee": 2000,
    "collectifs_count": 200,
    "sessions_held": 10000,
    "weeks_run": 53,
    "paid_intervenants": 500,
    "volunteer_intervenants": 500,
    "parent_actions": 1000,
}
assert set(MAXIMA) == set(COUNT_FIELDS)

# At most this many sessions a week for one collectif (the collectif form's own bound).
MAX_WEEKLY_SESSIONS = 14


def range_message(name: str) -> str:
    return f"Indiquez un nombre entre 0 et {MAXIMA[name]}, ou laissez vide s'il n'est pas encore connu."


def children_total(figures: Figures) -> int | None:
    """Children enrolled at every level; None when no level is entered."""
    entered = [figures.get(name) for name in CHILDREN_FIELDS if figures.get(name) is not None]
    return sum(entered) if entered else None


def intervenants_total(figures: Figures) -> int | None:
    entered = [figures.get(name) for name in ("paid_intervenants", "volunteer_intervenants")
               if figures.get(name) is not None]  # fmt: skip
    return sum(entered) if entered else None


def is_empty(figures: Figures, texts: Mapping[str, str] | None = None) -> bool:
    """Nothing entered at all: no count, no qualitative heading."""
    return all(figures.get(name) is None for name in COUNT_FIELDS) and not any((texts or {}).values())


# -- errors --------------------------------------------------------------------------------


def errors(figures: Figures) -> dict[str, str]:
    """{field: French message} for figures that cannot be right; empty when they may be saved.

    Each count's own bounds first; then the figures read together."""
    found: dict[str, str] = {}
    for name in COUNT_FIELDS:
        value = figures.get(name)
        if value is not None and not 0 <= value <= MAXIMA[name]:
            found[name] = range_message(name)
    if found:
        return found
    children = children_total(figures)
    collectifs = figures.get("collectifs_count")
    if collectifs and children is not None and collectifs > children:
        found["collectifs_count"] = (
            f"{plural(collectifs, 'collectif')} pour {plural(children, 'enfant inscrit', 'enfants inscrits')} : "
            "un collectif réunit des enfants, il ne peut y avoir plus de collectifs que d'enfants."
        )
    sessions, weeks = figures.get("sessions_held"), figures.get("weeks_run")
    if sessions is not None and weeks is not None:
        groups = collectifs or 1
        most = weeks * MAX_WEEKLY_SESSIONS * groups
        if sessions > most:
            found["sessions_held"] = (
                f"{plural(sessions, 'séance')} en {plural(weeks, 'semaine')} pour {plural(groups, 'collectif')} : "
                f"c'est plus de {MAX_WEEKLY_SESSIONS} séances par semaine et par collectif (au plus {most}). "
                "Vérifiez les séances, les semaines et le nombre de collectifs."
            )
    return found


# -- warnings (the referential's collectif rules, never a block) ---------------------------


def _warn(code: str, reason: str, source: str) -> RuleResult:
    return RuleResult(code, A_VERIFIER, reason, source)


def _average(total: int, groups: int) -> str:
    """« 9,5 » (French decimal comma), « 10 » when whole."""
    value = total / groups
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}".replace(".", ",")


def children_warning(figures: Figures, *, rural: bool) -> RuleResult | None:
    children, collectifs = children_total(figures), figures.get("collectifs_count")
    if not collectifs or children is None:
        return None
    minimum = RURAL_MIN_CHILDREN if rural else MIN_CHILDREN
    average = children / collectifs
    described = (
        f"{plural(children, 'enfant inscrit', 'enfants inscrits')} pour {plural(collectifs, 'collectif')}, "
        f"soit {_average(children, collectifs)} enfants par collectif en moyenne"
    )
    if average > MAX_CHILDREN:
        return _warn("children", f"{described} : un collectif compte 12 enfants au plus.", SOURCE_CHILDREN)
    if average < minimum:
        if rural:
            return _warn("children", f"{described} : même en milieu rural, un collectif compte au moins 5 enfants.",
                         SOURCE_CHILDREN_RURAL)
        return _warn("children", f"{described} : un collectif compte de 8 à 12 enfants "
                     "(5 au moins n'est accepté qu'en milieu rural).", SOURCE_CHILDREN)
    return None


def weeks_warning(figures: Figures) -> RuleResult | None:
    weeks = figures.get("weeks_run")
    if weeks is None or weeks >= WEEKS:
        return None
    return _warn(
        "weeks",
        f"{plural(weeks, 'semaine')} de fonctionnement : l'action doit fonctionner 27 semaines dans l'année.",
        SOURCE_SESSIONS,
    )


def intervenants_warning(figures: Figures, *, rural: bool) -> RuleResult | None:
    intervenants, collectifs = intervenants_total(figures), figures.get("collectifs_count")
    if not collectifs or intervenants is None or intervenants >= ANIMATEURS * collectifs:
        return None
    described = (
        f"{plural(intervenants, 'intervenant')} pour {plural(collectifs, 'collectif')}, "
        f"soit {_average(intervenants, collectifs)} par collectif en moyenne"
    )
    children = children_total(figures)
    small = children is not None and children < MIN_CHILDREN * collectifs
    if rural and small and intervenants >= collectifs:
        return None  # « l'encadrement par un animateur pour chaque collectif inférieur à 8 enfants peut être validé »
    if rural:
        return _warn(
            "intervenants",
            f"{described} : chaque collectif est encadré par 2 intervenants ; en milieu rural, un seul "
            "n'est accepté que pour un collectif de moins de 8 enfants.",
            SOURCE_ANIMATEURS_RURAL,
        )
    return _warn("intervenants", f"{described} : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS)


def sessions_warning(figures: Figures, *, rural: bool) -> RuleResult | None:
    sessions, weeks = figures.get("sessions_held"), figures.get("weeks_run")
    if sessions is None or not weeks:
        return None
    groups = figures.get("collectifs_count") or 1
    weekly = 1 if rural else WEEKLY_SESSIONS
    expected = weekly * weeks * groups
    if sessions >= expected:
        return None
    described = (
        f"{plural(sessions, 'séance tenue', 'séances tenues')} en {plural(weeks, 'semaine')} "
        f"pour {plural(groups, 'collectif')}"
    )
    if rural:
        return _warn(
            "sessions",
            f"{described} : moins d'une séance par semaine et par collectif ({expected} attendues) ; "
            "en milieu rural, une séance hebdomadaire de 2 heures au moins peut être validée.",
            SOURCE_SESSIONS_RURAL,
        )
    return _warn(
        "sessions",
        f"{described} : moins de deux séances par semaine et par collectif ({expected} attendues).",
        SOURCE_SESSIONS,
    )


# The figures every rule needs: until they are all entered, « conforme » would say too much.
CHECKED_FIELDS = ("collectifs_count", "sessions_held", "weeks_run")


def checkable(figures: Figures) -> bool:
    """Whether every rule can be read: children, collectifs, sessions, weeks and intervenants entered."""
    return (
        all(figures.get(name) is not None for name in CHECKED_FIELDS)
        and children_total(figures) is not None
        and intervenants_total(figures) is not None
    )


def warnings(figures: Figures, *, rural: bool) -> list[RuleResult]:
    """The referential's rules the figures do not meet, in a stable order (children, weeks,
    intervenants, sessions); empty when they meet them all or are not entered yet."""
    found = [
        children_warning(figures, rural=rural),
        weeks_warning(figures),
        intervenants_warning(figures, rural=rural),
        sessions_warning(figures, rural=rural),
    ]
    return [result for result in found if result is not None]
