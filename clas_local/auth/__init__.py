"""Accounts: Flask-Login wiring. Routes are in routes.py, rules in services.py."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, current_app, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clas_local.extensions import db, login_manager


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Connectez-vous pour accéder à cette page."
    login_manager.login_message_category = "info"
    # Flask-Login's "strong" protection drops the session when the IP or agent changes,
    # which logs out phone users on every network switch; revocation is done by the
    # rotating session token instead.
    login_manager.session_protection = "basic"

    from clas_local.auth.models import User

    @login_manager.user_loader
    def load_user(session_token: str) -> User | None:
        # The department access comes in the same query: permissions and the menu read it on every page.
        user = db.session.scalar(
            select(User).where(User.session_token == session_token).options(joinedload(User.department_access))
        )
        if user is None or not user.is_active:
            return None
        # No cookie outlives the login that issued it by more than the remember duration.
        if user.last_login_at is not None:
            age = datetime.now(timezone.utc) - user.last_login_at
            if age > current_app.config["REMEMBER_COOKIE_DURATION"]:
                return None
        return user

    from clas_local.auth import sessions

    sessions.init_app(app)

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import flash

        from clas_local.htmx import is_htmx_request, login_redirect

        login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
        if not is_htmx_request():
            flash(login_manager.login_message, "info")
        return login_redirect(login_url)
