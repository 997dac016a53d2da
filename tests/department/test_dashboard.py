"""The department dashboard: every committee of the département with its projects of the year,
their key moments and obligations, the activity figures, in the same number of queries
whatever the number of committees."""

from __future__ import annotations

import re

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
    # One row per committee: its projects of the year, their obligations, figures entered.
    rennes = page[page.index('<a href="/c/rennes/dashboard">'):page.index("</tr>", page.index('<a href="/c/rennes/dashboard">'))]
    cells = re.findall(r"<td>(.*?)</td>", rennes, re.S)
    assert cells[:6] == ["2", "0", "0", "2", "1 sur 2", "20"], cells  # Blosne and Maurepas, not last year's
    assert 'href="/c/rennes/bilan"' in rennes
    # The département's totals of the figures entered.
    assert "<dt>Enfants et jeunes inscrits</dt><dd>25</dd>" in page
    assert "<dt>Séances tenues</dt><dd>60</dd>" in page
    assert "Chiffres saisis par les porteurs pour 2 projets sur 3" in page
    # The committee's dashboard, opened by the department user, lists its projects and their dossiers.
    committee_page = page_text(client.get("/c/rennes/dashboard"))
    assert "Clas du Blosne" in committee_page and "Tenue le 22 septembre 2026" in committee_page
    assert f'href="/c/rennes/projects/{blosne.id}/dossier"' in committee_page
    for suffix in ("dossier.pdf", "dossier.zip"):
        assert client.get(f"/c/rennes/projects/{blosne.id}/{suffix}").status_code == 200


def test_the_dashboard_runs_the_same_queries_whatever_the_number_of_committees(
    client, committee, make_committee, make_partner, make_project, make_meeting, make_figures, login_department
):
    def grow(first: int, count: int):
        for n in range(first, first + count):
            _committee_with_projects(make_committee, make_partner, make_project, make_meeting, make_figures, n=n)

    grow(1, 2)
    login_department()
    client.get("/")
    with count_queries() as few:  # every line computed
        assert client.get("/d/35/").status_code == 200
    grow(3, 6)
    with count_queries() as many:  # the new committees' lines computed, the others kept
        page = page_text(client.get("/d/35/"))
    assert "Comité local n° 8 d'Ille-et-Vilaine" in page
    assert len(few) == len(many) <= 12, (len(few), len(many))
    with count_queries() as unchanged:  # nothing written since: every line kept
        again = page_text(client.get("/d/35/"))
    assert again.split("<main")[1] == page.split("<main")[1]  # the head's CSRF token is signed with the time
    assert len(unchanged) < len(few), (len(unchanged), len(few))


def test_a_kept_line_follows_every_write_of_its_committee(
    client, committee, make_committee, make_project, make_figures, login_department
):
    """The lines are kept between two visits (clas_local.revisions): a write made by any path,
    the ORM or a bulk statement, shows at the next visit; another committee's line is kept."""
    from sqlalchemy import delete, update

    from clas_local.activity.models import ActivityFigures
    from clas_local.extensions import db
    from clas_local.projects.models import Project

    make_project(name="Clas du Blosne")
    fougeres = make_committee(slug="fougeres", name="Comité local de Fougères", departement_code="35")
    make_figures(make_project(committee=fougeres, name="Clas du Bourg"), children_elementaire=7)
    login_department()

    def cells(slug: str) -> list[str]:
        page = page_text(client.get("/d/35/"))
        row = page[page.index(f'<a href="/c/{slug}/dashboard">'):page.index("</tr>", page.index(f'<a href="/c/{slug}/dashboard">'))]
        cells = re.findall(r"<td>(.*?)</td>", row, re.S)
        return [cells[0], cells[4], cells[5]]  # projects, figures entered, children

    assert cells("rennes") == ["1", "0 sur 1", "0"]
    maurepas = make_project(name="Clas de Maurepas")  # the ORM
    make_figures(maurepas, children_elementaire=12)
    assert cells("rennes") == ["2", "1 sur 2", "12"]
    db.session.execute(update(ActivityFigures).where(ActivityFigures.project_id == maurepas.id)
                       .values(children_elementaire=20))  # fmt: skip
    db.session.commit()
    assert cells("rennes") == ["2", "1 sur 2", "20"]
    db.session.execute(delete(ActivityFigures).where(ActivityFigures.project_id == maurepas.id))
    db.session.execute(delete(Project).where(Project.id == maurepas.id))
    db.session.commit()
    assert cells("rennes") == ["1", "0 sur 1", "0"]
    assert cells("fougeres") == ["1", "1 sur 1", "7"]


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
    rennes = page[page.index('<a href="/c/rennes/dashboard">'):page.index("</tr>", page.index('<a href="/c/rennes/dashboard">'))]
    fougeres = page[page.index('<a href="/c/fougeres/dashboard">'):page.index("</tr>", page.index('<a href="/c/fougeres/dashboard">'))]
    assert "Brest" not in page
    # Rennes: Blosne and Maurepas are annual (no financing recorded) with no decision for next
    # year; Blosne lacks its 2025-2026 bilan. Fougères: the Bourg, annual too.
    assert '<a href="/c/rennes/renouvellements">2<span class="visually-hidden"> projets à renouveler' in rennes
    assert '<a href="/c/rennes/renouvellements#bilans-titre">1<span class="visually-hidden"> bilans manquants' in rennes
    assert '<a href="/c/fougeres/renouvellements">1<span' in fougeres and fougeres.rstrip().endswith("<td>0</td>")
    # The committee's renewals page, which the department user reads, names them.
    renewals = page_text(client.get("/c/rennes/renouvellements"))
    assert "Financement non renseigné (annuel par défaut) : aucune décision de la CAF pour 2027-2028." in renewals
    assert "Bilan 2025-2026 non saisi" in renewals and f'href="/c/rennes/projects/{last_year.id}"' in renewals
