"""Clas Local: the intranet of a comité local d'accompagnement à la scolarité."""

from __future__ import annotations

import math
import os
from collections import Counter
from pathlib import Path

from flask import Flask, g

from clas_local.config import DEV_SECRET_KEY, Config, config_for_environment

# Every domain blueprint, registered in this order; each lives in clas_local/<domain>/routes.py.
BLUEPRINT_MODULES = (
    "clas_local.core.routes",
    "clas_local.auth.routes",
    "clas_local.committees.routes",
    "clas_local.partners.routes",
    "clas_local.projects.routes",
    "clas_local.meetings.routes",
    "clas_local.calendar.routes",
    "clas_local.invitations.routes",
    "clas_local.attendance.routes",
    "clas_local.evidence.routes",
    "clas_local.mail.routes",
    "clas_local.compliance.routes",
    "clas_local.dossier.routes",
    "clas_local.activity.routes",
    "clas_local.audit.routes",
    "clas_local.department.routes",
)


def create_app(config: type[Config] | Config | None = None) -> Flask:
    app = Flask(
        __name__,
        template_folder=str(Path(__file__).parent.parent / "templates"),
        static_folder=str(Path(__file__).parent.parent / "static"),
        instance_path=str(Path(__file__).parent.parent / "instance"),
    )
    app.config.from_object(config or config_for_environment())
    _refuse_unsafe_production(app)
    os.makedirs(app.instance_path, exist_ok=True)

    @app.before_request
    def fresh_request_globals():
        # g lives on the app context, which a test may keep across requests: start each
        # request with no cached user, membership or refusal. Registered before the
        # extensions so that what they put in g (CSRFProtect's verdict) survives.
        g.__dict__.clear()

    from clas_local import models  # noqa: F401  (register every table)
    from clas_local.db import render_migration_item
    from clas_local.extensions import csrf, db, htmx, login_manager, migrate

    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(Path(__file__).parent.parent / "migrations"),
        render_as_batch=True,
        render_item=render_migration_item,
    )
    csrf.init_app(app)
    htmx.init_app(app)
    login_manager.init_app(app)

    from clas_local import sqlite

    with app.app_context():
        sqlite.configure(db.engine)

    from clas_local import auth, compression, errors, security, templating, url_numbers

    compression.init_app(app)  # first registered, so it runs after every other after-request hook
    url_numbers.init_app(app)  # before the blueprints: their <int:…> rules use it
    auth.init_app(app)
    security.init_app(app)
    templating.init_app(app)
    errors.init_app(app)

    import importlib

    for module_name in BLUEPRINT_MODULES:
        module = importlib.import_module(module_name)
        app.register_blueprint(module.bp)

    from clas_local.cli import clas

    app.cli.add_command(clas)
    return app


MIN_KEY_LENGTH = 32
# Estimated from the key's characters: a random 32-character hex key has 115.6 on average with a
# standard deviation of 4.2 (1 key in 10,000 falls under 96), so the floor sits eight deviations below.
MIN_KEY_BITS = 80


def key_looks_random(key: str) -> bool:
    """A rough test of a secret key's randomness: enough entropy in its characters (Shannon),
    and no repeated pattern (distinct 3-character sequences). « aaaa… » and « abcabc… » fail,
    what `secrets` generates passes; a guessable phrase may not be caught: generate the key."""
    if len(key) < MIN_KEY_LENGTH:
        return False
    counts = Counter(key)
    bits = -sum(n * math.log2(n / len(key)) for n in counts.values())
    trigrams = {key[i : i + 3] for i in range(len(key) - 2)}
    return bits >= MIN_KEY_BITS and len(trigrams) >= 0.8 * (len(key) - 2)


def _refuse_unsafe_production(app: Flask) -> None:
    if app.config.get("ENV_NAME") == "production":
        key = app.config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or not key_looks_random(key):
            raise RuntimeError(
                "SECRET_KEY manquante, trop courte ou trop prévisible : en production, définissez une clé "
                "aléatoire d'au moins 32 caractères (python -c 'import secrets; print(secrets.token_hex(32))')."
            )
