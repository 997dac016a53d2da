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
        device_days=config["KNOWN_DEVICE_DAYS"],
    )


# -- « Déclaration d'accessibilité » (RGAA model) -------------------------------------------


@bp.get("/accessibilite")
def accessibility():
    from flask import current_app, render_template

    from clas_local.accessibility import AUDIT, RGAA_VERSION

    return render_template(
        "core/accessibility.html",
        audit=AUDIT,
        rgaa_version=RGAA_VERSION,
        contact_email=current_app.config["MAIL_DEFAULT_SENDER"],
    )


# -- « Plan du site »: the second way around the application (RGAA 12.1, 12.3, 12.4) -------


@bp.get("/plan-du-site")
def sitemap():
    from flask import render_template
    from flask_login import current_user
    from sqlalchemy import select
    from sqlalchemy.orm import selectinload

    from clas_local.auth.models import Membership
    from clas_local.committees.models import Committee

    memberships = []
    if current_user.is_authenticated:
        memberships = db.session.scalars(
            select(Membership)
            .where(Membership.user_id == current_user.id)
            .join(Committee)
            .options(selectinload(Membership.committee))
            .order_by(Committee.name)
        ).all()
    return render_template("core/sitemap.html", memberships=memberships)
