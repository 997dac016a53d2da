"""The department dashboard: every committee of the département with its projects of the year,
their key moments and obligations, the activity figures, in the same number of queries
whatever the number of committees."""

from __future__ import annotations

from datetime import datetime, timezone

from clas_local.meetings.models import MeetingKind, MeetingStatus
from clas_local.partners.models import PartnerKind
from tests.conftest import count_queries, page_text


def _committee_with_projects(make_committee, make_partner, make_project, make_meeting, make_figures, *, n: int,
                             projects: int = 2):  # fmt: skip
    committee = make_committee(slug=f"comite-35-{n}", name=f"Comité local n° {n} d'Ille-et-Vilaine",
                               departement_code="35")  # fmt: skip
    for p in range(projects):
        porteur = make_partner(PartnerKind.ASSOCIATION, committee=committee)
        school = make_partner(PartnerKind.ECOLE, committee=committee)
        project = make_project(committee=committee, porteur=porteur, schools=(school,), name=f"Projet {n}-{p}")
        make_meeting(project, kind=MeetingKind.DIAGNOSTIC, status=MeetingStatus.HELD,
                     starts_at=datetime(2026, 9, 20, 16, tzinfo=timezone.utc))  # fmt: skip
        make_figures(project, children_elementaire=10 + p, sessions_held=30)
    make_meeting(committee=committee, kind=MeetingKind.COMITE_LOCAL,
                 starts_at=datetime(2026, 10, 5, 16, tzinfo=timezone.utc))  # fmt: skip
    return committee


def test_the_dashboard_lists_the_committees_projects_moments_and_figures(
    client, committee, make_committee, make_partner, make_project, make_meeting, make_figures, login_department
):
    blosne = make_project(name="Clas du Blosne")
    make_meeting(blosne, kind=MeetingKind.DIAGNOSTIC, status=MeetingStatus.HELD,
                 starts_at=datetime(2026, 9, 22, 16, tzinfo=timezone.utc))  # fmt: skip
    make_figures(blosne, children_elementaire=12, children_college=8, sessions_held=40)
    make_project(name="Clas de Maurepas")  # no figures yet
    make_project(name="Clas de l'an dernier", school_year="2025-2026")
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    bourg = make_project(committee=fougeres, name="Clas du Bourg")
    make_figures(bourg, children_elementaire=5, sessions_held=20)
    make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    login_department()

    page = page_text(client.get("/d/35/"))
    assert "Comité local de Rennes" in page and "Comité local de Fougères" in page
    assert "Comité local de Brest" not in page
    assert "Clas du Blosne" in page and "Clas de Maurepas" in page and "Clas du Bourg" in page
    assert "Clas de l'an dernier" not in page  # another school year
    assert "2 projets en 2026-2027" in page and "1 projet en 2026-2027" in page
    assert "Tenue le 22 septembre 2026" in page  # the diagnostic, a key moment
    assert "<dt>Enfants et jeunes inscrits</dt><dd>25</dd>" in page
    assert "<dt>Séances tenues</dt><dd>60</dd>" in page
    assert "Chiffres saisis par les porteurs pour 2 projets sur 3" in page
    assert "20 / 40" in page and "non saisis" in page
    for suffix in ("dossier", "dossier.pdf", "dossier.zip"):
        assert f'href="/c/rennes/projects/{blosne.id}/{suffix}"' in page


def test_the_dashboard_runs_the_same_queries_whatever_the_number_of_committees(
    client, committee, make_committee, make_partner, make_project, make_meeting, make_figures, login_department
):
    def grow(first: int, count: int):
        for n in range(first, first + count):
            _committee_with_projects(make_committee, make_partner, make_project, make_meeting, make_figures, n=n)

    grow(1, 2)
    login_department()
    client.get("/d/35/")
    with count_queries() as few:
        assert client.get("/d/35/").status_code == 200
    grow(3, 6)
    with count_queries() as many:
        page = page_text(client.get("/d/35/"))
    assert "Comité local n° 8 d'Ille-et-Vilaine" in page
    assert len(few) == len(many) <= 12, (len(few), len(many))


def test_the_dashboard_of_a_departement_without_committees_says_so(client, login_department):
    login_department("2A")
    page = page_text(client.get("/d/2A/"))
    assert "<h1>Département : Corse-du-Sud (2A)</h1>" in page
    assert "Aucun comité n'est rattaché à ce département" in page


def test_the_dashboard_lists_the_renewals_due_and_the_bilans_missing(
    client, committee, make_committee, make_project, make_figures, login_department
):
    """Issue 17: the département sees which projects are due for renewal and which lack last
    year's bilan, in every committee of the département and no other."""
    last_year = make_project(name="Clas du Blosne", school_year="2025-2026")
    make_project(name="Clas du Blosne", school_year="2026-2027", previous_project_id=last_year.id,
                 first_project_id=last_year.id)  # fmt: skip
    with_bilan = make_project(name="Clas Maurepas", school_year="2025-2026")
    make_figures(with_bilan, children_elementaire=12)
    make_project(name="Clas Maurepas", school_year="2026-2027", previous_project_id=with_bilan.id,
                 first_project_id=with_bilan.id)  # fmt: skip
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    make_project(committee=fougeres, name="Clas du Bourg")
    brest = make_committee(slug="brest", name="Comité local de Brest", departement_code="29")
    make_project(committee=brest, name="Clas de Brest")
    login_department()

    page = page_text(client.get("/d/35/"))
    due = page[page.index("Projets dont le financement est à renouveler"):page.index("Projets reconduits dont")]
    assert "Clas du Bourg" in due and "Comité local de Fougères" in due and "Clas de Brest" not in due
    assert "Financement non renseigné (annuel par défaut) : aucune décision de la CAF pour 2027-2028." in due
    lacking = page[page.index("Projets reconduits dont le bilan"):page.index('id="visites"')]
    assert "Clas du Blosne" in lacking and "Bilan 2025-2026 non saisi" in lacking
    assert f'href="/c/rennes/projects/{last_year.id}"' in lacking
    assert "Clas Maurepas" not in lacking
