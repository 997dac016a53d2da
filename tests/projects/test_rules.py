"""The referential's collectif rules, table by table (urban and rural, every boundary)."""

from datetime import date
from types import SimpleNamespace

import pytest

from clas_local.projects.rules import (
    A_VERIFIER,
    CONFORME,
    SOURCE_ANIMATEURS,
    SOURCE_ANIMATEURS_RURAL,
    SOURCE_CHILDREN,
    SOURCE_CHILDREN_RURAL,
    SOURCE_PERIOD,
    SOURCE_SESSIONS,
    SOURCE_SESSIONS_RURAL,
    animateurs_rule,
    children_rule,
    collectif_warnings,
    duration_fr,
    school_weeks_rule,
    sessions_rule,
    weeks_rule,
)


@pytest.mark.parametrize(
    ("children", "rural", "status", "reason"),
    [
        (0, False, A_VERIFIER, "0 enfant : un collectif compte de 8 à 12 enfants."),
        (4, False, A_VERIFIER, "4 enfants : un collectif compte de 8 à 12 enfants."),
        (5, False, A_VERIFIER, "5 enfants : un collectif compte de 8 à 12 enfants ; le minimum de 5 enfants n'est accepté qu'en milieu rural."),
        (7, False, A_VERIFIER, "7 enfants : un collectif compte de 8 à 12 enfants ; le minimum de 5 enfants n'est accepté qu'en milieu rural."),
        (8, False, CONFORME, "8 enfants : dans la fourchette de 8 à 12 enfants."),
        (12, False, CONFORME, "12 enfants : dans la fourchette de 8 à 12 enfants."),
        (13, False, A_VERIFIER, "13 enfants : un collectif compte 12 enfants au plus ; envisagez de le scinder en deux collectifs."),
        (4, True, A_VERIFIER, "4 enfants : même en milieu rural, un collectif compte au moins 5 enfants."),
        (5, True, CONFORME, "5 enfants : accepté en milieu rural (5 enfants au moins)."),
        (7, True, CONFORME, "7 enfants : accepté en milieu rural (5 enfants au moins)."),
        (8, True, CONFORME, "8 enfants : dans la fourchette de 8 à 12 enfants."),
        (12, True, CONFORME, "12 enfants : dans la fourchette de 8 à 12 enfants."),
        (13, True, A_VERIFIER, "13 enfants : un collectif compte 12 enfants au plus ; envisagez de le scinder en deux collectifs."),
    ],
)
def test_children_count(children, rural, status, reason):
    result = children_rule(children, rural=rural)
    assert (result.status, result.reason) == (status, reason)
    assert result.code == "children"


@pytest.mark.parametrize(
    ("children", "rural", "source"),
    [(10, False, SOURCE_CHILDREN), (6, True, SOURCE_CHILDREN_RURAL), (4, True, SOURCE_CHILDREN_RURAL), (13, True, SOURCE_CHILDREN)],
)
def test_children_rule_quotes_the_sentence_it_applies(children, rural, source):
    assert children_rule(children, rural=rural).source == source


