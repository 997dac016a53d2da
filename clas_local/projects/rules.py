"""The referential's rules on collectifs, as pure functions (no database, no request).

Each rule answers with a RuleResult: a status (« conforme » or « à vérifier »), the
French reason shown to the user, and the referential sentence it comes from. These are
warnings, never blocks: a porteur may save a collectif that breaks them, and the CAF
decides (rural exceptions "peuvent être validées").

The compliance checklist reuses them:

    results = collectif_warnings(collectif, rural=project.is_rural, available_weeks=26)
    year = school_weeks_rule(26, school_year="2026-2027")

`collectif` is anything with the Collectif attributes (children_count, animateurs_count,
weekly_sessions, session_minutes, planned_weeks): the model, or a SimpleNamespace in tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from clas_local.i18n import format_day

CONFORME = "conforme"
A_VERIFIER = "à vérifier"

# The referential's figures.
MIN_CHILDREN = 8
MAX_CHILDREN = 12
RURAL_MIN_CHILDREN = 5
ANIMATEURS = 2
WEEKLY_SESSIONS = 2
SESSION_MINUTES = 90
RURAL_SESSION_MINUTES = 120
WEEKS = 27

# The referential's sentences (référentiel national de financement des Clas, « Les critères
# du financement par la prestation de service Clas »), quoted as the user's proof.
SOURCE_CHILDREN = (
    "Un collectif d'enfants est un groupe constitué de 8 à 12 enfants maximum qui se réunit "
    "durant toute l'année scolaire dans un même lieu, accessible aux parents."
)
SOURCE_CHILDREN_RURAL = (
    "En milieu rural, en raison de la spécificité territoriale et notamment des problématiques "
    "liées à la mobilité, un nombre minimum de 5 enfants minimum par collectif est accepté."
)
SOURCE_ANIMATEURS = (
    "Chaque collectif d'enfants doit être encadré et animé par 2 intervenants professionnels "
    "et/ou bénévoles."
)
SOURCE_ANIMATEURS_RURAL = (
    "En milieu rural : l'encadrement par un animateur pour chaque collectif inférieur à 8 enfants "
    "peut être validé."
)
SOURCE_SESSIONS = (
    "Deux séances hebdomadaires d'une heure 30 minutes par séance sont proposées pour chaque "
    "collectif d'enfants, et sur une période de 27 semaines de fonctionnement annuel, afin de "
    "favoriser la progression des enfants et des jeunes."
)
SOURCE_SESSIONS_RURAL = "En milieu rural une séance hebdomadaire de 2 heures consécutives minimum peut être validée."
SOURCE_PERIOD = (
    "Le démarrage des actions Clas est préconisé après les vacances de la Toussaint de l'année N "
    "jusqu'au 15 juin de l'année N+1."
)


@dataclass(frozen=True)
class RuleResult:
    """One rule's verdict on one collectif (or one school year)."""

    code: str  # stable identifier: "children", "animateurs", "sessions", "weeks", "school_weeks"
    status: str  # CONFORME or A_VERIFIER
    reason: str  # French, shown to the user
    source: str  # the referential sentence the rule comes from

    @property
    def is_conforme(self) -> bool:
        return self.status == CONFORME

    @property
    def tone(self) -> str:
        """The badge tone of the status (the word is always shown too)."""
        return "ok" if self.is_conforme else "warn"


class CollectifLike(Protocol):
    children_count: int
    animateurs_count: int
    weekly_sessions: int
    session_minutes: int
    planned_weeks: int


def _ok(code: str, reason: str, source: str) -> RuleResult:
    return RuleResult(code, CONFORME, reason, source)


def _check(code: str, reason: str, source: str) -> RuleResult:
    return RuleResult(code, A_VERIFIER, reason, source)


def _children(count: int) -> str:
    return f"{count} enfant" if count <= 1 else f"{count} enfants"


def _animateurs(count: int) -> str:
    return f"{count} animateur" if count <= 1 else f"{count} animateurs"


def _sessions(count: int) -> str:
    return f"{count} séance hebdomadaire" if count <= 1 else f"{count} séances hebdomadaires"


def _weeks(count: int) -> str:
    return f"{count} semaine" if count <= 1 else f"{count} semaines"


def duration_fr(minutes: int) -> str:
    """90 → « 1 h 30 », 120 → « 2 h », 45 → « 45 min » (French typographic style)."""
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{rest} min"
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


# -- the rules -----------------------------------------------------------------------------


def children_rule(children_count: int, *, rural: bool) -> RuleResult:
    """8 to 12 children; in rural areas 5 to 12."""
    minimum = RURAL_MIN_CHILDREN if rural else MIN_CHILDREN
    source = SOURCE_CHILDREN_RURAL if rural and children_count < MIN_CHILDREN else SOURCE_CHILDREN
    count = _children(children_count)
    if children_count > MAX_CHILDREN:
        return _check(
            "children",
            f"{count} : un collectif compte 12 enfants au plus ; envisagez de le scinder en deux collectifs.",
            SOURCE_CHILDREN,
        )
    if children_count < minimum:
        if rural:
            reason = f"{count} : même en milieu rural, un collectif compte au moins 5 enfants."
        elif children_count >= RURAL_MIN_CHILDREN:
            reason = (
                f"{count} : un collectif compte de 8 à 12 enfants ; "
                "le minimum de 5 enfants n'est accepté qu'en milieu rural."
            )
        else:
            reason = f"{count} : un collectif compte de 8 à 12 enfants."
        return _check("children", reason, source)
    if rural and children_count < MIN_CHILDREN:
        return _ok("children", f"{count} : accepté en milieu rural (5 enfants au moins).", source)
    return _ok("children", f"{count} : dans la fourchette de 8 à 12 enfants.", source)


