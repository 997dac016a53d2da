from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from tests.conftest import page_text, csrf_token, post
from tests.factories import TEST_PASSWORD


def test_login_page_is_french_and_carries_csrf_meta(client):
    response = client.get("/login")
    page = page_text(response)
    assert response.status_code == 200
    assert '<html lang="fr">' in page
    assert '<meta name="csrf-token" content="' in page
    assert "<h1>Connexion</h1>" in page


def test_login_with_right_password_opens_the_committee(client, make_member):
    make_member("host", email="anne@mairie.fr")
    response = post(client, "/login", {"email": "Anne@Mairie.fr ", "password": TEST_PASSWORD})
    assert response.status_code == 303
    home = client.get(response.headers["Location"], follow_redirects=True)
    assert "Comité local de Rennes" in page_text(home)


def test_wrong_password_and_unknown_email_get_the_same_french_message(client, make_member):
    make_member("host", email="anne@mairie.fr")
    wrong = post(client, "/login", {"email": "anne@mairie.fr", "password": "mauvais mot de passe"})
    unknown = post(client, "/login", {"email": "personne@nulle-part.fr", "password": "mauvais mot de passe"})
    message = "Adresse e-mail ou mot de passe incorrect."
    assert wrong.status_code == unknown.status_code == 200
    assert message in page_text(wrong)
    assert message in page_text(unknown)
    assert client.get("/").status_code == 302  # still anonymous
    failures = db.session.query(AuditEvent).filter_by(action="login.failure").count()
    assert failures == 2


def test_login_ignores_an_external_next_url(client, make_member):
    make_member("host", email="anne@mairie.fr")
    response = post(client, "/login?next=https://evil.example/", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


def test_logout_is_post_only_and_revokes_a_copied_session_cookie(client, app, make_member):
    make_member("host", email="anne@mairie.fr")
    post(client, "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    assert client.get("/c/rennes/").status_code == 200
    stolen = client.get_cookie("session").value

    assert client.get("/logout").status_code == 405
    response = post(client, "/logout")
    assert response.status_code == 303
    assert client.get("/c/rennes/").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/c/rennes/").status_code == 302  # the copied cookie no longer works


def test_login_renews_the_session_token(client, make_member):
    user = make_member("host", email="anne@mairie.fr")
    before = user.session_token
    post(client, "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    db.session.refresh(user)
    assert user.session_token != before


def test_a_post_without_csrf_token_is_refused(client, make_member):
    make_member("host", email="anne@mairie.fr")
    response = client.post("/login", data={"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert "Formulaire expiré" in page_text(response)
    assert client.get("/c/rennes/").status_code == 302


def test_htmx_post_with_csrf_header_is_accepted(client, login_as):
    login_as("host")
    token = csrf_token(client)
    response = client.post("/logout", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 303


def test_expired_session_on_htmx_request_redirects_the_whole_page(client):
    response = client.get("/c/rennes/", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")
