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
