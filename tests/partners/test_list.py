"""The directory list: search as you type (HTMX) and ?q= without JavaScript, filters, counts, pages."""

from __future__ import annotations

import csv
import io
import re

import pytest

from clas_local.partners.importer import import_schools
from clas_local.partners.models import EducationPrioritaire, PartnerKind
from clas_local.partners.services import refresh_search_text
from tests.conftest import count_queries, htmx_get, page_text


@pytest.fixture
def directory(app, committee, make_partner):
    """A small directory: names with accents, several kinds, a REP+ school."""

    def make(name, kind, **fields):
        partner = make_partner(kind, name=name, **fields)
        refresh_search_text(partner)
        return partner

    volga = make("École élémentaire Volga", PartnerKind.ECOLE, commune_name="Rennes",
                 education_prioritaire=EducationPrioritaire.REP_PLUS)  # fmt: skip
    make("École maternelle Clôteaux", PartnerKind.ECOLE, commune_name="Rennes")
    make("Collège Les Hautes-Ourmes", PartnerKind.COLLEGE, commune_name="Rennes",
         education_prioritaire=EducationPrioritaire.REP)  # fmt: skip
    make("Centre social Ty-Blosne", PartnerKind.CENTRE_SOCIAL, commune_name="Rennes")
    make("Accueil de loisirs du Verger", PartnerKind.ALSH, commune_name="Le Verger")
    from clas_local.extensions import db

    db.session.commit()
    return volga


def _names(response) -> list[str]:
    return re.findall(r'<a href="/c/rennes/partners/\d+">([^<]+)</a>', page_text(response))


def test_the_list_is_sorted_by_kind_then_name_with_counts_per_kind(client, login_as, directory):
    login_as("viewer")
    response = client.get("/c/rennes/partners")
    page = page_text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "Annuaire des partenaires" in page
    assert _names(response) == [
        "École élémentaire Volga", "École maternelle Clôteaux", "Collège Les Hautes-Ourmes",
        "Centre social Ty-Blosne", "Accueil de loisirs du Verger",
    ]  # fmt: skip
    assert "5 partenaires" in page
    assert "École : 2" in page and "Collège : 1" in page and "Accueil de loisirs (ALSH) : 1" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ecole", ["École élémentaire Volga", "École maternelle Clôteaux"]),  # accents do not matter
        ("CLOTEAUX", ["École maternelle Clôteaux"]),  # nor case
        ("verger", ["Accueil de loisirs du Verger"]),  # commune and name
        ("volga rennes", ["École élémentaire Volga"]),  # every word must match
        ("%", []),  # LIKE wildcards are searched literally
    ],
)
def test_search_without_javascript_by_name_and_commune(client, login_as, directory, query, expected):
    login_as("host")
    response = client.get("/c/rennes/partners", query_string={"q": query})
    assert _names(response) == expected
    if not expected:
        assert "Aucun partenaire ne correspond à cette recherche." in page_text(response)


def test_search_by_uai(client, login_as, directory):
    login_as("host")
    response = client.get("/c/rennes/partners", query_string={"q": directory.uai.lower()})
    assert _names(response) == ["École élémentaire Volga"]


def test_the_search_fragment_is_a_fragment_with_a_stable_root(client, login_as, directory):
    login_as("porteur")
    response = htmx_get(client, "/c/rennes/partners?q=volga")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="partner-results"')
    assert "<html" not in body and "<h1" not in body and "<form" not in body
    assert "HX-Request" in response.headers["Vary"]
    assert _names(response) == ["École élémentaire Volga"]
    # The full page carries the debounced live search aimed at that root.
    page = page_text(client.get("/c/rennes/partners"))
    assert 'hx-trigger="input delay:300ms, submit"' in page and 'hx-target="#partner-results"' in page


