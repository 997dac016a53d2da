"""Query counts of the main pages at small scale: at most 12, and the same for 3× the rows.

Counts, not times: a page that starts running one query per row fails here, in CI,
long before anyone runs `make bench`. The pages come from bench/pages.py:
adding a page is one line there.
"""

from __future__ import annotations

import pytest

from bench.pages import MAX_QUERIES, PAGES, forget, request, resolve, sign_in, url_values
from clas_local.extensions import db
from tests.conftest import count_queries



def measure(app, page, target) -> tuple[int, int] | None:
    """(status, queries) of one warm request of the page for this committee, or None when absent."""
    url = resolve(app, page, url_values(target))
    if url is None:
        return None
    client = app.test_client()
    if page.role:
        sign_in(client, target[page.role])
    request(client, page, url)  # warm: per-process caches (school calendar…) are not per-request costs
    forget(client, page, url)  # a cold page: its PDF built again, its committee's line computed again
    db.session.remove()  # each request starts with an empty identity map, as in production
    with count_queries() as queries:
        response = request(client, page, url)
    db.session.remove()
    return response.status_code, len(queries)


def assert_budget(app, page, bench_data):
    small, large = bench_data.targets  # the second committee holds three times the rows
    status_small, queries_small = measure(app, page, small)
    status_large, queries_large = measure(app, page, large)
    assert (status_small, status_large) == (200, 200), page.name
    assert queries_small <= MAX_QUERIES, f"{page.name}: {queries_small} queries"
    assert queries_large == queries_small, (
        f"{page.name}: {queries_small} queries for the small committee, {queries_large} for 3× the rows"
    )


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_page_stays_within_query_budget(app, bench_data, page):
    assert measure(app, page, bench_data.targets[0]) is not None, f"{page.name}: route missing"
    assert_budget(app, page, bench_data)
