"""The SQL twins of the view rules (clas_local/visibility.py) give, for every kind of visitor,
exactly the rows the Python rules of permissions.py allow: lists, searches and feeds show
what the pages behind them let open, no more and no less."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clas_local import permissions
from clas_local.auth.models import Membership, Role, User
from clas_local.extensions import db
from clas_local.meetings.models import Meeting
from clas_local.projects.models import Project
from clas_local.visibility import visible_meetings, visible_projects
from tests.security.world import ACTORS, build_world

# Members whose role needs an organisation they were never given: both rules must show them little.
WITHOUT_PARTNER = {"porteur_without_partner": Role.PORTEUR, "school_without_partner": Role.SCHOOL}


@pytest.fixture
def world(world_app):
    world = build_world()
    for key, role in WITHOUT_PARTNER.items():
        user = User(full_name=key, email=f"{key.replace('_', '-')}@exemple.fr")
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user=user, committee=world.committee, role=role, partner_id=None))
        world.users[key] = user
    db.session.commit()
    return world


def _ids(query) -> set[int]:
    return set(db.session.scalars(query))


@pytest.mark.parametrize("actor", ACTORS + tuple(WITHOUT_PARTNER))
def test_the_sql_twins_show_what_the_rules_allow(world, actor):
    user = world.users[actor]
    for committee in (world.committee, world.other_committee):
        projects = db.session.scalars(select(Project).where(Project.committee_id == committee.id)).all()
        meetings = db.session.scalars(select(Meeting).where(Meeting.committee_id == committee.id)).all()
        allowed_projects = {p.id for p in projects if permissions.can_view_project(user, p)}
        allowed_meetings = {m.id for m in meetings if permissions.can_view_meeting(user, m)}
        assert _ids(visible_projects(user, committee).with_only_columns(Project.id)) == allowed_projects
        assert _ids(visible_meetings(user, committee).with_only_columns(Meeting.id)) == allowed_meetings


def test_the_world_tells_the_visitors_apart(world):
    """The comparison above means something: the rules give different rows to different visitors."""
    committee = world.committee
    seen = {
        actor: _ids(visible_meetings(world.users[actor], committee).with_only_columns(Meeting.id))
        for actor in ("host_a", "porteur", "other_porteur", "school", "porteur_without_partner", "anonymous")
    }
    ids = world.ids
    assert seen["host_a"] == {ids["meeting"], ids["local_meeting"], ids["other_meeting"]}
    assert seen["porteur"] == {ids["meeting"], ids["local_meeting"]}
    assert seen["other_porteur"] == {ids["other_meeting"], ids["local_meeting"]}
    assert seen["school"] == {ids["meeting"]}
    assert seen["porteur_without_partner"] == {ids["local_meeting"]}
    assert seen["anonymous"] == set()
    porteur_projects = _ids(visible_projects(world.users["porteur"], committee).with_only_columns(Project.id))
    assert porteur_projects == {ids["project"]}


def test_the_department_user_sees_its_departements_committees_and_no_other(world):
    """Through its viewer membership of the moment: every row of Rennes (35), none of Brest (29);
    the user of 29 the other way round."""
    ids, rennes, brest = world.ids, world.committee, world.other_committee
    department, other = world.users["department"], world.users["other_department"]
    assert _ids(visible_meetings(department, rennes).with_only_columns(Meeting.id)) == {
        ids["meeting"], ids["local_meeting"], ids["other_meeting"]
    }
    assert _ids(visible_projects(department, rennes).with_only_columns(Project.id)) == {ids["project"], ids["other_project"]}
    assert _ids(visible_projects(other, rennes).with_only_columns(Project.id)) == set()
    assert _ids(visible_meetings(other, rennes).with_only_columns(Meeting.id)) == set()
    assert permissions.role(department, rennes) is Role.VIEWER and permissions.role(department, brest) is None
    assert permissions.role(other, brest) is Role.VIEWER and permissions.role(other, rennes) is None
    assert not permissions.can_edit_project(department, db.session.get(Project, ids["project"]))
    # The membership is of the moment: never added to the session, never saved.
    assert permissions.membership(department, rennes) not in db.session
    db.session.commit()
    assert db.session.scalar(select(Membership).where(Membership.user_id == department.id)) is None
