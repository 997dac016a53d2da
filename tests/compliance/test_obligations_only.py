"""The home page's to-do reads the obligations from their own meetings only (diagnostic, bilan):
the statuses, reasons and actions must be those the full facts give, on every demo project."""

from __future__ import annotations

from itertools import groupby

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clas_local.compliance.queries import load_facts
from clas_local.compliance.rules import OBLIGATION_MEETING_KINDS, evaluate
from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.projects.models import Project


def test_obligations_read_from_their_meetings_alone_are_those_of_the_full_facts(app):
    seed_demo()
    db.session.commit()
    projects = db.session.scalars(
        select(Project).options(joinedload(Project.porteur), joinedload(Project.committee))
        .order_by(Project.committee_id, Project.id)
    ).all()
    compared = left_out = 0
    for _committee_id, group in groupby(projects, key=lambda project: project.committee_id):
        group = list(group)
        committee = group[0].committee
        full = load_facts(committee, group, detail=False)
        alone = load_facts(committee, group, detail=False, obligations_only=True)
        for project in group:
            assert {meeting.kind for meeting in alone[project.id].meetings} <= set(OBLIGATION_MEETING_KINDS)
            assert not alone[project.id].comite_meetings
            left_out += len(full[project.id].meetings) - len(alone[project.id].meetings)
            expected = [(c.key, c.status, c.reason, c.action) for c in evaluate(full[project.id]).checks]
            assert [(c.key, c.status, c.reason, c.action) for c in evaluate(alone[project.id]).checks] == expected
            compared += 1
    assert compared >= 6 and left_out > 0, (compared, left_out)


def test_the_dashboard_s_facts_without_detail_give_the_checks_of_the_detailed_ones(app):
    """Without `detail` (dashboard, home, bilan) the invitations of meetings no rule asks about
    are not read: every check's status, reason and action stay those of the detailed facts."""
    seed_demo()
    db.session.commit()
    projects = db.session.scalars(
        select(Project).options(joinedload(Project.porteur), joinedload(Project.committee))
        .order_by(Project.committee_id, Project.id)
    ).all()
    compared = 0
    for _committee_id, group in groupby(projects, key=lambda project: project.committee_id):
        group = list(group)
        committee = group[0].committee
        detailed = load_facts(committee, group)
        summary = load_facts(committee, group, detail=False)
        for project in group:
            expected = [(c.key, c.status, c.reason, c.action) for c in evaluate(detailed[project.id]).checks]
            assert [(c.key, c.status, c.reason, c.action) for c in evaluate(summary[project.id]).checks] == expected
            assert [m.education_nationale_invited for m in summary[project.id].comite_meetings] == [
                m.education_nationale_invited for m in detailed[project.id].comite_meetings
            ]
            compared += 1
    assert compared >= 6
