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
    assert "en 2025-2026 : présent à 2 comités locaux sur 2 tenus" in blosne.evidence[0].reason

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


def test_demo_current_year_shows_every_state_of_a_key_moment_and_of_an_obligation(app):
    """The demo's 2026-2027 projects, read on a late-November day: every key moment state
    (held, planned, to complete, to plan) and every obligation status appear at least once."""
    from datetime import date

    from clas_local.compliance.rules import key_moment
    from clas_local.meetings.models import KEY_MOMENTS, MomentState

    seed_demo()
    db.session.commit()
    # The demo committee's projects (the demo's second committee, of the same département, has its own).
    projects = db.session.scalars(
        select(Project).where(Project.school_year == "2026-2027", Project.committee.has(slug="demo"))
    ).all()
    facts = load_facts(projects[0].committee, projects, today=date(2026, 11, 29))
    states = {key_moment(item.meetings, kind, item.today).state for item in facts.values() for kind in KEY_MOMENTS}
    assert states == set(MomentState)
    statuses = {check.status for item in facts.values() for check in evaluate(item).checks}
    assert {Status.MET, Status.PARTLY, Status.MISSING} <= statuses
    orientation = {item.name.split(" – ")[0]: evaluate(item).get("orientation").status for item in facts.values()}
    assert orientation == {"Clas du Blosne": Status.MET, "Clas Maurepas": Status.PARTLY, "Clas rural du Verger": Status.MISSING}
    evidence = [evaluate(item).evidence[0].reason for item in facts.values()]
    assert any("instance de concertation" in reason for reason in evidence)
