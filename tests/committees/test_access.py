import pytest

from clas_local.auth.models import Role
from tests.conftest import page_text
from tests.factories import sign_in


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_its_committee_home(client, login_as, role):
    login_as(role)
    response = client.get("/c/rennes/")
    assert response.status_code == 200
    assert "<h1>Comité local de Rennes</h1>" in response.get_data(as_text=True)


@pytest.mark.parametrize(("role", "status"), [("host", 200), ("porteur", 403), ("school", 403), ("viewer", 403)])
def test_only_hosts_manage_members(client, login_as, role, status):
    login_as(role)
    assert client.get("/c/rennes/members").status_code == status


def test_another_committees_pages_answer_404(client, login_as, make_committee):
    make_committee(slug="brest", name="Comité local de Brest")
    login_as("host")
    assert client.get("/c/brest/").status_code == 404
    assert client.get("/c/brest/members").status_code == 404
    assert client.get("/c/inexistant/").status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, committee):
    response = client.get("/c/rennes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_admin_without_membership_sees_no_committee_content(client, make_user, committee):
    admin = make_user(is_admin=True)
    sign_in(client, admin)
    assert client.get("/c/rennes/").status_code == 404
    assert client.get("/admin").status_code == 200
    # Their landing page is the administration, which speaks to an admin.
    landing = client.get("/")
    assert landing.status_code == 302 and landing.headers["Location"] == "/admin"
    assert "Vous administrez l'installation" in page_text(client.get("/admin"))


def test_non_admin_cannot_open_administration(client, login_as):
    login_as("host")
    assert client.get("/admin").status_code == 404


def test_home_says_plainly_when_nothing_is_planned(client, login_as):
    login_as("viewer")
    page = page_text(client.get("/c/rennes/"))
    assert "Aucune réunion prévue pour l'instant." in page


def test_home_lists_upcoming_meetings_the_user_may_see(client, login_as, make_meeting, make_project, make_partner):
    from datetime import datetime, timedelta, timezone

    soon = datetime.now(timezone.utc) + timedelta(days=3)
    other_project = make_project(name="Projet voisin")
    make_meeting(project=other_project, starts_at=soon, title="Suivi du projet voisin")
    make_meeting(starts_at=soon, title="Comité local de décembre")
    porteur_org = make_partner()
    login_as("porteur", partner=porteur_org)
    page = client.get("/c/rennes/").get_data(as_text=True)
    assert "Comité local de décembre" in page
    assert "Suivi du projet voisin" not in page
