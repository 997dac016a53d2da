"""The pages the benchmark measures and the query-budget tests assert, in one table.

Adding a page is one line in PAGES; a page whose route is missing fails the tests.
"""

from __future__ import annotations

import shutil
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from flask import Flask, has_app_context, url_for
from sqlalchemy import text
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import BuildError, RequestRedirect

from clas_local.extensions import db

MAX_QUERIES = 12  # every page, at any size


@dataclass(frozen=True)
class Page:
    name: str
    role: str | None  # "host", "viewer", "porteur", "school", "department" (targets' users), None: anonymous
    kind: str = "html"  # html | fragment | feed | pdf
    endpoint: str | None = None  # a page that takes only the committee's slug
    path: str | None = None  # else a URL template filled from the targets
    query: str = ""
    method: str = "GET"
    data: dict = field(default_factory=dict)
    htmx: bool = False
    full_page: str | None = None  # a fragment is compared with this page's bytes
    budget: bool = True  # False: measured and reported, judged by no budget (a stress case)
    # Built anew at each request: a PDF (its cache emptied before), not read from the cache; a
    # département's dashboard after a write in one of its committees (that committee's line computed).
    cold: bool = False


M = "/c/{slug}/meetings/{meeting_id}"
PAGES: tuple[Page, ...] = (
    Page("committee home", "host", endpoint="committees.home"),
    Page("dashboard", "host", endpoint="compliance.dashboard"),
    Page("partner list", "host", endpoint="partners.index"),
    Page("partner search", "host", endpoint="partners.index", query="q=jean"),
    Page("partner page", "host", path="/c/{slug}/partners/{partner_id}"),
    Page("project list", "host", endpoint="projects.index"),
    Page("project page", "host", path="/c/{slug}/projects/{project_id}"),
    Page("dossier page", "porteur", path="/c/{slug}/projects/{project_id}/dossier"),
    Page("activity page", "porteur", path="/c/{slug}/projects/{project_id}/activity"),
    Page("meeting list", "host", endpoint="meetings.index"),
    Page("meeting page", "host", path=M),
    Page("attendance row (HTMX)", "host", kind="fragment", path=M + "/attendance/partners/{attendance_partner_id}",
         method="POST", data={"presence": "present"}, htmx=True, full_page="meeting page"),
    Page("attendance page", "host", path=M + "/attendance"),
    Page("answer page", None, path="/rsvp/{rsvp_token}"),
    Page("person feed", None, kind="feed", path="/cal/{person_feed_token}.ics"),
    Page("committee feed", None, kind="feed", path="/cal/{committee_feed_token}.ics"),
    # The PDF as downloaded again (unchanged dossier: read from the cache), then built anew.
    Page("dossier.pdf", "host", kind="pdf", path="/c/{slug}/projects/{dossier_project_id}/dossier.pdf"),
    Page("dossier.pdf, cold", "host", kind="pdf", path="/c/{slug}/projects/{dossier_project_id}/dossier.pdf",
         cold=True),
    # Issue 6's budget is for a dossier of 20 meetings and 30 files (the rows above); this one
    # shows how the time grows with a dossier nearly twice that size.
    Page("dossier.pdf, busiest", "porteur", kind="pdf", path="/c/{slug}/projects/{project_id}/dossier.pdf",
         budget=False, cold=True),
    # The sign-in sheet of a meeting, built at each download (PDF/UA like the dossier).
    Page("emargement.pdf", "host", kind="pdf", path=M + "/emargement.pdf", cold=True),
    # The département of the target committee (at department scale, 40 committees), as its CAF conseillère.
    Page("department dashboard", "department", path="/d/{departement_code}/"),
    Page("department dashboard, after a write", "department", path="/d/{departement_code}/", cold=True),
    Page("department bilan", "department", path="/d/{departement_code}/bilan"),
    # A download judged by the pages' budgets (queries, cost against the anchor).
    Page("department bilan.csv", "department", path="/d/{departement_code}/bilan.csv"),
)  # fmt: skip


def forget(client, page: Page, url: str) -> None:
    """A cold page: a PDF's cache emptied, so that the request builds its document; or one
    committee of a département written (its revision moved, as by any write), so that the
    dashboard computes that committee's line again and reads the others' kept lines."""
    if not page.cold:
        return
    if page.kind == "pdf":
        shutil.rmtree(client.application.config["DOSSIER_CACHE_FOLDER"], ignore_errors=True)
        return
    code = url.split("/")[2]  # /d/<code>/
    with nullcontext() if has_app_context() else client.application.app_context():
        db.session.execute(
            text("UPDATE committee_revision SET revision = revision + 1 WHERE committee_id = "
                 "(SELECT MIN(id) FROM committee WHERE departement_code = :code)"),
            {"code": code},
        )  # fmt: skip
        db.session.commit()


def url_values(target: dict) -> dict:
    """The values URL templates use, from one committee's targets (see dataset.BenchData)."""
    values = {key: value for key, value in target.items() if not isinstance(value, dict)}
    values["rsvp_token"] = rsvp_token(target.get("invitation_id"))
    return values


def rsvp_token(invitation_id: int | None) -> str | None:
    """A valid answer link for the invitation, made by the invitations domain's own code."""
    if invitation_id is None:
        return None
    from clas_local.extensions import db
    from clas_local.invitations.models import Invitation
    from clas_local.invitations.tokens import make_token

    invitation = db.session.get(Invitation, invitation_id)
    return make_token(invitation) if invitation else None


def resolve(app: Flask, page: Page, values: dict) -> str | None:
    """The page's URL for these targets, or None when its route does not exist (yet)."""
    with app.test_request_context():
        if page.endpoint:
            try:
                url = url_for(page.endpoint, slug=values["slug"])
            except BuildError:
                return None
        else:
            try:
                url = page.path.format(**values)
            except (KeyError, IndexError):
                return None
            if "None" in url.split("/"):
                return None
        adapter = app.url_map.bind("localhost")
        try:
            adapter.match(url, method=page.method)
        except RequestRedirect as redirect:
            url = redirect.new_url.split("localhost", 1)[1]
        except (NotFound, MethodNotAllowed):
            return None
    return url + (f"?{page.query}" if page.query else "")


def sign_in(client, user: dict) -> None:
    """Log a test client in as Flask-Login would after the login form (see tests/factories.sign_in)."""
    with client.session_transaction() as session:
        session["_user_id"] = user["session_token"]
        session["_fresh"] = True
        session["_login_at"] = int(time.time())


def request(client, page: Page, url: str):
    headers = {"HX-Request": "true"} if page.htmx else {}
    if page.method == "POST":
        return client.post(url, data=page.data, headers=headers)
    return client.get(url, headers=headers)
