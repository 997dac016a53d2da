"""Sessions: cookie flags, renewal at login, absolute lifetime, server-side revocation."""

import time
from datetime import timedelta

from clas_local import create_app
from clas_local.auth.sessions import LOGIN_AT
from clas_local.config import Config, ProductionConfig
from clas_local.db import utcnow
from clas_local.extensions import db
from tests.conftest import post
from tests.factories import TEST_PASSWORD

EMAIL = "anne@mairie.fr"


def _login(client, remember=False):
    data = {"email": EMAIL, "password": TEST_PASSWORD}
    if remember:
        data["remember"] = "y"
    response = post(client, "/login", data)
    assert response.status_code == 303
    return response


def _set_cookie_headers(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


def test_session_and_remember_cookies_are_httponly_and_samesite_lax(client, make_member):
    make_member("host", email=EMAIL)
    response = _login(client, remember=True)
    cookies = {header.split("=", 1)[0]: header for header in _set_cookie_headers(response)}
    assert set(cookies) >= {"session", "remember_token"}
    for header in cookies.values():
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header
        assert "Secure" not in header  # development over plain http


def test_production_configuration_sends_cookies_only_over_https():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY and ProductionConfig.SESSION_COOKIE_SAMESITE == "Lax"
    assert Config.SESSION_COOKIE_HTTPONLY and Config.REMEMBER_COOKIE_SAMESITE == "Lax"


def test_secure_cookie_flag_reaches_the_browser_in_production_settings(app_config, make_member, app):
    from tests.conftest import _config

    secure_app = create_app(_config(**app_config, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True))
    make_member("host", email=EMAIL)
    try:
        response = _login(secure_app.test_client(), remember=True)
    finally:
        with secure_app.app_context():
            db.engine.dispose()  # its own pool: left to the garbage collector, psycopg warns
    for header in _set_cookie_headers(response):
        assert "Secure" in header and "HttpOnly" in header
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_login_replaces_the_session_cookie_planted_before(client, make_member):
    make_member("host", email=EMAIL)
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    _login(client)
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert isinstance(session[LOGIN_AT], int)


def test_a_session_ends_after_its_absolute_lifetime_however_active(client, app, make_member):
    make_member("host", email=EMAIL)
    _login(client)
    hours = app.config["PERMANENT_SESSION_LIFETIME"] / timedelta(hours=1)
    assert hours == 12
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time() - 11.9 * 3600)
    for _ in range(3):  # activity does not extend the login
        assert client.get("/c/rennes/").status_code == 200
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time() - 12.1 * 3600)
    response = client.get("/c/rennes/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert client.get("/c/rennes/", headers={"HX-Request": "true"}).status_code == 401


def test_a_cookie_copied_before_logout_no_longer_works(client, app, make_member):
    make_member("host", email=EMAIL)
    _login(client, remember=True)
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value

    copy = app.test_client()
    copy.set_cookie("session", session_cookie)
    assert copy.get("/c/rennes/").status_code == 200  # the copy worked before logout
    remember_only = app.test_client()
    remember_only.set_cookie("remember_token", remember_cookie)
    assert remember_only.get("/c/rennes/").status_code == 200

    assert post(client, "/logout").status_code == 303

    for cookies in ({"session": session_cookie}, {"remember_token": remember_cookie}, {"session": session_cookie, "remember_token": remember_cookie}):
        thief = app.test_client()
        for name, value in cookies.items():
            thief.set_cookie(name, value)
        assert thief.get("/c/rennes/").status_code == 302, cookies


def test_password_change_revokes_other_sessions_and_remember_cookies(client, app, make_member):
    make_member("host", email=EMAIL)
    _login(client, remember=True)
    other_device = app.test_client()
    other_device.set_cookie("session", client.get_cookie("session").value)
    remember_cookie = client.get_cookie("remember_token").value
    assert other_device.get("/c/rennes/").status_code == 200

    new_password = "Une-autre-phrase-de-passe-longue"
    response = post(client, "/compte", {"current_password": TEST_PASSWORD, "password": new_password,
                                        "confirm": new_password})
    assert response.status_code == 303
    assert client.get("/c/rennes/").status_code == 200  # this device stays logged in
    assert other_device.get("/c/rennes/").status_code == 302
    thief = app.test_client()
    thief.set_cookie("remember_token", remember_cookie)
    assert thief.get("/c/rennes/").status_code == 302


def test_an_expired_session_is_renewed_by_a_valid_remember_cookie_only(client, app, make_member):
    user = make_member("host", email=EMAIL)
    _login(client, remember=True)
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time() - 13 * 3600)
    assert client.get("/c/rennes/").status_code == 200  # « rester connecté » opened a new session
    with client.session_transaction() as session:
        assert time.time() - session[LOGIN_AT] < 60

    # The remember cookie itself expires server-side, whatever the browser keeps.
    user.last_login_at = utcnow() - app.config["REMEMBER_COOKIE_DURATION"] - timedelta(minutes=1)
    db.session.commit()
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time() - 13 * 3600)
    assert client.get("/c/rennes/").status_code == 302


def test_the_same_message_for_an_unknown_email_and_a_wrong_password(client, make_member):
    make_member("host", email=EMAIL)
    wrong = post(client, "/login", {"email": EMAIL, "password": "pas le bon mot de passe"})
    unknown = post(client, "/login", {"email": "inconnu@exemple.fr", "password": "pas le bon mot de passe"})
    assert wrong.status_code == unknown.status_code == 200

    def body(response):
        # Same page apart from the per-session CSRF token and the echoed e-mail.
        import re

        text = response.get_data(as_text=True)
        text = re.sub(r"[\w-]{20,}\.[\w-]{4,8}\.[\w-]{20,}", "CSRF-TOKEN", text)  # signed, timestamped
        return re.sub(r'value="[^"]*@[^"]*"', "", text)

    assert body(wrong) == body(unknown)
    assert "Adresse e-mail ou mot de passe incorrect." in body(wrong)
