"""Every route of app.url_map, run as every actor, against the one table of tests/security/matrix.py."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask import url_for

from clas_local import create_app
from clas_local.config import TestConfig
from tests.factories import sign_in
from tests.security.matrix import FORM_DATA, LOGIN, MATRIX, OK, url_values
from tests.security.world import ACTORS, build_world, reset_database

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def app_routes() -> list[tuple[str, str, str, tuple[str, ...]]]:
    """(endpoint, method, rule, arguments) of every route but static files, read from a fresh app."""
    app = create_app(TestConfig)
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted(rule.methods - IGNORED_METHODS):
            routes.append((rule.endpoint, method, rule.rule, tuple(sorted(rule.arguments))))
    return sorted(set(routes))


ROUTES = app_routes()

CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def outcome(response, expected=None) -> str | int:
    status = response.status_code
    if isinstance(expected, int) and status == expected:
        return status
    if status in (301, 302, 303, 307) and urlsplit(response.headers.get("Location", "")).path == "/login":
        return LOGIN
    if status == 401:
        return LOGIN
    if status in (403, 404, 405, 410, 429) or status >= 500:
        return status
    return OK


def poster(endpoint: str) -> str:
    """Who may post to `endpoint` (anonymous if anyone may), for the tests that post to every form."""
    expected = MATRIX[(endpoint, "POST")]
    if expected["anonymous"] == OK:
        return "anonymous"
    for actor in ("host_a", *ACTORS):
        if actor != "anonymous" and expected[actor] not in (403, 404, 405, "login"):
            return actor
    raise AssertionError(f"{endpoint}: nobody may post to it?")


def csrf_for(client) -> str:
    match = CSRF_META.search(client.get("/donnees-personnelles").get_data(as_text=True))
    assert match, "every page carries <meta name=csrf-token>"
    return match.group(1)


def request_as(app, world, actor: str, endpoint: str, method: str, arguments, **kwargs):
    client = app.test_client()
    user = world.users[actor]
    if user is not None:
        sign_in(client, user)
    with app.test_request_context():
        url = url_for(endpoint, **url_values(endpoint, arguments, world))
    if method == "GET":
        return client.get(url, **kwargs)
    data = {**FORM_DATA.get(endpoint, {}), "csrf_token": csrf_for(client)}
    return client.open(url, method=method, data=data, **kwargs)


def undeclared_message(endpoint: str, method: str, rule: str) -> str:
    return (
        f"Route {method} {rule} (endpoint {endpoint!r}) is not in the permission matrix: add the line "
        f'("{endpoint}", "{method}"): <expected outcome per actor>, to MATRIX in tests/security/matrix.py.'
    )


def test_every_route_is_declared_and_every_declaration_is_a_route():
    present = {(endpoint, method) for endpoint, method, _rule, _args in ROUTES}
    missing = [undeclared_message(e, m, r) for e, m, r, _a in ROUTES if (e, m) not in MATRIX]
    stale = sorted(set(MATRIX) - present)
    assert not missing, "\n".join(missing)
    assert not stale, f"Declared in MATRIX but no such route any more: {stale}"
    for key, expected in MATRIX.items():
        assert set(expected) == set(ACTORS), f"{key}: give an outcome for each of {ACTORS}"


@pytest.mark.parametrize(("endpoint", "method", "rule", "arguments"), ROUTES,
                         ids=[f"{e}-{m}" for e, m, _r, _a in ROUTES])
def test_route_answers_each_actor_as_declared(world_app, endpoint, method, rule, arguments):
    app = world_app
    expected = MATRIX.get((endpoint, method))
    if expected is None:
        pytest.fail(undeclared_message(endpoint, method, rule))
    world = build_world()
    dirty = False
    mismatches = []
    for actor in ACTORS:
        if dirty:  # an allowed POST may have changed or deleted the objects: start again
            reset_database()
            world = build_world()
        response = request_as(app, world, actor, endpoint, method, arguments)
        response.close()  # file downloads are streamed
        got = outcome(response, expected[actor])
        dirty = method != "GET" and got not in (LOGIN, 403, 404, 405)
        if got != expected[actor]:
            mismatches.append(f"  {actor:<14} expected {expected[actor]!s:<6} got {got} ({response.status_code})")
    assert not mismatches, f"{method} {rule} ({endpoint}):\n" + "\n".join(mismatches)


def test_the_department_user_reads_its_committees_and_writes_nothing_in_them():
    """Declared outcomes, checked above against the app: in committee A (of its département) the
    department user reads what a viewer reads and every write is refused; the user of another
    département gets 404 everywhere in it; the département's pages are its own user's only."""
    committee_routes = [(e, m) for e, m, rule, _a in ROUTES if rule.startswith("/c/<slug>")]
    assert committee_routes
    for endpoint, method in committee_routes:
        expected = MATRIX[(endpoint, method)]
        assert expected["other_department"] == 404, (endpoint, method)
        if method == "POST":
            assert expected["department"] in (403, 404), (endpoint, method)
        else:
            assert expected["department"] == expected["viewer"], (endpoint, method)
    reads = [e for e, m in committee_routes if m == "GET" and MATRIX[(e, m)]["department"] == OK]
    assert {"committees.home", "compliance.dashboard", "dossier.page", "dossier.pdf", "dossier.archive"} <= set(reads)
    for endpoint, method, rule, _a in ROUTES:
        if rule.startswith("/d/<code>"):
            assert MATRIX[(endpoint, method)] == {**{a: 404 for a in ACTORS}, "anonymous": LOGIN, "department": OK}
