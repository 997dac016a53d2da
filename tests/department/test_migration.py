"""The migration fills the département of the committees that existed before it, from their communes."""

from __future__ import annotations

import json
import os

from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from clas_local import create_app
from clas_local.extensions import db
from tests.conftest import ENGINE, MIGRATIONS, _config

BEFORE = "534db305bcaa"


def test_existing_committees_get_the_departement_of_their_communes(database_template, tmp_path):
    if ENGINE == "postgresql":
        server = make_url(database_template)
        name = f"{server.database}_departement_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'before.sqlite'}"
    app = create_app(_config(SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision=BEFORE)
            with db.engine.begin() as connection:
                for slug, codes in (("rennes", ["35238", "35024"]), ("ajaccio", ["2A004"]),
                                    ("saint-denis", ["97411"]), ("limites", ["35238", "53130"]), ("vide", [])):
                    connection.execute(text(
                        "INSERT INTO committee (slug, name, host_organisation, insee_codes, holiday_zone, timezone, "
                        "created_at, updated_at) VALUES (:slug, :slug, '', :codes, 'B', 'Europe/Paris', "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"slug": slug, "codes": json.dumps(codes)})  # fmt: skip
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as connection:
                found = dict(connection.execute(text("SELECT slug, departement_code FROM committee")).all())
            assert found == {"rennes": "35", "ajaccio": "2A", "saint-denis": "974", "limites": None, "vide": None}
            db.engine.dispose()
    finally:
        if ENGINE == "postgresql":
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
