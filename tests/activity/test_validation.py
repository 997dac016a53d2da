"""Entering the « Bilan d'activité »: bad figures are refused in French with nothing saved;
empty fields are a draft, shown « non renseigné »; each save is in the audit log."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clas_local.activity.models import ActivityFigures
from clas_local.audit.models import AuditEvent
from clas_local.audit.queries import action_label
from clas_local.extensions import db
from tests.activity.conftest import VALID, url
from tests.conftest import page_text, post


def _figures(project) -> ActivityFigures | None:
    db.session.expire_all()
    return db.session.scalar(select(ActivityFigures).where(ActivityFigures.project_id == project.id))


@pytest.mark.parametrize(("field", "value", "message"), [
    ("children_elementaire", "-3", "Indiquez un nombre entre 0 et 2000, ou laissez vide s'il n'est pas encore connu."),
    ("children_college", "douze", "Indiquez un nombre entier en chiffres (par exemple 12), ou laissez vide s'il n'est pas encore connu."),
    ("sessions_held", "12,5", "Indiquez un nombre entier en chiffres (par exemple 12)"),
    ("weeks_run", "60", "Indiquez un nombre entre 0 et 53, ou laissez vide s'il n'est pas encore connu."),
    ("paid_intervenants", "100000", "Indiquez un nombre entre 0 et 500"),
    # 3 collectifs over 28 weeks: at most 3 × 28 × 14 = 1176 sessions.
    ("sessions_held", "1177", "1177 séances en 28 semaines pour 3 collectifs : c'est plus de 14 séances par semaine et par collectif (au plus 1176)."),
    ("collectifs_count", "31", "31 collectifs pour 30 enfants inscrits : un collectif réunit des enfants, il ne peut y avoir plus de collectifs que d'enfants."),
])  # fmt: skip
def test_bad_figures_are_refused_in_french_and_nothing_is_saved(client, login_as, project, field, value, message):
    login_as("porteur", partner=project.porteur)
    response = post(client, url(project), {**VALID, field: value})
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert f'id="{field}-error"' in text and "Le formulaire contient 1 erreur" in text
    error = text.split(f'id="{field}-error">')[1].split("</p>")[0]
    assert error.count("Erreur :") == 1, error  # one message, the one that says what is wrong
    assert _figures(project) is None
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action.like("activity.%"))) == 0


def test_a_refused_edit_leaves_the_saved_figures_as_they_were(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    assert post(client, url(project), VALID).status_code == 303
    response = post(client, url(project), {**VALID, "weeks_run": "54", "children_elementaire": "40"}, htmx=True)
    assert response.status_code == 422
    figures = _figures(project)
    assert (figures.weeks_run, figures.children_elementaire) == (28, 24)


def test_empty_fields_are_a_draft_shown_as_not_entered(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    response = post(client, url(project), {"children_elementaire": "18", "bilan_parents": "  Un café des parents.  "})
    assert response.status_code == 303
    figures = _figures(project)
    assert figures.children_elementaire == 18
    assert figures.weeks_run is None and figures.children_college is None  # not 0: not entered
    assert figures.bilan_parents == "Un café des parents."
    login_as("viewer")
    page = page_text(client.get(url(project)))
    assert '<tr><th scope="row">Semaines de fonctionnement</th><td><span class="muted">non renseigné</span></td></tr>' in page
    assert '<tr><th scope="row">Enfants inscrits en élémentaire</th><td>18</td></tr>' in page
    assert "<h3>Place des parents</h3>\n<div class=\"minutes\">Un café des parents.</div>" in page
    assert "<h3>Perspectives</h3>\n<p class=\"empty\">Non renseigné.</p>" in page


def test_french_thousands_spacing_is_accepted(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    assert post(client, url(project), {**VALID, "sessions_held": "1 008"}).status_code == 303
    assert _figures(project).sessions_held == 1008


def test_saves_are_in_the_journal_with_french_labels(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    post(client, url(project), VALID)
    post(client, url(project), {**VALID, "weeks_run": "30"})
    post(client, url(project), {**VALID, "weeks_run": "30"})  # nothing changed: nothing recorded
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("activity.%")).order_by(AuditEvent.id)
    ).all()
    assert [event.action for event in events] == ["activity.create", "activity.update"]
    assert events[1].details["changes"] == {"weeks_run": [28, 30]}
    assert events[1].summary == "Bilan d'activité modifié : Clas du Blosne (2026-2027)"
    assert action_label("activity.update") == "Bilans d'activité : modification"
    login_as("host")
    journal = page_text(client.get("/c/rennes/journal"))
    assert "Bilans d'activité : saisie" in journal and "Bilans d'activité : modification" in journal


def test_htmx_save_returns_the_section_with_its_notice(client, login_as, project):
    login_as("host")
    response = post(client, url(project), VALID, htmx=True)
    assert response.status_code == 200
    text = page_text(response)
    assert text.lstrip().startswith('<div id="bilan-activite">') and "<h1>" not in text
    assert "Le bilan d'activité est enregistré." in text
    assert _figures(project).collectifs_count == 3


def test_the_page_is_a_full_page_and_its_section_a_fragment_for_htmx(client, login_as, project):
    from tests.conftest import htmx_get

    login_as("viewer")
    full = client.get(url(project))
    assert "<h1>Bilan d'activité 2026-2027 – Clas du Blosne</h1>" in page_text(full)
    fragment = htmx_get(client, url(project))
    text = page_text(fragment)
    assert fragment.status_code == 200 and "<h1>" not in text
    assert text.lstrip().startswith('<div id="bilan-activite">')
    assert "HX-Request" in fragment.headers["Vary"]
