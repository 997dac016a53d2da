"""The one place that knows about HTMX request and response headers.

Views call `render()` with the full page and the fragment that HTMX swaps in:
one URL serves both, and a history-restore request gets the full page.
"""

from __future__ import annotations

import json

from flask import Response, make_response, render_template
from flask import redirect as flask_redirect
from flask_htmx import make_response as htmx_make_response

from clas_local.extensions import htmx


def is_htmx_request() -> bool:
    """Any request HTMX made (fragment, boosted or history restore)."""
    return bool(htmx)


def is_fragment_request() -> bool:
    """True for an HTMX request that expects a fragment (not a history restore, not boosted)."""
    return bool(htmx) and not htmx.history_restore_request and not htmx.boosted


def render(page: str, fragment: str | None = None, *, status: int = 200, **context) -> Response:
    template = fragment if fragment and is_fragment_request() else page
    response = make_response(render_template(template, **context), status)
    if fragment:
        response.vary.add("HX-Request")
    return response


def fragment(html: str, status: int = 200) -> Response:
    """HTML for HTMX to swap in (a row, a panel, nothing with 204). The same URL answers a
    plain request differently, so the response varies on HX-Request."""
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response


def retarget(response: Response, target: str, swap: str = "outerHTML") -> Response:
    """Swap the response into `target` (a CSS selector) instead of the element that asked."""
    response.headers["HX-Retarget"] = target
    response.headers["HX-Reswap"] = swap
    return response


def redirect(url: str) -> Response:
    """A client-side redirect for HTMX, a normal 303 otherwise (POST-redirect-GET)."""
    if htmx:
        return htmx_make_response("", 200, redirect=url)
    return flask_redirect(url, 303)


def trigger(response: Response, event: str, detail: dict | None = None) -> Response:
    """Ask the page to fire `event` after the swap (e.g. to refresh a counter elsewhere)."""
    existing = json.loads(response.headers.get("HX-Trigger", "{}") or "{}")
    existing[event] = detail or {}
    response.headers["HX-Trigger"] = json.dumps(existing)
    return response


def login_redirect(login_url: str) -> Response:
    """An expired session on an HTMX request: reload to the login page, not a swap."""
    if htmx:
        return htmx_make_response("", 401, redirect=login_url)
    return flask_redirect(login_url)
