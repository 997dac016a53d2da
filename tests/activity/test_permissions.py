"""Who reads and who enters a project's « Bilan d'activité » (permissions.can_view_activity,
can_edit_activity): the project's readers read it, its porteur and the host enter it; a school
or another porteur does not learn it exists (404)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clas_local.activity.models import ActivityFigures
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from tests.activity.conftest import VALID, url
from tests.conftest import page_text, post


def _saved(project) -> bool:
    db.session.expire_all()
    return db.session.scalar(select(ActivityFigures.id).where(ActivityFigures.project_id == project.id)) is not None


def _login(role, login_as, make_partner, project):
    if role == "porteur":
        return login_as("porteur", partner=project.porteur)
    if role == "other_porteur":
        return login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION, name="Association voisine"))
    if role == "school":
        return login_as("school", partner=project.schools[0].partner)
    return login_as(role)


@pytest.mark.parametrize(("role", "read", "write"), [
    ("host", 200, 303),
    ("porteur", 200, 303),
    ("viewer", 200, 403),
    ("other_porteur", 404, 404),
    ("school", 404, 404),
])  # fmt: skip
def test_who_reads_and_who_enters_the_figures(client, login_as, make_partner, project, role, read, write):
    _login(role, login_as, make_partner, project)
    page = client.get(url(project))
    assert page.status_code == read
    if read == 200:
        assert "Bilan d'activité 2026-2027 – Clas du Blosne" in page_text(page)
        assert ("Enregistrer le bilan d'activité" in page_text(page)) is (write == 303)
    response = post(client, url(project), VALID)
    assert response.status_code == write
    assert _saved(project) is (write == 303)


def test_another_committee_s_project_is_404(client, login_as, make_committee, make_project):
    other = make_project(committee=make_committee(slug="brest"))
    login_as("host")
    assert client.get(f"/c/rennes/projects/{other.id}/activity").status_code == 404
    assert client.get(url(other)).status_code == 404


def test_the_project_page_links_to_the_bilan_and_nudges_after_the_bilan_meeting(
    client, login_as, project, make_meeting
):
    from clas_local.meetings.models import MeetingKind, MeetingStatus

    login_as("porteur", partner=project.porteur)
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "<h2 id=\"bilan-activite-resume-titre\">Bilan d'activité (2026-2027)</h2>" in page
    assert f'href="/c/rennes/projects/{project.id}/activity">Saisir le bilan d\'activité</a>' in page
    assert "La réunion de bilan avec les écoles est tenue" not in page
    make_meeting(project, kind=MeetingKind.BILAN, status=MeetingStatus.HELD)
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "La réunion de bilan avec les écoles est tenue : saisissez le bilan d'activité de l'année." in page
    post(client, url(project), VALID)
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "La réunion de bilan avec les écoles est tenue" not in page
    assert "9 chiffres sur 9 renseignés, bilan qualitatif : 6 rubriques sur 6." in page


def test_a_viewer_sees_a_link_to_read_it(client, login_as, project):
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert f'href="/c/rennes/projects/{project.id}/activity">Voir le bilan d\'activité</a>' in page
    assert "Non renseigné" in page


def test_the_home_to_do_asks_for_the_bilan_once_the_bilan_meeting_is_held(
    client, login_as, project, make_project, make_meeting, make_partner
):
    from clas_local.meetings.models import MeetingKind, MeetingStatus

    from clas_local.school_year import current_school_year

    year = current_school_year(project.committee)  # the home page's year
    project.school_year = year
    other = make_project(name="Clas Villejean", school_year=year)  # another porteur's: not on this porteur's list
    for held in (project, other):
        make_meeting(held, kind=MeetingKind.BILAN, status=MeetingStatus.HELD)
    login_as("porteur", partner=project.porteur)
    home = page_text(client.get("/c/rennes/"))
    assert ("Clas du Blosne : la réunion de bilan est tenue, le bilan d'activité de l'année n'est pas encore saisi. "
            f'<a href="/c/rennes/projects/{project.id}/activity">Saisir le bilan d\'activité</a>') in home  # fmt: skip
    assert "Clas Villejean : la réunion de bilan" not in home
    login_as("host")
    assert "Clas Villejean : la réunion de bilan est tenue" in page_text(client.get("/c/rennes/"))
    login_as("porteur", partner=project.porteur)
    post(client, url(project), {"children_elementaire": "20"})
    assert "Clas du Blosne : la réunion de bilan" not in page_text(client.get("/c/rennes/"))
