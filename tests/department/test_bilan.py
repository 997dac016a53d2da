"""The department's annual bilan of activity: every project's figures by committee and in total
(page and CSV), the totals equal to the sum of the projects' figures."""

from __future__ import annotations

import csv
import io
import random

from sqlalchemy import select

from clas_local.activity.models import COUNT_FIELDS, ActivityFigures
from clas_local.extensions import db
from clas_local.projects.models import Project
from tests.conftest import count_queries, page_text


def _rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_totals_are_the_sums_of_the_projects_figures(
    client, committee, make_committee, make_project, make_figures, login_department
):
    chance = random.Random(17)
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    brest = make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    for target in (committee, fougeres, brest):
        for n in range(3):
            project = make_project(committee=target, name=f"{target.slug} {n}")
            # Some counts left blank (not entered), one project without figures at all.
            if n < 2:
                make_figures(project, **{name: chance.choice([None, chance.randint(0, 60)]) for name in COUNT_FIELDS})
    make_figures(make_project(committee=committee, school_year="2025-2026"), children_elementaire=999)
    login_department()

    response = client.get("/d/35/bilan.csv?school_year=2026-2027")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == 'attachment; filename="bilan-departemental-35-2026-2027.csv"'
    rows = _rows(response)
    header = rows[0]
    columns = {label: header.index(label) for label in COUNT_FIELDS.values()}

    def expected(committees) -> dict[str, int]:
        """Recomputed from the stored figures, independently of the application's aggregation."""
        figures = db.session.scalars(
            select(ActivityFigures).join(Project, ActivityFigures.project_id == Project.id)
            .where(Project.committee_id.in_([c.id for c in committees]), Project.school_year == "2026-2027")
        ).all()
        return {label: sum(getattr(item, name) or 0 for item in figures) for name, label in COUNT_FIELDS.items()}

    by_first_cell = {row[0]: row for row in rows if row}
    for target in (committee, fougeres):
        row = by_first_cell[f"Total {target.name}"]
        assert row[1] == "3 projets" and row[3] == "2 sur 3"
        assert {label: int(row[i]) for label, i in columns.items()} == expected([target])
    total = by_first_cell["Total Ille-et-Vilaine (35)"]
    assert total[1] == "6 projets"
    assert {label: int(total[i]) for label, i in columns.items()} == expected([committee, fougeres])
    # The project rows: those of the département's committees only, those without figures marked.
    project_rows = [row for row in rows[1:] if row and not row[0].startswith("Total")]
    assert len(project_rows) == 6
    assert {row[0] for row in project_rows} == {committee.name, fougeres.name}
    assert sum(row[3] == "non" for row in project_rows) == 2


def test_the_bilan_page_shows_each_committee_and_the_total_with_a_year_selector(
    client, committee, make_committee, make_project, make_figures, login_department
):
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    make_figures(make_project(name="Clas du Blosne"), children_elementaire=12, children_college=3, sessions_held=40)
    make_figures(make_project(committee=fougeres, name="Clas du Bourg"), children_elementaire=7, sessions_held=25)
    make_figures(make_project(name="Clas 2025", school_year="2025-2026"), children_elementaire=50)
    login_department()
    page = page_text(client.get("/d/35/bilan"))
    assert "<h1>Bilan annuel de l'activité du Clas : Ille-et-Vilaine (35)</h1>" in page
    assert '<option value="2025-2026">2025-2026</option>' in page
    assert '<th scope="row">Total du département</th>\n        <td>2 (2)</td>\n        <td>22</td>' in page
    assert "Clas 2025" not in page
    last_year = page_text(client.get("/d/35/bilan?school_year=2025-2026"))
    assert "Clas 2025" in last_year and "Clas du Blosne" not in last_year


def test_the_bilan_queries_do_not_grow_with_the_committees(
    client, committee, make_committee, make_project, make_figures, login_department
):
    login_department()
    make_figures(make_project(), children_elementaire=3)
    client.get("/d/35/bilan.csv")
    with count_queries() as few:
        client.get("/d/35/bilan")
        client.get("/d/35/bilan.csv")
    for n in range(5):
        other = make_committee(departement_code="35")
        make_figures(make_project(committee=other), children_elementaire=n)
    with count_queries() as many:
        client.get("/d/35/bilan")
        assert "Total Ille-et-Vilaine (35)" in client.get("/d/35/bilan.csv").get_data().decode()
    assert len(few) == len(many)


def test_the_year_selector_swaps_the_bilan_as_a_fragment(client, committee, make_project, make_figures,
                                                         login_department):
    from tests.conftest import htmx_get

    make_figures(make_project(name="Clas 2025", school_year="2025-2026"), children_college=4)
    login_department()
    response = htmx_get(client, "/d/35/bilan?school_year=2025-2026")
    fragment = page_text(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert fragment.startswith('<div id="bilan-departemental">') and "<html" not in fragment
    assert "Clas 2025" in fragment
