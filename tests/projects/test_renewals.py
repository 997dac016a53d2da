"""Which projects are due for renewal, which lack last year's bilan: the function and the committee's page."""

from __future__ import annotations

from datetime import date

import pytest

from clas_local.activity.models import ActivityFigures
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import CafStatus, FinancingKind, ProjectFinancing
from clas_local.projects.renewals import BILAN, RENEWAL, renewals
from tests.conftest import count_queries, page_text

UNDER_WAY = date(2026, 11, 30)  # 2026-2027 has begun
BEFORE = date(2026, 8, 20)  # still 2025-2026


@pytest.fixture
def line(make_project, porteur_org):
    """A project in its second year (2026-2027), reconducted from 2025-2026."""

    def make(name: str, **overrides):
        first = make_project(porteur=porteur_org, name=name, school_year="2025-2026")
        second = make_project(porteur=porteur_org, name=name, school_year="2026-2027", previous_project_id=first.id,
                              first_project_id=first.id, **overrides)  # fmt: skip
        return first, second

    return make


def _financing(first, kind, first_year, last_year):
    db.session.add(ProjectFinancing(line_project_id=first.id, kind=kind, first_year=first_year, last_year=last_year))
    db.session.commit()


def _figures(project, **values):
    db.session.add(ActivityFigures(project=project, **values))
    db.session.commit()


def _reasons(committee, kind, today=UNDER_WAY, year="2026-2027"):
    return {row.project_name: row.reason for row in renewals([committee.id], year, today) if row.kind == kind}


def test_a_multi_year_financing_ending_this_year_is_due(committee, line):
    ending, _ = line("Clas du Blosne")
    lasting, _ = line("Clas Maurepas")
    _financing(ending, FinancingKind.COF, "2023-2024", "2026-2027")
    _financing(lasting, FinancingKind.AGREMENT, "2025-2026", "2028-2029")
    due = _reasons(committee, RENEWAL)
    assert due == {"Clas du Blosne": ("Convention d'objectifs et de financement – COF (4 ans au plus) : la période "
                                      "2023-2024 – 2026-2027 se termine cette année ; aucun financement n'est encore "
                                      "enregistré pour 2027-2028.")}  # fmt: skip
    # Even before the year is under way: a period's end is known in advance.
    assert set(_reasons(committee, RENEWAL, today=BEFORE)) == {"Clas du Blosne"}


def test_a_renewed_period_is_no_longer_due(committee, line):
    first, _ = line("Clas du Blosne")
    _financing(first, FinancingKind.COF, "2023-2024", "2026-2027")
    _financing(first, FinancingKind.COF, "2027-2028", "2030-2031")
    assert _reasons(committee, RENEWAL) == {}


def test_an_annual_financing_without_next_years_decision_is_due_once_the_year_is_under_way(committee, line,
                                                                                         make_project, porteur_org):  # fmt: skip
    first, second = line("Clas rural du Verger")
    _financing(first, FinancingKind.ANNUAL, "2026-2027", "2026-2027")
    assert _reasons(committee, RENEWAL) == {
        "Clas rural du Verger": "Financement annuel : aucune décision de la CAF pour 2027-2028."}
    assert _reasons(committee, RENEWAL, today=BEFORE) == {}
    # A next year reconducted but without decision: still due; once deposited: no longer.
    third = make_project(porteur=porteur_org, name="Clas rural du Verger", school_year="2027-2028",
                         previous_project_id=second.id, first_project_id=first.id)  # fmt: skip
    assert set(_reasons(committee, RENEWAL)) == {"Clas rural du Verger"}
    third.caf_status, third.caf_deposited_on = CafStatus.DEPOSITED, date(2027, 6, 1)
    db.session.commit()
    assert _reasons(committee, RENEWAL) == {}


def test_no_financing_recorded_counts_as_annual(committee, make_project, porteur_org):
    make_project(porteur=porteur_org, name="Clas sans financement", school_year="2026-2027")
    assert _reasons(committee, RENEWAL) == {
        "Clas sans financement": "Financement non renseigné (annuel par défaut) : aucune décision de la CAF pour 2027-2028."}


