"""The committee's annual bilan: page, HTMX fragment and CSV."""

from __future__ import annotations

import csv
import io

import pytest

from clas_local.extensions import db
from tests.compliance import builders
from tests.conftest import count_queries, htmx_get, page_text

URL = "/c/rennes/bilan?school_year=2026-2027"


@pytest.fixture
def year(committee):
    first = builders.project_year(committee, name="Clas du Blosne")
    second = builders.project_year(committee, name="=Clas Maurepas", with_bilan=False, comite=first["comite"],
                                   education_nationale=first["education_nationale"])  # fmt: skip
    db.session.commit()
    return first, second


@pytest.mark.parametrize(("role", "status"), [("host", 200), ("viewer", 200), ("porteur", 403), ("school", 403)])
def test_bilan_is_for_hosts_and_viewers(client, login_as, committee, role, status):
    login_as(role)
    assert client.get(URL).status_code == status
    assert client.get(URL.replace("bilan", "bilan.csv")).status_code == status


def test_bilan_of_another_committee_is_404(client, login_as, make_committee):
    make_committee(slug="brest")
    login_as("viewer")
    assert client.get("/c/brest/bilan").status_code == 404
    assert client.get("/c/brest/bilan.csv").status_code == 404


def test_bilan_page_counts_meetings_schools_partners_and_education_nationale(client, login_as, year):
    login_as("viewer")
    page = page_text(client.get(URL))
    assert "<h1>Bilan annuel de la concertation</h1>" in page
    blosne = page.split("Clas du Blosne<br>")[1].split("</tr>")[0]
    cells = [cell.split("</td>")[0].strip() for cell in blosne.split("<td>")[1:]]
    # diagnostic, lancement, suivi, bilan, autre, total, schools, partners, EN meetings, comités with porteur
    assert cells[:10] == ["1", "0", "1", "1", "0", "3", "2 / 2", "1", "1", "1 / 1"]
    # The key moments in the project page's and the dashboard's words: never « manquante ».
    assert cells[10] == ("<ul class=\"plain\"><li>Diagnostic : Tenue</li><li>Lancement : À planifier</li>"
                         "<li>Suivi : Tenue</li><li>Bilan : Tenue</li></ul>")  # fmt: skip
    total = page.split("<tfoot>")[1]
    assert "<td>5</td>" in total  # 3 + 2 held meetings
    assert "<dt>Comités locaux avec l'Éducation nationale</dt><dd>1 sur 1</dd>" in page


def test_bilan_fragment_for_htmx(client, login_as, year):
    login_as("host")
    response = htmx_get(client, URL)
    text = page_text(response)
    assert 'id="bilan-annuel"' in text and "<h1>" not in text


def test_bilan_csv_has_totals_and_escapes_formulas(client, login_as, year):
    login_as("host")
    response = client.get("/c/rennes/bilan.csv?school_year=2026-2027")
    assert response.mimetype == "text/csv"
    assert "bilan-annuel-rennes-2026-2027.csv" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Projet", "Porteur", "Milieu"]
    by_name = {row[0]: row for row in rows[1:] if row}
    assert by_name["Clas du Blosne"][3:13] == ["1", "0", "1", "1", "0", "3", "2", "2", "1", "1"]
    assert rows[0][14:18] == ["Moment clé : diagnostic", "Moment clé : lancement", "Moment clé : suivi", "Moment clé : bilan"]
    assert by_name["Clas du Blosne"][14:18] == ["Tenue", "À planifier", "Tenue", "Tenue"]
    assert "'=Clas Maurepas" in by_name  # a formula is never handed to the spreadsheet
    assert by_name["Total"][1] == "2 projets"
    assert by_name["Total"][8] == "5"
    assert by_name["Comités locaux tenus"][1] == "1"
    assert by_name["Comités locaux avec l'Éducation nationale"][1] == "1"


def test_bilan_queries_do_not_grow_with_projects(client, login_as, committee):
    login_as("viewer")
    first = builders.project_year(committee, name="Projet 0")
    with count_queries() as one:
        client.get(URL)
    for n in range(1, 6):
        builders.project_year(committee, name=f"Projet {n}", comite=first["comite"],
                              education_nationale=first["education_nationale"])  # fmt: skip
    db.session.commit()
    with count_queries() as six:
        client.get(URL)
    assert len(one) == len(six)