@pytest.mark.parametrize(
    ("animateurs", "children", "rural", "status", "reason", "source"),
    [
        (2, 10, False, CONFORME, "2 animateurs pour le collectif : l'encadrement demandé est de 2 intervenants.", SOURCE_ANIMATEURS),
        (3, 12, False, CONFORME, "3 animateurs pour le collectif : l'encadrement demandé est de 2 intervenants.", SOURCE_ANIMATEURS),
        (1, 10, False, A_VERIFIER, "1 animateur : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS),
        (1, 6, False, A_VERIFIER, "1 animateur : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS),
        (0, 10, False, A_VERIFIER, "Aucun animateur indiqué : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS),
        (2, 10, True, CONFORME, "2 animateurs pour le collectif : l'encadrement demandé est de 2 intervenants.", SOURCE_ANIMATEURS),
        (1, 5, True, CONFORME, "1 animateur pour 5 enfants : accepté en milieu rural pour un collectif de moins de 8 enfants.", SOURCE_ANIMATEURS_RURAL),
        (1, 7, True, CONFORME, "1 animateur pour 7 enfants : accepté en milieu rural pour un collectif de moins de 8 enfants.", SOURCE_ANIMATEURS_RURAL),
        (1, 8, True, A_VERIFIER, "1 animateur pour 8 enfants : en milieu rural, un seul animateur n'est accepté que pour un collectif de moins de 8 enfants.", SOURCE_ANIMATEURS_RURAL),
        (0, 6, True, A_VERIFIER, "Aucun animateur indiqué : chaque collectif est encadré par 2 intervenants.", SOURCE_ANIMATEURS),
    ],
)
def test_animateurs(animateurs, children, rural, status, reason, source):
    result = animateurs_rule(animateurs, children, rural=rural)
    assert (result.status, result.reason, result.source) == (status, reason, source)


@pytest.mark.parametrize(
    ("sessions", "minutes", "rural", "status", "reason", "source"),
    [
        (2, 90, False, CONFORME, "2 séances hebdomadaires de 1 h 30 : au moins deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (3, 120, False, CONFORME, "3 séances hebdomadaires de 2 h : au moins deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (2, 89, False, A_VERIFIER, "2 séances hebdomadaires de 1 h 29 : il faut deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (1, 90, False, A_VERIFIER, "1 séance hebdomadaire de 1 h 30 : il faut deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (1, 120, False, A_VERIFIER, "1 séance hebdomadaire de 2 h : il faut deux séances de 1 h 30 par semaine ; une seule séance de 2 h n'est acceptée qu'en milieu rural.", SOURCE_SESSIONS),
        (0, 0, False, A_VERIFIER, "Aucune séance hebdomadaire : il faut deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (2, 90, True, CONFORME, "2 séances hebdomadaires de 1 h 30 : au moins deux séances de 1 h 30 par semaine.", SOURCE_SESSIONS),
        (1, 120, True, CONFORME, "1 séance hebdomadaire de 2 h : accepté en milieu rural (une séance hebdomadaire de 2 h au moins).", SOURCE_SESSIONS_RURAL),
        (1, 150, True, CONFORME, "1 séance hebdomadaire de 2 h 30 : accepté en milieu rural (une séance hebdomadaire de 2 h au moins).", SOURCE_SESSIONS_RURAL),
        (1, 119, True, A_VERIFIER, "1 séance hebdomadaire de 1 h 59 : il faut deux séances de 1 h 30 par semaine, ou en milieu rural une séance de 2 h consécutives au moins.", SOURCE_SESSIONS_RURAL),
        (2, 60, True, A_VERIFIER, "2 séances hebdomadaires de 1 h : il faut deux séances de 1 h 30 par semaine, ou en milieu rural une séance de 2 h consécutives au moins.", SOURCE_SESSIONS_RURAL),
    ],
)
def test_sessions(sessions, minutes, rural, status, reason, source):
    result = sessions_rule(sessions, minutes, rural=rural)
    assert (result.status, result.reason, result.source) == (status, reason, source)


@pytest.mark.parametrize(
    ("planned", "available", "status", "reason"),
    [
        (27, None, CONFORME, "27 semaines prévues : au moins 27 semaines de fonctionnement."),
        (26, None, A_VERIFIER, "26 semaines prévues : l'action doit fonctionner 27 semaines dans l'année."),
        (27, 28, CONFORME, "27 semaines prévues : au moins 27 semaines de fonctionnement."),
        (27, 27, CONFORME, "27 semaines prévues : au moins 27 semaines de fonctionnement."),
        (27, 26, A_VERIFIER, "27 semaines prévues, mais l'année ne compte que 26 semaines d'école entre la rentrée de la Toussaint et le 15 juin : précisez quand auront lieu les autres séances."),
        (20, 26, A_VERIFIER, "20 semaines prévues : l'action doit fonctionner 27 semaines dans l'année."),
        (1, None, A_VERIFIER, "1 semaine prévue : l'action doit fonctionner 27 semaines dans l'année."),
    ],
)
def test_planned_weeks(planned, available, status, reason):
    result = weeks_rule(planned, available_weeks=available)
    assert (result.status, result.reason) == (status, reason)


@pytest.mark.parametrize(
    ("available", "status", "reason"),
    [
        (28, CONFORME, "En 2026-2027, la période d'activité préconisée (de la rentrée de la Toussaint au 15 juin) compte 28 semaines d'école."),
        (27, CONFORME, "En 2026-2027, la période d'activité préconisée (de la rentrée de la Toussaint au 15 juin) compte 27 semaines d'école."),
        (26, A_VERIFIER, "En 2026-2027, la période d'activité préconisée (de la rentrée de la Toussaint au 15 juin) ne compte que 26 semaines d'école : 27 semaines de fonctionnement obligent à commencer plus tôt ou à poursuivre pendant des vacances."),
    ],
)
def test_school_weeks_available_in_the_year(available, status, reason):
    result = school_weeks_rule(available, school_year="2026-2027")
    assert (result.status, result.reason, result.source) == (status, reason, SOURCE_PERIOD)


@pytest.mark.parametrize(
    ("collectif", "rural", "statuses"),
    [
        (dict(children_count=10, animateurs_count=2, weekly_sessions=2, session_minutes=90, planned_weeks=27), False,
         [CONFORME] * 4),
        (dict(children_count=6, animateurs_count=1, weekly_sessions=1, session_minutes=120, planned_weeks=27), True,
         [CONFORME] * 4),
        (dict(children_count=6, animateurs_count=1, weekly_sessions=1, session_minutes=120, planned_weeks=27), False,
         [A_VERIFIER, A_VERIFIER, A_VERIFIER, CONFORME]),
        (dict(children_count=14, animateurs_count=2, weekly_sessions=2, session_minutes=90, planned_weeks=25), True,
         [A_VERIFIER, CONFORME, CONFORME, A_VERIFIER]),
    ],
)
def test_collectif_warnings_runs_every_rule_in_order(collectif, rural, statuses):
    results = collectif_warnings(SimpleNamespace(**collectif), rural=rural, available_weeks=28)
    assert [r.code for r in results] == ["children", "animateurs", "sessions", "weeks"]
    assert [r.status for r in results] == statuses
    assert all(r.tone == ("ok" if r.is_conforme else "warn") for r in results)


@pytest.mark.parametrize(("minutes", "text"), [(90, "1 h 30"), (120, "2 h"), (45, "45 min"), (65, "1 h 05"), (0, "0 min")])
def test_durations_are_written_the_french_way(minutes, text):
    assert duration_fr(minutes) == text


def test_school_weeks_name_the_window_when_given():
    result = school_weeks_rule(26, school_year="2027-2028", window=(date(2027, 11, 8), date(2028, 6, 15)))
    assert result.reason.startswith(
        "En 2027-2028, la période d'activité préconisée, du lundi 8 novembre 2027 au jeudi 15 juin 2028, "
        "ne compte que 26 semaines d'école"
    )
