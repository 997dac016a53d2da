"""No 500 from the query string: hostile numbers give the first page, an ignored filter, or a 404.

The outside test found `?page=9223372036854775807` (and ids beyond what the database
holds) answering 500. Every GET route of the matrix is requested as an actor allowed
to see it, with every query parameter the app reads set to hostile numbers at once.
"""

from __future__ import annotations

import pytest

from tests.security.matrix import MATRIX, OK
from tests.security.test_permission_matrix import ROUTES, request_as
from tests.security.world import build_world

HOSTILE_NUMBERS = ["9223372036854775807", "-1", "deux", "²"]
# Every query parameter the app reads somewhere.
PARAMETERS = ("page", "porteur", "project", "v", "statut", "status", "kind", "when", "month", "school_year",
              "day", "from", "to", "q", "ep", "family", "actor", "start", "end", "next")
PAGINATED = ("projects.index", "meetings.index", "partners.index", "audit.index", "mail.outbox", "auth.accounts")

GET_ROUTES = [(e, a) for e, m, _r, a in ROUTES if m == "GET"]


def _actor(endpoint: str) -> str:
    expected = MATRIX[(endpoint, "GET")]
    return next(actor for actor in ("host_a", "admin", "school", "department", "anonymous") if expected[actor] == OK)


@pytest.mark.parametrize(("endpoint", "arguments"), GET_ROUTES, ids=[e for e, _a in GET_ROUTES])
def test_hostile_numbers_in_the_query_string_never_break_a_page(world_app, endpoint, arguments):
    world = build_world()
    actor = _actor(endpoint)
    for value in HOSTILE_NUMBERS:
        response = request_as(world_app, world, actor, endpoint, "GET", arguments,
                              query_string={name: value for name in PARAMETERS})
        response.close()
        assert response.status_code < 500, f"{endpoint} ?…={value}: {response.status_code}"
        if endpoint in PAGINATED:
            assert response.status_code == 200, f"{endpoint} ?page={value}: {response.status_code}"


@pytest.mark.parametrize("path", [
    "/c/rennes/meetings/9223372036854775807",
    "/c/rennes/projects/99999999999999999999999",
    "/c/rennes/partners/2147483648",
    "/c/rennes/mail/9223372036854775807.eml",
])
def test_ids_beyond_the_database_answer_404(world_app, path):
    from tests.factories import sign_in

    world = build_world()
    client = world_app.test_client()
    sign_in(client, world.users["host_a"])
    assert client.get(path).status_code == 404


def test_a_huge_page_of_a_list_is_its_first_page(world_app):
    from tests.conftest import page_text
    from tests.factories import sign_in

    world = build_world()
    client = world_app.test_client()
    sign_in(client, world.users["host_a"])
    first = page_text(client.get("/c/rennes/partners"))
    huge = page_text(client.get("/c/rennes/partners?page=9223372036854775807"))
    assert "École Jules-Ferry" in first and "École Jules-Ferry" in huge
