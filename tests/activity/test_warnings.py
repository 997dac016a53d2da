"""The referential's collectif rules read against the year's figures: warnings that quote their
rule, with the rural exceptions, and that never block a save."""

from __future__ import annotations

from clas_local.activity import rules
from clas_local.projects.rules import SOURCE_ANIMATEURS, SOURCE_CHILDREN, SOURCE_SESSIONS
from tests.activity.conftest import VALID, url
from tests.conftest import page_text, post

# 30 children in 3 collectifs, 6 intervenants, 2 sessions a week over 28 weeks: every rule met.
GOOD = {"children_elementaire": 24, "children_college": 6, "children_lycee": 0, "collectifs_count": 3,
        "sessions_held": 168, "weeks_run": 28, "paid_intervenants": 4, "volunteer_intervenants": 2,
        "parent_actions": 5}  # fmt: skip


def _codes(figures, rural=False):
    return [result.code for result in rules.warnings(figures, rural=rural)]


def test_a_year_that_meets_every_rule_has_no_warning():
    assert rules.warnings(GOOD, rural=False) == []


def test_nothing_entered_warns_of_nothing():
    assert rules.warnings({}, rural=False) == []


def test_children_per_collectif_outside_8_to_12():
    crowded = rules.warnings({**GOOD, "children_elementaire": 34}, rural=False)[0]  # 40 for 3: 13,3
    assert crowded.code == "children" and crowded.source == SOURCE_CHILDREN
    assert crowded.reason == ("40 enfants inscrits pour 3 collectifs, soit 13,3 enfants par collectif en moyenne : "
                              "un collectif compte 12 enfants au plus.")  # fmt: skip
    small = {**GOOD, "children_elementaire": 12, "children_college": 6}  # 18 for 3: 6
    assert _codes(small) == ["children"]
    assert "5 au moins n'est accepté qu'en milieu rural" in rules.warnings(small, rural=False)[0].reason
    # Rural: 5 at least is accepted, so is 1 intervenant for each collectif of fewer than 8 children.
    assert _codes({**small, "paid_intervenants": 3, "volunteer_intervenants": 0}, rural=True) == []
    assert _codes({**small, "children_elementaire": 6, "children_college": 6}, rural=True) == ["children"]  # 4 each


def test_fewer_than_27_weeks():
    result = rules.warnings({**GOOD, "weeks_run": 20, "sessions_held": 120}, rural=False)
    assert [r.code for r in result] == ["weeks"]
    assert result[0].reason == "20 semaines de fonctionnement : l'action doit fonctionner 27 semaines dans l'année."
    assert result[0].source == SOURCE_SESSIONS


def test_fewer_than_2_intervenants_per_collectif():
    result = rules.warnings({**GOOD, "paid_intervenants": 3, "volunteer_intervenants": 1}, rural=False)
    assert [r.code for r in result] == ["intervenants"]
    assert result[0].reason == ("4 intervenants pour 3 collectifs, soit 1,3 par collectif en moyenne : "
                                "chaque collectif est encadré par 2 intervenants.")  # fmt: skip
    assert result[0].source == SOURCE_ANIMATEURS
    # Rural, but collectifs of 10: one intervenant each is not enough.
    assert _codes({**GOOD, "paid_intervenants": 3, "volunteer_intervenants": 0}, rural=True) == ["intervenants"]


def test_sessions_below_two_a_week_per_collectif():
    result = rules.warnings({**GOOD, "sessions_held": 100}, rural=False)
    assert [r.code for r in result] == ["sessions"]
    assert result[0].reason == ("100 séances tenues en 28 semaines pour 3 collectifs : moins de deux séances "
                                "par semaine et par collectif (168 attendues).")  # fmt: skip
    # Rural: one weekly session (of 2 hours) can be accepted.
    assert _codes({**GOOD, "sessions_held": 84}, rural=True) == []
    assert _codes({**GOOD, "sessions_held": 83}, rural=True) == ["sessions"]


def test_warnings_are_shown_with_their_rule_and_do_not_block(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    response = post(client, url(project), {**VALID, "weeks_run": "20", "sessions_held": "120"})
    assert response.status_code == 303
    page = page_text(client.get(url(project)))
    assert "20 semaines de fonctionnement : l'action doit fonctionner 27 semaines dans l'année." in page
    assert f"<blockquote lang=\"fr\">« {SOURCE_SESSIONS} »</blockquote>" in page
    project_page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "1 point à vérifier au regard du référentiel." in project_page


def test_conforme_is_said_only_once_every_figure_the_rules_need_is_entered(client, login_as, project):
    assert rules.checkable(GOOD)
    assert not rules.checkable({**GOOD, "sessions_held": None})
    assert not rules.checkable({**GOOD, "paid_intervenants": None, "volunteer_intervenants": None})
    login_as("porteur", partner=project.porteur)
    post(client, url(project), {"children_elementaire": "24", "collectifs_count": "3"})
    page = page_text(client.get(url(project)))
    assert "à compléter</span> Les règles du référentiel sur les collectifs se vérifient une fois saisis" in page
    assert "respectent les règles du référentiel" not in page
    post(client, url(project), VALID)
    page = page_text(client.get(url(project)))
    assert "conforme</span> Les chiffres de l'année respectent les règles du référentiel sur les collectifs." in page


def test_an_empty_bilan_is_one_with_no_figure_and_no_heading():
    """The one definition of « not entered » (the renewals' « lacks last year's bilan » may read it)."""
    assert rules.is_empty({}, {})
    assert rules.is_empty(dict.fromkeys(GOOD), {"bilan_outlook": ""})
    assert not rules.is_empty({**dict.fromkeys(GOOD), "weeks_run": 0}, {})  # 0 is a figure
    assert not rules.is_empty({}, {"bilan_outlook": "Un collectif de plus."})