def animateurs_rule(animateurs_count: int, children_count: int, *, rural: bool) -> RuleResult:
    """2 animateurs; in rural areas 1 is accepted for a collectif of fewer than 8 children."""
    count = _animateurs(animateurs_count)
    if animateurs_count >= ANIMATEURS:
        return _ok("animateurs", f"{count} pour le collectif : l'encadrement demandé est de 2 intervenants.",
                   SOURCE_ANIMATEURS)
    if rural and animateurs_count == 1 and children_count < MIN_CHILDREN:
        return _ok(
            "animateurs",
            f"1 animateur pour {_children(children_count)} : accepté en milieu rural pour un collectif de moins de 8 enfants.",
            SOURCE_ANIMATEURS_RURAL,
        )
    if rural and animateurs_count == 1:
        return _check(
            "animateurs",
            f"1 animateur pour {_children(children_count)} : en milieu rural, un seul animateur n'est accepté "
            "que pour un collectif de moins de 8 enfants.",
            SOURCE_ANIMATEURS_RURAL,
        )
    if animateurs_count == 0:
        return _check("animateurs", "Aucun animateur indiqué : chaque collectif est encadré par 2 intervenants.",
                      SOURCE_ANIMATEURS)
    return _check("animateurs", f"{count} : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS)


def sessions_rule(weekly_sessions: int, session_minutes: int, *, rural: bool) -> RuleResult:
    """Two weekly sessions of 1 h 30; in rural areas one weekly session of at least 2 h."""
    described = f"{_sessions(weekly_sessions)} de {duration_fr(session_minutes)}"
    if weekly_sessions == 0:
        described = "Aucune séance hebdomadaire"
    if weekly_sessions >= WEEKLY_SESSIONS and session_minutes >= SESSION_MINUTES:
        return _ok("sessions", f"{described} : au moins deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS)
    if rural and weekly_sessions >= 1 and session_minutes >= RURAL_SESSION_MINUTES:
        return _ok(
            "sessions",
            f"{described} : accepté en milieu rural (une séance hebdomadaire de 2 h au moins).",
            SOURCE_SESSIONS_RURAL,
        )
    if rural:
        return _check(
            "sessions",
            f"{described} : il faut deux séances de 1 h 30 par semaine, ou en milieu rural "
            "une séance de 2 h consécutives au moins.",
            SOURCE_SESSIONS_RURAL,
        )
    if weekly_sessions == 1 and session_minutes >= RURAL_SESSION_MINUTES:
        reason = (
            f"{described} : il faut deux séances de 1 h 30 par semaine ; une seule séance de 2 h "
            "n'est acceptée qu'en milieu rural."
        )
    else:
        reason = f"{described} : il faut deux séances de 1 h 30 par semaine."
    return _check("sessions", reason, SOURCE_SESSIONS)


def weeks_rule(planned_weeks: int, *, available_weeks: int | None = None) -> RuleResult:
    """27 weeks of activity, compared with the school weeks the year really offers.

    `available_weeks`: school weeks between the first school day after the Toussaint
    holidays and 15 June (None when unknown: the comparison is then left out).
    """
    planned = _weeks(planned_weeks) + (" prévue" if planned_weeks <= 1 else " prévues")
    if planned_weeks < WEEKS:
        return _check("weeks", f"{planned} : l'action doit fonctionner 27 semaines dans l'année.",
                      SOURCE_SESSIONS)
    if available_weeks is not None and planned_weeks > available_weeks:
        return _check(
            "weeks",
            f"{planned}, mais l'année ne compte que {_weeks(available_weeks)} d'école entre la "
            "rentrée de la Toussaint et le 15 juin : précisez quand auront lieu les autres séances.",
            SOURCE_PERIOD,
        )
    return _ok("weeks", f"{planned} : au moins 27 semaines de fonctionnement.", SOURCE_SESSIONS)


def school_weeks_rule(
    available_weeks: int, *, school_year: str, window: tuple[date, date] | None = None
) -> RuleResult:
    """Whether the year's activity window (after Toussaint → 15 June) holds 27 school weeks.

    `window`: the window's first and last day (school_year.activity_window), named
    in the reason when given."""
    weeks = _weeks(available_weeks)
    if window is None:
        period = "la période d'activité préconisée (de la rentrée de la Toussaint au 15 juin)"
    else:
        period = (
            f"la période d'activité préconisée, du {format_day(window[0])} au {format_day(window[1])},"
        )
    if available_weeks < WEEKS:
        return _check(
            "school_weeks",
            f"En {school_year}, {period} ne compte que {weeks} d'école : 27 semaines de fonctionnement "
            "obligent à commencer plus tôt ou à poursuivre pendant des vacances.",
            SOURCE_PERIOD,
        )
    return _ok("school_weeks", f"En {school_year}, {period} compte {weeks} d'école.", SOURCE_PERIOD)


def collectif_warnings(
    collectif: CollectifLike, *, rural: bool, available_weeks: int | None = None
) -> list[RuleResult]:
    """Every referential rule on one collectif, in a stable order: children, animateurs, sessions, weeks."""
    return [
        children_rule(collectif.children_count, rural=rural),
        animateurs_rule(collectif.animateurs_count, collectif.children_count, rural=rural),
        sessions_rule(collectif.weekly_sessions, collectif.session_minutes, rural=rural),
        weeks_rule(collectif.planned_weeks, available_weeks=available_weeks),
    ]
