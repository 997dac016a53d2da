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
