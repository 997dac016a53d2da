"""Fixtures of the department tests: committees of Ille-et-Vilaine (35) and one of Finistère
(29), and department users."""

from __future__ import annotations

import pytest

from clas_local.activity.models import ActivityFigures
from clas_local.department.models import DepartmentAccess, DepartmentFunction
from clas_local.extensions import db
from tests.factories import sign_in


@pytest.fixture
def committee(make_committee):
    """The tests' default committee (rennes) lies in Ille-et-Vilaine."""
    return make_committee(slug="rennes", name="Comité local de Rennes", departement_code="35")


@pytest.fixture
def make_department_user(make_user):
    def make(code: str = "35", function: DepartmentFunction = DepartmentFunction.CAF, **fields):
        user = make_user(**fields)
        db.session.add(DepartmentAccess(user_id=user.id, departement_code=code, function=function))
        db.session.commit()
        return user

    return make


@pytest.fixture
def login_department(client, make_department_user):
    def login(code: str = "35", **fields):
        user = make_department_user(code, **fields)
        sign_in(client, user)
        return user

    return login


@pytest.fixture
def make_figures(app):
    def make(project, **counts) -> ActivityFigures:
        figures = ActivityFigures(project_id=project.id, **counts)
        db.session.add(figures)
        db.session.commit()
        return figures

    return make
