"""Security headers on every response: each GET route of the matrix, anonymous and as an allowed actor."""

from __future__ import annotations

import json
import re

import pytest

from clas_local.security import CONTENT_SECURITY_POLICY, DOWNLOAD_POLICY
from tests.security.matrix import MATRIX, OK
from tests.security.test_permission_matrix import ROUTES, request_as
from tests.security.world import ACTORS, build_world

GET_ROUTES = [(e, r, a) for e, m, r, a in ROUTES if m == "GET"]

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


# Answers the client alone may cache (`private`): the subscribed calendar feed, fetched hourly
# by calendar clients with no session, whose URL's secret token is the key.
CLIENT_CACHEABLE = ("/cal/<token>.ics",)


def _directives(policy: str) -> dict[str, str]:
    return {part.strip().split(" ", 1)[0]: part.strip() for part in policy.split(";") if part.strip()}


def check_headers(response, authenticated: bool, where: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy", "")
    directives = _directives(policy)
    assert directives.get("frame-ancestors") == "frame-ancestors 'none'", where
    for name in ("script-src", "default-src"):
        assert "unsafe-inline" not in directives.get(name, "") and "unsafe-eval" not in directives.get(name, ""), where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where
    if authenticated:
        assert "no-store" in headers.get("Cache-Control", ""), f"{where}: authenticated page without no-store"
    if "Set-Cookie" in headers:
        assert "no-store" in headers.get("Cache-Control", ""), f"{where}: sets a cookie without no-store"
    if response.status_code != 200:
        return
    if response.mimetype == "text/html":
        assert policy == CONTENT_SECURITY_POLICY, where
        html = response.get_data(as_text=True)
        for pattern, what in ((INLINE_SCRIPT, "inline <script>"), (INLINE_STYLE, "style= attribute"),
                              (INLINE_HANDLER, "on…= event handler"), (JS_URL, "javascript: URL")):
            found = pattern.search(html)
            assert found is None, f"{where}: {what} (forbidden by the CSP): {found.group(0)[:120]}"
    elif response.mimetype != "application/json" or "attachment" in headers.get("Content-Disposition", ""):
        assert policy == DOWNLOAD_POLICY, f"{where}: a {response.mimetype} download needs the download policy"
        if any(rule in where for rule in CLIENT_CACHEABLE) and "Set-Cookie" not in headers:
            # A subscribed feed: the subscriber's client may keep it a few minutes, no shared cache may.
            assert headers.get("Cache-Control") == "private, max-age=300", where
        else:
            assert "no-store" in headers.get("Cache-Control", ""), where
        disposition = headers.get("Content-Disposition", "")
        assert "\n" not in disposition and "\r" not in disposition, where


@pytest.mark.parametrize(("endpoint", "rule", "arguments"), GET_ROUTES, ids=[e for e, _r, _a in GET_ROUTES])
def test_every_get_route_sends_the_security_headers(world_app, endpoint, rule, arguments):
    expected = MATRIX[(endpoint, "GET")]
    allowed = next((actor for actor in ACTORS if actor != "anonymous" and expected[actor] == OK), None)
    world = build_world()
    for actor in ("anonymous", allowed) if allowed else ("anonymous",):
        response = request_as(world_app, world, actor, endpoint, "GET", arguments)
        response.close()
        check_headers(response, authenticated=actor != "anonymous", where=f"GET {rule} as {actor}")
        assert response.status_code < 500


def test_error_pages_and_static_files_carry_them_too(client, login_as):
    check_headers(client.get("/nulle-part"), authenticated=False, where="404 page")
    css = client.get("/static/css/app.css")
    assert css.status_code == 200
    assert css.headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'none'" in css.headers["Content-Security-Policy"]
    css.close()
    login_as("host")
    check_headers(client.get("/c/inexistant/"), authenticated=True, where="404 page signed in")
    check_headers(client.get("/c/rennes/", headers={"HX-Request": "true"}), authenticated=True, where="HTMX")


def test_htmx_is_configured_for_the_csp(client):
    html = client.get("/login").get_data(as_text=True)
    match = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", html)
    assert match, "base.html configures htmx"
    config = json.loads(match.group(1))
    assert config["allowEval"] is False
    assert config["includeIndicatorStyles"] is False
    assert config["allowScriptTags"] is False
    assert config["selfRequestsOnly"] is True


def test_pages_reached_by_a_secret_token_are_not_stored(client, committee):
    response = client.get("/rsvp/pas-un-jeton")
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/mot-de-passe/pas-un-jeton").headers["Cache-Control"] == "no-store"


def test_responses_that_set_a_cookie_are_never_stored(client, make_member):
    """A cached copy of a response would hand its cookie (a session) to the next person behind the cache."""
    from tests.conftest import post
    from tests.factories import TEST_PASSWORD

    make_member("host", email="anne@mairie.fr")
    responses = {
        "login page": client.get("/login"),
        "login": post(client, "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD}),
        "logout": post(client, "/logout"),
    }
    for what, response in responses.items():
        assert "Set-Cookie" in response.headers, what
        assert response.headers["Cache-Control"] == "no-store", what
        assert "Cookie" in response.headers.get("Vary", ""), what


def test_the_json_contact_export_is_a_sandboxed_download(client, login_as, make_partner, make_contact):
    from tests.conftest import post

    login_as("host")
    contact = make_contact(make_partner(), full_name="<script>alert(1)</script>")
    response = post(client, f"/c/rennes/contacts/{contact.id}/export", {"format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Security-Policy"] == DOWNLOAD_POLICY
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_the_check_itself_catches_inline_code_and_weak_policies(app):
    from flask import Response

    page = Response('<p style="color:red">x</p><script>alert(1)</script>', mimetype="text/html")
    page.headers.update({"Content-Security-Policy": CONTENT_SECURITY_POLICY, "X-Content-Type-Options": "nosniff",
                         "Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY"})
    with pytest.raises(AssertionError, match="inline <script>"):
        check_headers(page, authenticated=False, where="synthetic")
    page.set_data('<p style="color:red">x</p>')
    with pytest.raises(AssertionError, match="style= attribute"):
        check_headers(page, authenticated=False, where="synthetic")
    page.set_data("<p>x</p>")
    check_headers(page, authenticated=False, where="synthetic")  # clean page: passes
    page.headers["Content-Security-Policy"] = "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'"
    with pytest.raises(AssertionError):
        check_headers(page, authenticated=False, where="synthetic")
    download = Response(b"%PDF", mimetype="application/pdf")
    for name in ("X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"):
        download.headers[name] = page.headers[name]
    download.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    with pytest.raises(AssertionError, match="download policy"):
        check_headers(download, authenticated=False, where="synthetic")


def test_a_nul_character_anywhere_in_a_request_is_refused_in_french(client, login_as):
    """PostgreSQL cannot store NUL: refused up front (400) rather than failing in the database (500)."""
    from tests.conftest import page_text, post

    login_as("host")
    response = post(client, "/c/rennes/members", {"email": "a\x00@b.fr", "role": "viewer"})
    assert response.status_code == 400
    assert "caractère nul" in page_text(response)
    assert client.get("/c/rennes/journal?actor=a%00b").status_code == 400
    assert client.get("/rsvp/abc%00def").status_code == 400
    assert client.get("/c/rennes/journal?actor=ab").status_code == 200
