"""The « Bilan d'activité » in the project's dossier (page, PDF, whose cached version follows
the figures) and in the committee's annual bilan (page, CSV with totals)."""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import joinedload

import clas_local.panels
from clas_local.activity.models import COUNT_FIELDS, ActivityFigures
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import ProjectSchool
from tests.activity.conftest import VALID, url
from tests.conftest import count_queries, page_text, post
from tests.dossier.test_dossier import pdf_text

BILAN = "/c/rennes/bilan?school_year=2026-2027"


def test_the_dossier_page_shows_the_figures_warnings_and_qualitative_bilan(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    post(client, url(project), {**VALID, "weeks_run": "20", "sessions_held": "120", "bilan_outlook": ""})
    project.schools[0].oriented_children_count = 7
    project.schools[1].oriented_children_count = 5
    db.session.commit()
    page = page_text(client.get(f"/c/rennes/projects/{project.id}/dossier"))
    section = page.split('<h2 id="bilan-activite">Bilan d\'activité</h2>')[1].split('<h2 id="reunions">')[0]
    assert "<caption>Chiffres de l'activité 2026-2027 déclarés par le porteur" in section
    assert '<tr><th scope="row">Semaines de fonctionnement</th><td>20</td></tr>' in section
    assert '<tr class="subtotal"><th scope="row">Enfants et jeunes inscrits (total)</th><td>30</td></tr>' in section
    assert '<tr><th scope="row">Enfants orientés par les écoles</th><td>12</td></tr>' in section  # 7 + 5
    assert "20 semaines de fonctionnement : l'action doit fonctionner 27 semaines dans l'année." in section
    assert "<h4>Progrès des enfants et des jeunes</h4>\n<div class=\"minutes\">Plus de confiance à l'oral.</div>" in section
    assert "<h4>Perspectives</h4>\n<p class=\"empty\">Non renseigné.</p>" in section


def test_the_dossier_pdf_shows_the_bilan_and_changes_when_the_figures_do(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    post(client, url(project), VALID)
    pdf = f"/c/rennes/projects/{project.id}/dossier.pdf"
    first = client.get(pdf)
    text = pdf_text(first)
    assert "Bilan d'activité" in text and "Semaines de fonctionnement 28" in text
    assert "Un collectif de plus à la rentrée." in text
    assert client.get(pdf).headers["ETag"] == first.headers["ETag"]  # unchanged: the cached version
    post(client, url(project), {**VALID, "weeks_run": "31", "bilan_outlook": "Deux collectifs de plus."})
    second = client.get(pdf)
    assert second.headers["ETag"] != first.headers["ETag"]
    text = pdf_text(second)
    assert "Semaines de fonctionnement 31" in text and "Deux collectifs de plus." in text
    assert "Semaines de fonctionnement 28" not in text


def test_a_school_s_orientation_count_changes_the_dossier_pdf(client, login_as, project):
    login_as("porteur", partner=project.porteur)
    pdf = f"/c/rennes/projects/{project.id}/dossier.pdf"
    first = client.get(pdf)
    link = project.schools[0]
    response = post(client, f"/c/rennes/projects/{project.id}/schools/{link.id}/orientation",
                    {f"orientation-{link.id}-oriented_children_count": "9"})  # fmt: skip
    assert response.status_code == 303
    second = client.get(pdf)
    assert second.headers["ETag"] != first.headers["ETag"]
    assert "Enfants orientés par les écoles 9" in pdf_text(second)


def _year(make_project, make_partner):
    """Three projects of 2026-2027: two with figures (one partly entered), one without; schools' orientations."""
    school = make_partner(PartnerKind.ECOLE, name="École Volga")
    blosne = make_project(name="Clas du Blosne", schools=(school,))
    maurepas = make_project(name="Clas Maurepas", schools=(make_partner(PartnerKind.ECOLE, name="École Trégain"),))
    make_project(name="Clas Villejean")
    make_project(name="Clas d'une autre année", school_year="2025-2026")
    db.session.add_all([
        ActivityFigures(project=blosne, children_elementaire=24, children_college=6, children_lycee=0,
                        collectifs_count=3, sessions_held=168, weeks_run=28, paid_intervenants=4,
                        volunteer_intervenants=2, parent_actions=5),
        ActivityFigures(project=maurepas, children_elementaire=11, collectifs_count=1, weeks_run=27,
                        volunteer_intervenants=3),
    ])  # fmt: skip
    blosne.schools[0].oriented_children_count = 8
    maurepas.schools[0].oriented_children_count = 4
    db.session.commit()
    return blosne, maurepas


def test_the_bilan_csv_totals_are_the_sum_of_the_projects_figures(client, login_as, make_project, make_partner):
    _year(make_project, make_partner)
    login_as("viewer")
    response = client.get(BILAN.replace("bilan", "bilan.csv"))
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    labels = [*COUNT_FIELDS.values(), "Enfants et jeunes inscrits (total)", "Enfants orientés par les écoles"]
    assert header[-len(labels):] == labels
    columns = [header.index(label) for label in labels]
    projects = [row for row in rows[1:] if row and row[0].startswith("Clas")]
    assert sorted(row[0] for row in projects) == ["Clas Maurepas", "Clas Villejean", "Clas du Blosne"]
    by_name = {row[0]: row for row in projects}
    # A figure not entered is an empty cell, never 0.
    assert [by_name["Clas Villejean"][c] for c in columns] == [""] * len(labels)
    assert by_name["Clas Maurepas"][header.index("Jeunes inscrits au collège")] == ""
    # The totals, recomputed here from the projects' rows.
    total = next(row for row in rows if row and row[0] == "Total")
    for column in columns:
        expected = sum(int(row[column]) for row in projects if row[column] != "")
        assert int(total[column]) == expected, header[column]
    # And against the figures themselves.
    assert int(total[header.index("Enfants inscrits en élémentaire")]) == 24 + 11
    assert int(total[header.index("Enfants et jeunes inscrits (total)")]) == 30 + 11
    assert int(total[header.index("Enfants orientés par les écoles")]) == 8 + 4
    assert int(total[header.index("Séances tenues")]) == 168
    assert next(row for row in rows if row and row[0] == "Projets ayant saisi leur bilan d'activité")[1] == "2"


def test_the_bilan_page_shows_each_project_s_figures_and_totals(client, login_as, make_project, make_partner):
    _year(make_project, make_partner)
    login_as("host")
    page = page_text(client.get(BILAN))
    table = page.split('<h2 id="bilan-activite">Activité des projets</h2>')[1]
    assert "(2 projets sur 3 l'ont saisi)" in table
    assert "<caption>Activité 2026-2027 par projet" in table
    assert '<th scope="col">Séances tenues</th>' in table
    villejean = table.split('<th scope="row">Clas Villejean</th>')[1].split("</tr>")[0]
    assert villejean.count("non renseigné") == len(COUNT_FIELDS) + 2
    totals = table.split("<tfoot>")[1].split("</tfoot>")[0]
    cells = [cell.split("</td>")[0] for cell in totals.split("<td>")[1:]]
    assert cells == ["35", "6", "0", "4", "168", "55", "4", "5", "5", "41", "12"]


def test_the_activity_page_queries_do_not_grow_with_schools(client, login_as, project, make_partner, monkeypatch):
    monkeypatch.setattr(clas_local.panels, "panels", lambda slot, obj, user: [])
    login_as("porteur", partner=project.porteur)
    page_url = url(project)
    post(client, page_url, VALID)
    client.get(page_url)
    with count_queries() as few:
        assert client.get(page_url).status_code == 200
    for n in range(6):
        db.session.add(ProjectSchool(project=project, partner=make_partner(PartnerKind.ECOLE), oriented_children_count=n))
    db.session.commit()
    with count_queries() as many:
        page = page_text(client.get(page_url))
    assert page.count(" orientés le ") + page.count(" orienté le ") == 0 and "4 enfants orientés" in page
    assert len(few) == len(many) <= 8


def test_the_bilan_says_in_french_how_many_projects_entered_their_figures(client, login_as, make_project):
    blosne = make_project(name="Clas du Blosne")
    make_project(name="Clas Maurepas")
    login_as("viewer")
    assert "(aucun projet ne l'a encore saisi)" in page_text(client.get(BILAN))
    db.session.add(ActivityFigures(project=blosne, weeks_run=28))
    db.session.commit()
    assert "(1 projet sur 2 l'a saisi)" in page_text(client.get(BILAN))
