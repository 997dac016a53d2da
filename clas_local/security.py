"""Response headers that every page carries, and the stricter policy of file downloads.

- HTML pages: a Content-Security-Policy without 'unsafe-inline' or 'unsafe-eval' (htmx runs
  with allowEval false and no injected indicator styles, see templates/base.html), no
  framing, no MIME sniffing, a strict referrer policy.
- Anything that is not an HTML page (PDF, ZIP, CSV, .ics, .eml, evidence files) gets the
  download policy: nothing in it may run in our origin, even if a browser renders it.
  Views may call mark_download() explicitly; the after-request hook applies it anyway.
- Authenticated pages, pages reached through a secret token (/rsvp/…, /cal/…, password
  links) and responses that set a cookie are never stored by browsers or proxies (the
  last by a WSGI middleware: Flask sets the session cookie after the hooks have run).
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

# Files people uploaded are served inert: nothing in them may run in our origin.
DOWNLOAD_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"

# Responses that are pages of the application (the CSP above applies), not downloads.
PAGE_MIMETYPES = frozenset({"text/html"})
# Not pages and not downloads: the health check's JSON answer, and our own static files.
INERT_MIMETYPES = frozenset({"application/json"})


def mark_download(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = DOWNLOAD_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    if not getattr(response, "cache_control_intended", False):
        response.headers["Cache-Control"] = "no-store"
    return response


def keep_cache_control(response: Response) -> Response:
    """The view's own Cache-Control stands (a subscribed feed: `private, max-age=…`, for the
    client's cache only): the hooks below otherwise make every private answer no-store.
    A response that sets a cookie is still made no-store (NoStoreWithCookies)."""
    response.cache_control_intended = True
    return response


def _is_download(response: Response) -> bool:
    if request.endpoint == "static" or not response.mimetype:
        return False
    if response.headers.get("Content-Disposition", "").startswith("attachment"):
        return True  # whatever its type (the JSON export of a contact, …)
    return response.mimetype not in PAGE_MIMETYPES | INERT_MIMETYPES


def _private(response: Response) -> bool:
    if request.endpoint == "static":
        return False
    if request.view_args and "token" in request.view_args:
        return True
    return current_user.is_authenticated or "Set-Cookie" in response.headers


NUL_MESSAGE = "La demande contient un caractère invisible non autorisé (caractère nul) : retirez-le et recommencez."


def _has_nul() -> bool:
    """A NUL character in a parameter: no person types one, and PostgreSQL refuses to store it."""
    values = [v for _k, items in request.args.lists() for v in items]
    values += [str(v) for v in (request.view_args or {}).values()]
    if request.method in ("POST", "PUT", "PATCH", "DELETE") and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        values += [v for _k, items in request.form.lists() for v in items]
        values += [f.filename or "" for _k, files in request.files.lists() for f in files]
    return any("\x00" in value for value in values)


class NoStoreWithCookies:
    """WSGI middleware: any response that sets a cookie is `Cache-Control: no-store`.

    Flask writes the session cookie after the after-request hooks have run, so that only
    the final headers tell whether a cookie is set; a cached copy of such a response would
    hand its cookie (a session) to whoever the cache serves next."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if any(name.lower() == "set-cookie" for name, _value in headers):
                headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
                vary = [v for n, v in headers if n.lower() == "vary"]
                if not any("cookie" in v.lower() for v in vary):
                    headers = [(n, v) for n, v in headers if n.lower() != "vary"]
                    headers.append(("Vary", ", ".join([*vary, "Cookie"])))
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_characters():
        if request.endpoint != "static" and _has_nul():
            from clas_local.errors import render_error

            return render_error(400, NUL_MESSAGE, "Caractère non autorisé")
        return None

    app.wsgi_app = NoStoreWithCookies(app.wsgi_app)
    proxies = int(app.config.get("TRUSTED_PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        if _is_download(response):
            mark_download(response)
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        headers["X-Frame-Options"] = "DENY"
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
        if app.config.get("SESSION_COOKIE_SECURE"):
            headers["Strict-Transport-Security"] = "max-age=31536000"
        if _private(response) and not getattr(response, "cache_control_intended", False):
            headers["Cache-Control"] = "no-store"
        return response
