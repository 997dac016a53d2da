"""Test fixtures: an app on a clean database per test, clients, factories and helpers.

Engines: SQLite always; PostgreSQL when CLAS_TEST_ENGINE=postgresql (the Makefile runs
the suite a second time that way when TEST_DATABASE_URL is set). Either way the schema
is built once per run by the Alembic migrations, never by create_all, so the
migrations are proven on both engines.
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, make_url, text

from clas_local import create_app
from clas_local.config import TestConfig
from clas_local.extensions import db

ENGINE = os.environ.get("CLAS_TEST_ENGINE", "sqlite")
MIGRATIONS = str(Path(__file__).resolve().parent.parent / "migrations")

pytest_plugins = ["tests.factories"]


def _config(**overrides) -> type[TestConfig]:
    return type("PerTestConfig", (TestConfig,), overrides)


def _postgres_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        pytest.fail("CLAS_TEST_ENGINE=postgresql needs TEST_DATABASE_URL=postgresql://…")
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Build the schema once with the migrations; return the URL (PostgreSQL) or file (SQLite).

    On PostgreSQL each run gets a database of its own (dropped at the end), so that
    several runs on one server never clobber each other."""
    if ENGINE == "postgresql":
        server_url = make_url(_postgres_url())
        name = f"{server_url.database}_run_{os.getpid()}"
        admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server_url.set(database=name).render_as_string(hide_password=False)
        app = create_app(_config(SQLALCHEMY_DATABASE_URI=url))
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            db.engine.dispose()
        yield url
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    path = tmp_path_factory.mktemp("schema") / "template.sqlite"
    app = create_app(_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}"))
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    yield str(path)


@pytest.fixture
def database_url(database_template, tmp_path) -> str:
    if ENGINE == "postgresql":
        return database_template
    path = tmp_path / "test.sqlite"
    shutil.copyfile(database_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, tmp_path) -> dict:
    """Override a setting for one test with `app_config["KEY"] = value` before using `app`."""
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "OUTBOX_FOLDER": str(tmp_path / "outbox"),
        "DOSSIER_CACHE_FOLDER": str(tmp_path / "dossier-cache"),
    }


@pytest.fixture
def app(app_config):
    app = create_app(_config(**app_config))
    with app.app_context():
        if ENGINE == "postgresql":
            # The run's one database is emptied *before* each test: a test never depends on
            # how the previous one (or a module-scoped fixture) left it.
            tables = ", ".join(f'"{table.name}"' for table in reversed(db.metadata.sorted_tables))
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def csrf_token(client) -> str:
    """The CSRF token of the client's session, read from a page as a browser would."""
    response = client.get("/login", follow_redirects=True)
    match = CSRF_META.search(response.get_data(as_text=True))
    assert match, "every page carries <meta name=csrf-token>"
    return match.group(1)


def post(client, url: str, data: dict | None = None, *, htmx: bool = False, **kwargs):
    """POST a form with the session's CSRF token, as the page would (HTMX sends it as a header)."""
    token = csrf_token(client)
    data = dict(data or {})
    headers = kwargs.pop("headers", {})
    if htmx:
        headers.update({"HX-Request": "true", "X-CSRFToken": token})
    else:
        data.setdefault("csrf_token", token)
    return client.post(url, data=data, headers=headers, **kwargs)


def htmx_get(client, url: str, **kwargs):
    headers = {"HX-Request": "true", **kwargs.pop("headers", {})}
    return client.get(url, headers=headers, **kwargs)


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block: `with count_queries() as queries: …; len(queries)`."""
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


def page_text(response) -> str:
    """The response body as a person reads it: HTML entities decoded (&#39; → ')."""
    import html

    return html.unescape(response.get_data(as_text=True))
