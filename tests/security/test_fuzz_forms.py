"""Hypothesis drives every form and every page's query string with hostile input: never a 500,
and nothing comes back unescaped.

Forms are discovered, not listed: every POST route of app.url_map (tests/security/matrix.py
declares them all) is fuzzed as an actor the matrix lets through, with the fields of
the HTML forms that post to it (found by rendering every GET page of the matrix world),
plus a stray field. Values are markup, quotes, control characters, huge strings and
wrong types (numbers, dates, several values for one field, files with hostile names).

Every GET route of the matrix is also requested, as an actor who may see it, with a
hostile query string: the parameters the app reads (tests/security/test_query_strings.py)
and made-up ones, with the same values.

Examples: HYPOTHESIS_PROFILE=fuzz (make fuzz) runs FUZZ_EXAMPLES (10,000) in all, spread
over the routes; the default profile runs a few per route in `make test`.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections import defaultdict
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.matrix import FORM_DATA, MATRIX, OK
from tests.security.test_query_strings import PARAMETERS as QUERY_PARAMETERS
from tests.security.test_permission_matrix import ROUTES, csrf_for, poster, request_as
from tests.security.world import build_world, reset_database

POST_ROUTES = [(e, r, a) for e, m, r, a in ROUTES if m == "POST"]
GET_ROUTES = [(e, r, a) for e, m, r, a in ROUTES if m == "GET"]
TOTAL_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
PER_ROUTE = max(1, math.ceil(TOTAL_EXAMPLES / max(1, len(POST_ROUTES) + len(GET_ROUTES))))

settings.register_profile(
    "fuzz", max_examples=PER_ROUTE, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "default", max_examples=int(os.environ.get("FUZZ_EXAMPLES_PER_ROUTE", "6")), deadline=None, database=None,
    suppress_health_check=list(HealthCheck), derandomize=True,
)
settings.register_profile(
    # Query strings in `make test`: fewer per route, the PDF and ZIP routes render each time.
    "default-query", max_examples=int(os.environ.get("FUZZ_QUERY_EXAMPLES_PER_ROUTE", "2")), deadline=None,
    database=None, suppress_health_check=list(HealthCheck), derandomize=True,
)
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "default")
QUERY_PROFILE = "default-query" if PROFILE == "default" else PROFILE

EXAMPLES_RUN: dict[str, int] = defaultdict(int)

# Markup that must never come back raw. Each carries the canary "clas1337".
CANARIES = (
    "<script>clas1337()</script>",
    '"><img src=x onerror=clas1337()>',
    "'><svg onload=clas1337()>",
    "</textarea><script>clas1337()</script>",
    "javascript:clas1337()//<b>",
    "{{7*7}}<i>clas1337</i>{% raw %}",
)
RAW_MARKERS = ("<script>clas1337", "<img src=x onerror=clas1337", "<svg onload=clas1337", "<b>", "<i>clas1337")

hostile_text = st.one_of(
    st.sampled_from(CANARIES),
    st.text(min_size=0, max_size=60),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=20),  # control characters (incl. NUL)
    st.builds(lambda s, n: s * n, st.sampled_from(["A", "é", "<b>", "'\""]), st.integers(2_000, 40_000)),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "99999999999999999999", "2026-13-45", "31/02/2026",
                     "true", "null", "[]", "{}", "../../etc/passwd", "%00", "\u202e", "𝕏" * 3, "a@b", "x" * 255]),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
).map(lambda value: value if isinstance(value, str) else str(value))


def hostile_values():
    # Several values for one field is the "wrong type" a form library sees most.
    return st.one_of(hostile_text, st.lists(hostile_text, min_size=2, max_size=3))


hostile_filename = st.one_of(
    st.sampled_from([
        "../../../../etc/passwd", "..\\..\\windows\\win.ini", "/etc/shadow", "a\r\nContent-Type: text/html.pdf",
        '"; filename="evil.html', "evil.html\x00.pdf", "<script>clas1337()</script>.pdf", ".htaccess",
        "CON.pdf", "x" * 400 + ".pdf", "émargement signé.pdf",
    ]),
    st.text(min_size=1, max_size=40),
)
hostile_file = st.tuples(
    st.one_of(st.just(b"%PDF-1.4\n%%EOF\n"), st.binary(max_size=256), st.just(b"<html><script>clas1337()</script>")),
    hostile_filename,
)


class FormCollector(HTMLParser):
    """Fields of every form (and hx-post element) of a page, by the path it posts to."""

    def __init__(self, found: dict[str, dict[str, str]], page_path: str):
        super().__init__()
        self.found, self.current, self.page_path = found, None, page_path

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            posts = (attrs.get("method") or "").lower() == "post"
            target = attrs.get("hx-post") or ((attrs.get("action") or self.page_path) if posts else None)
            self.current = urlsplit(target).path if target else None
            if self.current:
                self.found.setdefault(self.current, {})
        elif "hx-post" in attrs:
            self.found.setdefault(urlsplit(attrs["hx-post"]).path, {})
        if self.current and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if attrs["name"] != "csrf_token":
                self.found[self.current][attrs["name"]] = attrs.get("type", tag)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def discover_forms(app, world) -> dict[str, dict[str, str]]:
    """Render every GET page of the matrix as the actors who may see it; collect their forms."""
    found: dict[str, dict[str, str]] = {}
    for endpoint, method, _rule, arguments in ROUTES:
        if method != "GET" or endpoint.endswith(("pdf", "csv", "archive", "ics", "download", "feed", "healthz")):
            continue
        for actor in ("host_a", "porteur", "school", "admin", "anonymous"):
            if MATRIX[(endpoint, "GET")][actor] != OK:
                continue
            response = request_as(app, world, actor, endpoint, "GET", arguments)
            if response.mimetype == "text/html":
                FormCollector(found, urlsplit(response.request.url).path).feed(response.get_data(as_text=True))
            response.close()
    return found


@pytest.fixture(scope="module")
def discovered(shared_app):
    with shared_app.app_context():
        reset_database()
        world = build_world()
        forms = discover_forms(shared_app, world)
    return forms


def _path_for(app, world, endpoint, arguments) -> str:
    from flask import url_for

    from tests.security.matrix import url_values

    with app.test_request_context():
        return url_for(endpoint, **url_values(endpoint, arguments, world))


def check_response(response, submitted: list[str], where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.mimetype != "text/html":
        return
    body = response.get_data(as_text=True)
    sent = " ".join(submitted)
    for marker in RAW_MARKERS:
        if marker in sent:
            assert marker not in body, f"{where}: {marker!r} came back unescaped"


@pytest.mark.parametrize(("endpoint", "rule", "arguments"), POST_ROUTES, ids=[e for e, _r, _a in POST_ROUTES])
def test_hostile_input_never_breaks_a_form(world_app, discovered, endpoint, rule, arguments):
    app = world_app
    world = build_world()
    actor = poster(endpoint)
    path = _path_for(app, world, endpoint, arguments)
    # Forms are discovered on the world of the module fixture: same shapes, other ids.
    pattern = re.compile("^" + re.sub(r"<(?:int:)?[a-z_]+>", r"[^/]+", rule) + "$")
    fields: dict[str, str] = {}
    for action, form_fields in discovered.items():
        if pattern.match(action):
            fields.update(form_fields)
    text_fields = sorted(name for name, kind in fields.items() if kind != "file")
    file_fields = sorted(name for name, kind in fields.items() if kind == "file")

    client = app.test_client()
    if world.users[actor] is not None:
        from tests.factories import sign_in

        sign_in(client, world.users[actor])
    token = csrf_for(client)

    @settings(settings.get_profile(PROFILE))
    @given(
        values=st.fixed_dictionaries({name: hostile_values() for name in text_fields},
                                     optional={"stray_field": hostile_values()}),
        files=st.fixed_dictionaries({name: hostile_file for name in file_fields}),
        htmx=st.booleans(),
    )
    def run(values, files, htmx):
        EXAMPLES_RUN[endpoint] += 1
        data: dict = {**FORM_DATA.get(endpoint, {}), **values, "csrf_token": token}
        for name, (content, filename) in files.items():
            data[name] = (io.BytesIO(content), filename)
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.post(path, data=data, headers=headers, content_type="multipart/form-data")
        try:
            submitted = [v if isinstance(v, str) else " ".join(v) for v in values.values()]
            submitted += [filename for _content, filename in files.values()]
            check_response(response, submitted, f"POST {rule} as {actor} with {sorted(values)}")
        finally:
            response.close()

    run()


def _reader(endpoint: str) -> str:
    expected = MATRIX[(endpoint, "GET")]
    return next(actor for actor in ("host_a", "admin", "school", "department", "anonymous") if expected[actor] == OK)


hostile_names = st.one_of(st.sampled_from(QUERY_PARAMETERS), st.text(min_size=1, max_size=12))


@pytest.mark.parametrize(("endpoint", "rule", "arguments"), GET_ROUTES, ids=[e for e, _r, _a in GET_ROUTES])
def test_hostile_query_string_never_breaks_a_page(world_app, endpoint, rule, arguments):
    app = world_app
    world = build_world()
    actor = _reader(endpoint)
    path = _path_for(app, world, endpoint, arguments)
    client = app.test_client()
    if world.users[actor] is not None:
        from tests.factories import sign_in

        sign_in(client, world.users[actor])

    @settings(settings.get_profile(QUERY_PROFILE))
    @given(query=st.dictionaries(hostile_names, hostile_values(), max_size=4), htmx=st.booleans())
    def run(query, htmx):
        EXAMPLES_RUN[f"GET {endpoint}"] += 1
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(path, query_string=query, headers=headers)
        try:
            submitted = [v if isinstance(v, str) else " ".join(v) for v in query.values()] + list(query)
            check_response(response, submitted, f"GET {rule} as {actor} with {sorted(query)}")
        finally:
            response.close()

    run()


def test_zz_report_examples_run(request):
    """Runs last in this module: says how many examples were run (make fuzz shows it)."""
    total = sum(EXAMPLES_RUN.values())
    print(f"\nFuzzing: {total} examples over {len(EXAMPLES_RUN)} routes, forms and query strings "
          f"(profile {PROFILE}).")
    if PROFILE == "fuzz":
        assert total >= TOTAL_EXAMPLES, f"only {total} examples run, {TOTAL_EXAMPLES} asked"
    if len(EXAMPLES_RUN) == len(POST_ROUTES) + len(GET_ROUTES):
        assert all(EXAMPLES_RUN[e] >= 1 for e, _r, _a in POST_ROUTES)
        assert all(EXAMPLES_RUN[f"GET {e}"] >= 1 for e, _r, _a in GET_ROUTES)
