"""Absolute session lifetime: a login is good for SESSION_HOURS, however active the person is.

The login time is stored in the (signed) session. Before Flask-Login loads the user,
a session older than PERMANENT_SESSION_LIFETIME loses its login: the person logs in
again, or their « rester connecté » cookie opens a new session. That cookie is itself
bounded server-side: it carries the account's session token, rotated at every login,
logout and password change, and it is refused once REMEMBER_COOKIE_DURATION has passed
since the login that issued it (User.last_login_at).
"""

from __future__ import annotations

import time

from flask import Flask, current_app, session
from flask_login import user_loaded_from_cookie

LOGIN_AT = "_login_at"
# Flask-Login's keys: dropping them logs the session out, the remember cookie stays usable.
LOGIN_KEYS = ("_user_id", "_fresh", "_id", LOGIN_AT)


def stamp_login_time() -> None:
    session[LOGIN_AT] = int(time.time())


def session_expired() -> bool:
    login_at = session.get(LOGIN_AT)
    if not isinstance(login_at, int):
        return False
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    return time.time() - login_at > lifetime


def init_app(app: Flask) -> None:
    @app.before_request
    def end_expired_session():
        if "_user_id" not in session:
            return
        if LOGIN_AT not in session:
            # A session from before login times were recorded: its lifetime starts now.
            stamp_login_time()
        elif session_expired():
            for key in LOGIN_KEYS:
                session.pop(key, None)

    @user_loaded_from_cookie.connect_via(app)
    def new_session_from_remember_cookie(_app, user):
        stamp_login_time()
