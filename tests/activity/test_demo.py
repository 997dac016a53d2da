"""The demo's « Bilans d'activité »: past years complete, the current year partly entered."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS, ActivityFigures
from clas_local.auth.models import User
from clas_local.committees.models import Committee
from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.projects.models import Project
from clas_local.school_year import current_school_year
from tests.conftest import page_text
from tests.factories import sign_in


def test_every_past_project_has_its_bilan_and_the_current_year_is_partly_entered(app, client):
    seed_demo()
    db.session.commit()
    seed_demo()  # idempotent: nothing added the second time
    db.session.commit()
    # The demo committee's projects (the second committee of its département has its own figures).
    projects = db.session.scalars(
        select(Project).join(Committee).where(Committee.slug == "demo").order_by(Project.school_year, Project.id)
    ).all()
    figures = {row.project_id: row for row in db.session.scalars(select(ActivityFigures))}
    current = current_school_year(projects[0].committee)
    past = [project for project in projects if project.school_year < current]
    assert past
    for project in past:
        row = figures[project.id]
        assert all(getattr(row, name) is not None for name in COUNT_FIELDS), project.name
        assert all(getattr(row, name) for name in QUALITATIVE_FIELDS), project.name
    this_year = [project for project in projects if project.school_year == current]
    entered = [figures[project.id] for project in this_year if project.id in figures]
    assert this_year and len(entered) == len(this_year)  # every demo project has its figures
    assert all(row.weeks_run is None and row.children_elementaire is not None for row in entered)
    # One past project ran 26 weeks: its page warns, quoting the referential.
    late = next(project for project in past if figures[project.id].weeks_run == 26)
    sign_in(client, db.session.scalar(select(User).where(User.email == "caf@demo.clas-local.fr")))
    page = page_text(client.get(f"/c/demo/projects/{late.id}/activity"))
    assert "26 semaines de fonctionnement : l'action doit fonctionner 27 semaines dans l'année." in page
    bilan = page_text(client.get(f"/c/demo/bilan?school_year={late.school_year}"))
    assert "(3 projets sur 3 l'ont saisi)" in bilan