def test_filters_by_kind_and_education_prioritaire(client, login_as, directory):
    login_as("host")
    assert _names(client.get("/c/rennes/partners?kind=college")) == ["Collège Les Hautes-Ourmes"]
    assert _names(client.get("/c/rennes/partners?ep=rep_plus")) == ["École élémentaire Volga"]
    assert _names(client.get("/c/rennes/partners?ep=rep")) == ["Collège Les Hautes-Ourmes"]
    assert _names(client.get("/c/rennes/partners?ep=any")) == ["École élémentaire Volga", "Collège Les Hautes-Ourmes"]
    # Unknown values are ignored rather than failing.
    assert len(_names(client.get("/c/rennes/partners?kind=nope&ep=x&page=abc"))) == 5


def test_pagination_keeps_the_filters(app, client, login_as, committee, schools_export):
    import_schools(committee, schools_export, communes=["35238"])
    from clas_local.extensions import db

    db.session.commit()
    login_as("host")
    first = page_text(client.get("/c/rennes/partners?kind=ecole"))
    assert "Page 1 sur 3" in first  # 62 écoles élémentaires et primaires (the maternelles are left out)
    next_link = re.search(r'<a href="([^"]+)" rel="next">', first).group(1)
    assert "page=2" in next_link and "kind=ecole" in next_link
    second = client.get("/c/rennes/partners?kind=ecole&page=2")
    assert "Page 2 sur 3" in page_text(second) and len(_names(second)) == 25


def _queries_for_list(client, path: str) -> int:
    with count_queries() as queries:
        response = client.get(path)
    assert response.status_code == 200
    return len(queries)


def test_the_list_runs_the_same_number_of_queries_for_3_or_300_partners(app, client, login_as, make_partner, committee, schools_export):
    login_as("host")
    for _ in range(3):
        make_partner(PartnerKind.ASSOCIATION)
    small = _queries_for_list(client, "/c/rennes/partners")
    small_htmx = _queries_for_list(client, "/c/rennes/partners?q=association")
    import_schools(committee, schools_export)
    from clas_local.extensions import db

    db.session.commit()
    large = _queries_for_list(client, "/c/rennes/partners")
    large_htmx = _queries_for_list(client, "/c/rennes/partners?q=ecole")
    assert small == large <= 8
    assert small_htmx == large_htmx


def test_csv_export_escapes_formulas(app, client, login_as, make_partner):
    make_partner(PartnerKind.ASSOCIATION, name='=HYPERLINK("http://x";"clic")', commune_name="+33 Rennes",
                 phone="-1", email="@SUM(1)", address="\tcaché")  # fmt: skip
    login_as("viewer")
    response = client.get("/c/rennes/partners/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    header, row = rows[0], rows[1]
    assert header[:3] == ["UAI", "Nom", "Type"]
    values = dict(zip(header, row))
    assert values["Nom"] == "'=HYPERLINK(\"http://x\";\"clic\")"
    assert values["Commune"] == "'+33 Rennes" and values["Téléphone"] == "'-1"
    assert values["E-mail"] == "'@SUM(1)" and values["Adresse"] == "'\tcaché"
    assert values["Type"] == "Association"


def test_csv_export_follows_the_search(client, login_as, directory):
    login_as("host")
    text = client.get("/c/rennes/partners/export.csv?kind=ecole").get_data(as_text=True)
    assert "École élémentaire Volga" in text and "Centre social" not in text


@pytest.mark.parametrize(("role", "status"), [("host", 200), ("porteur", 200), ("viewer", 200), ("school", 403)])
def test_who_reads_the_directory(client, login_as, committee, role, status):
    login_as(role)
    assert client.get("/c/rennes/partners").status_code == status
    assert client.get("/c/rennes/partners/export.csv").status_code == status


def test_another_committees_directory_answers_404(client, login_as, make_committee):
    other = make_committee(slug="brest")
    login_as("host")
    assert client.get(f"/c/{other.slug}/partners").status_code == 404
    assert client.get(f"/c/{other.slug}/partners/export.csv").status_code == 404


def test_anonymous_visitors_go_to_login(client, committee):
    response = client.get("/c/rennes/partners")
    assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