def test_last_years_bilan_missing_or_empty_is_listed_and_a_filled_one_is_not(committee, line):
    missing, _ = line("Clas sans bilan")
    empty, _ = line("Clas au bilan vide")
    filled, _ = line("Clas au bilan saisi")
    qualitative, _ = line("Clas au bilan qualitatif")
    _figures(empty)
    _figures(filled, children_elementaire=12, sessions_held=50)
    _figures(qualitative, bilan_children="Les enfants lisent davantage.")
    rows = [row for row in renewals([committee.id], "2026-2027", UNDER_WAY) if row.kind == BILAN]
    assert {row.project_name: row.reason for row in rows} == {
        "Clas sans bilan": "Bilan 2025-2026 non saisi : aucun chiffre ni bilan qualitatif.",
        "Clas au bilan vide": "Bilan 2025-2026 vide : ni chiffre ni bilan qualitatif renseigné.",
    }
    assert {row.previous_project_id for row in rows} == {missing.id, empty.id}


def test_a_first_year_lacks_no_bilan(committee, make_project, porteur_org):
    make_project(porteur=porteur_org, name="Clas tout neuf", school_year="2026-2027")
    assert _reasons(committee, BILAN) == {}


def test_other_committees_and_years_are_left_out(committee, make_committee, make_project, make_partner, line):
    line("Clas du Blosne")
    other = make_committee(slug="brest")
    make_project(committee=other, porteur=make_partner(PartnerKind.ASSOCIATION, committee=other),
                 name="Clas brestois", school_year="2026-2027")  # fmt: skip
    assert {row.project_name for row in renewals([committee.id], "2026-2027", UNDER_WAY)} == {"Clas du Blosne"}
    both = renewals([committee.id, other.id], "2026-2027", UNDER_WAY)
    assert {(row.committee_slug, row.project_name) for row in both} >= {("rennes", "Clas du Blosne"),
                                                                        ("brest", "Clas brestois")}  # fmt: skip
    assert renewals([], "2026-2027") == []


def test_the_function_runs_a_few_queries_whatever_the_number_of_projects(app, committee, line):
    for n in range(2):
        line(f"Clas {n}")
    committee_id = committee.id
    with count_queries() as few:
        renewals([committee_id], "2026-2027", UNDER_WAY)
    for n in range(2, 12):
        first, _ = line(f"Clas {n}")
        _financing(first, FinancingKind.ANNUAL, "2026-2027", "2026-2027")
        _figures(first)
    committee_id = committee.id
    with count_queries() as many:
        rows = renewals([committee_id], "2026-2027", UNDER_WAY)
    assert len(rows) == 24  # 12 due, 12 lacking their bilan
    assert len(few) == len(many) == 1


def test_the_committee_page_lists_both(client, login_as, committee, line):
    first, _ = line("Clas du Blosne")
    _financing(first, FinancingKind.COF, "2023-2024", "2026-2027")
    login_as("viewer")
    response = client.get("/c/rennes/renouvellements?school_year=2026-2027")
    page = page_text(response)
    assert response.status_code == 200
    assert page.count("<h1>") == 1 and "<h1>Renouvellements et bilans</h1>" in page
    assert "la période 2023-2024 – 2026-2027 se termine cette année" in page
    assert "Bilan 2025-2026 non saisi" in page
    assert f'href="/c/rennes/projects/{first.id}"' in page  # where to enter the missing bilan
    assert "Renouvellements et bilans de l'année précédente" in page_text(client.get("/c/rennes/dashboard"))


@pytest.mark.parametrize(("role", "status"), [("porteur", 403), ("school", 403)])
def test_porteurs_and_schools_do_not_see_the_page(client, login_as, role, status):
    login_as(role)
    assert client.get("/c/rennes/renouvellements").status_code == status
