"""Pages that belong to no committee: health check and public information pages."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text

from clas_local.extensions import db

bp = Blueprint("core", __name__)


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # the answer itself is the diagnosis
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


# -- « Données personnelles » (security / RGPD) -------------------------------------------


@bp.get("/donnees-personnelles")
def privacy():
    from flask import current_app, render_template

    config = current_app.config
    return render_template(
        "core/privacy.html",
        session_hours=int(config["PERMANENT_SESSION_LIFETIME"].total_seconds() // 3600),
        remember_days=config["REMEMBER_COOKIE_DURATION"].days,
        password_link_hours=int(config["PASSWORD_LINK_MAX_AGE"].total_seconds() // 3600),
        audit_days=config["AUDIT_RETENTION_DAYS"],
        throttle_minutes=config["LOGIN_THROTTLE_MINUTES"],
    )
