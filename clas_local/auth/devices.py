"""« Known devices »: a browser where an account logged in is not blocked by attacks from elsewhere.

After a successful login the browser receives a signed cookie naming a random device id
and (hashed) the account. On the next attempts for that account from that browser, the
throttle counts failures per account and device only (auth/throttle.py), so that guesses
from other addresses, however many, never lock the owner out of their usual browser. The
cookie proves nothing on its own: the password is still checked, and failures on that
device are limited like any other.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import Response, current_app, request
from itsdangerous import BadData, URLSafeTimedSerializer

COOKIE = "clas_appareil"
SALT = "clas-local/known-device"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _account_digest(email: str) -> str:
    return hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]


def _max_age() -> int:
    return current_app.config["KNOWN_DEVICE_DAYS"] * 86400


def known_device(email: str) -> str | None:
    """The device id of this browser if the account logged in here before, else None."""
    value = request.cookies.get(COOKIE)
    if not value:
        return None
    try:
        data = _serializer().loads(value, max_age=_max_age())
    except BadData:
        return None
    if not isinstance(data, dict) or data.get("account") != _account_digest(email):
        return None
    device = data.get("device")
    return device if isinstance(device, str) else None


def remember_device(response: Response, email: str) -> None:
    device = known_device(email) or secrets.token_urlsafe(16)
    value = _serializer().dumps({"account": _account_digest(email), "device": device})
    response.set_cookie(
        COOKIE,
        value,
        max_age=_max_age(),
        path="/login",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
        httponly=True,
        samesite="Lax",
    )
