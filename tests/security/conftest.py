"""Fixtures of the security tests: Redis when available (required in CI)."""

from __future__ import annotations

import os
import uuid

import pytest

REDIS_URI = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_required() -> bool:
    return os.environ.get("REQUIRE_REDIS") == "1" or bool(os.environ.get("CI"))


@pytest.fixture
def redis_uri():
    """A reachable Redis, or a skip — a failure when REQUIRE_REDIS=1 or CI is set."""
    import redis

    client = redis.Redis.from_url(REDIS_URI, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        if redis_required():
            pytest.fail(f"REQUIRE_REDIS=1 but Redis is unreachable at {REDIS_URI}: {exc}")
        pytest.skip(f"Redis unreachable at {REDIS_URI} (set REQUIRE_REDIS=1 to make this a failure)")
    finally:
        client.close()
    return REDIS_URI


@pytest.fixture
def redis_throttle(app_config, redis_uri):
    """Throttle counters in Redis, under a prefix of this test's own."""
    prefix = f"clas-test:{uuid.uuid4().hex}:"
    app_config.update(RATELIMIT_STORAGE_URI=redis_uri, LOGIN_THROTTLE_PREFIX=prefix)
    yield prefix
    import redis

    client = redis.Redis.from_url(redis_uri)
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(scope="module")
def shared_app(database_template, tmp_path_factory):
    """One app (and database) for a whole module of route-walking tests: creating an app per
    route would dominate their time. Each test starts from an emptied database (world_app)."""
    import shutil

    from sqlalchemy import text

    from clas_local import create_app
    from clas_local.extensions import db
    from tests.conftest import ENGINE, _config

    folder = tmp_path_factory.mktemp("shared-app")
    if ENGINE == "postgresql":
        url = database_template
    else:
        shutil.copyfile(database_template, folder / "shared.sqlite")
        url = f"sqlite:///{folder / 'shared.sqlite'}"
    app = create_app(_config(SQLALCHEMY_DATABASE_URI=url, UPLOAD_FOLDER=str(folder / "uploads"),
                             OUTBOX_FOLDER=str(folder / "outbox")))
    yield app
    with app.app_context():
        db.session.remove()
        if ENGINE == "postgresql":
            tables = ", ".join(f'"{t.name}"' for t in reversed(db.metadata.sorted_tables))
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        db.engine.dispose()


@pytest.fixture
def world_app(shared_app):
    """The module's app with an app context and an empty database (but for the audit log)."""
    from clas_local.extensions import db
    from tests.security.world import reset_database

    with shared_app.app_context():
        reset_database()
        yield shared_app
        db.session.remove()
