"""The demo's 2025-2026 year: one compliant project, one missing its bilan, one rural."""

from __future__ import annotations

from sqlalchemy import func, select

from clas_local.compliance.queries import load_facts
from clas_local.compliance.rules import Status, evaluate
from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.meetings.models import Meeting
from clas_local.projects.models import Project


def _year_checklists():
    projects = db.session.scalars(select(Project).where(Project.school_year == "2025-2026")).all()
    committee = projects[0].committee
    facts = load_facts(committee, projects)
    return {project.name.split(" – ")[0].split(" (")[0]: evaluate(facts[project.id]) for project in projects}


def test_demo_history_shows_the_three_cases_and_is_idempotent(app):
    seed_demo()
    db.session.commit()
    counts = (db.session.scalar(select(func.count(Project.id))), db.session.scalar(select(func.count(Meeting.id))))
    checklists = _year_checklists()
    assert set(checklists) == {"Clas du Blosne", "Clas Maurepas", "Clas rural du Verger"}

    blosne = checklists["Clas du Blosne"]
    assert [check.status for check in blosne.checks] == [Status.MET] * 5
    assert [check.status for check in blosne.evidence] == [Status.INFO]
    assert "a été noté présent à 2 sur 2 comités locaux tenus" in blosne.evidence[0].reason

    maurepas = checklists["Clas Maurepas"]
    assert maurepas.get("bilan").status is Status.MISSING
    assert maurepas.get("bilan").reason == "Aucune réunion de bilan n'est prévue ni tenue."
    assert [action.label for action in maurepas.next_actions] == ["Planifier la réunion de bilan"]

    verger = checklists["Clas rural du Verger"]
    assert verger.overall is Status.MET
    collectif = [check for check in verger.warnings if check.key.startswith("collectif-")]
    assert [check.status for check in collectif] == [Status.CONFORM] * 4
    assert "accepté en milieu rural" in " ".join(check.reason for check in collectif)

    seed_demo()
    db.session.commit()
    assert (db.session.scalar(select(func.count(Project.id))), db.session.scalar(select(func.count(Meeting.id)))) == counts
