"""Login throttling shared by every worker: Redis when RATELIMIT_STORAGE_URI is set, the database otherwise.

Two counters per attempt: the account (e-mail) and the client address. Within a window of
LOGIN_THROTTLE_MINUTES, LOGIN_MAX_FAILURES_PER_ACCOUNT failures block the account and
LOGIN_MAX_FAILURES_PER_IP failures block the address, each for LOGIN_THROTTLE_MINUTES.
A successful login clears the account counter (never the address counter: one valid
account must not reset an attacker's budget on others).

Keys are hashed: the throttle stores neither e-mail addresses nor IP addresses.
"""

from __future__ import annotations

import hashlib
import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, case, delete, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from clas_local.auth.models import LoginThrottle
from clas_local.db import UTCDateTime, utcnow
from clas_local.extensions import db

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Counter:
    key: str
    limit: int


def _hashed(kind: str, value: str) -> str:
    digest = hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()
    return f"{kind}:{digest}"


def counters(email: str, address: str) -> tuple[Counter, Counter]:
    config = current_app.config
    return (
        Counter(_hashed("account", (email or "").strip().lower()), config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]),
        Counter(_hashed("ip", address or "unknown"), config["LOGIN_MAX_FAILURES_PER_IP"]),
    )


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_THROTTLE_MINUTES"])


# -- database storage ------------------------------------------------------------------


class DatabaseStorage:
    """One row per key in login_throttle, updated by a single upsert so that
    concurrent workers never lose a failure."""

    name = "database"

    def blocked_for(self, keys: list[str], now: datetime) -> int:
        until = db.session.scalar(
            select(LoginThrottle.blocked_until)
            .where(LoginThrottle.key.in_(keys), LoginThrottle.blocked_until > now)
            .order_by(LoginThrottle.blocked_until.desc())
            .limit(1)
        )
        return math.ceil((until - now).total_seconds()) if until else 0

    def failure(self, counter: Counter, now: datetime) -> None:
        window = _window()
        cutoff, until = now - window, now + window
        table = LoginThrottle.__table__
        now_value, until_value = literal(now, UTCDateTime()), literal(until, UTCDateTime())
        insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(table)
        expired = table.c.window_started_at < cutoff
        statement = insert.values(
            key=counter.key,
            failures=1,
            window_started_at=now,
            blocked_until=until if counter.limit <= 1 else None,
        ).on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case((expired, 1), else_=table.c.failures + 1),
                "window_started_at": case((expired, now_value), else_=table.c.window_started_at),
                "blocked_until": case(
                    (and_(~expired, table.c.failures + 1 >= counter.limit), until_value),
                    else_=table.c.blocked_until,
                ),
            },
        )
        db.session.execute(statement)

    def reset(self, key: str) -> None:
        db.session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


# -- Redis storage ---------------------------------------------------------------------


class RedisStorage:
    name = "redis"

    def __init__(self, uri: str, prefix: str):
        import redis

        self.client = redis.Redis.from_url(uri, socket_timeout=2, socket_connect_timeout=2)
        self.prefix = prefix

    def blocked_for(self, keys: list[str], now: datetime) -> int:
        pipe = self.client.pipeline()
        for key in keys:
            pipe.pttl(f"{self.prefix}blocked:{key}")
        remaining = [ms for ms in pipe.execute() if ms and ms > 0]
        return math.ceil(max(remaining) / 1000) if remaining else 0

    def failure(self, counter: Counter, now: datetime) -> None:
        seconds = int(_window().total_seconds())
        count_key = f"{self.prefix}count:{counter.key}"
        pipe = self.client.pipeline()  # MULTI/EXEC: atomic for every worker
        pipe.incr(count_key)
        pipe.expire(count_key, seconds, nx=True)
        count = pipe.execute()[0]
        if count >= counter.limit:
            self.client.set(f"{self.prefix}blocked:{counter.key}", 1, ex=seconds)
            self.client.delete(count_key)

    def reset(self, key: str) -> None:
        self.client.delete(f"{self.prefix}count:{key}", f"{self.prefix}blocked:{key}")


def storage():
    uri = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if uri.startswith(("redis://", "rediss://", "unix://")):
        cache = current_app.extensions.setdefault("clas_login_throttle", {})
        if uri not in cache:
            cache[uri] = RedisStorage(uri, current_app.config["LOGIN_THROTTLE_PREFIX"])
        return cache[uri]
    return DatabaseStorage()


def _with_fallback(operation: str, *args):
    """Redis down must not lock everyone out nor crash the login page: fall back to the database."""
    chosen = storage()
    try:
        return getattr(chosen, operation)(*args)
    except Exception:
        if isinstance(chosen, DatabaseStorage):
            raise
        log.exception("Login throttle: Redis unreachable, using the database")
        return getattr(DatabaseStorage(), operation)(*args)


# -- the three calls the login view makes ------------------------------------------------


def blocked_for(email: str, address: str) -> int:
    """Seconds before this e-mail / address may try again (0: not blocked)."""
    return _with_fallback("blocked_for", [c.key for c in counters(email, address)], utcnow())


def register_failure(email: str, address: str) -> None:
    now = utcnow()
    for counter in counters(email, address):
        _with_fallback("failure", counter, now)


def register_success(email: str, address: str) -> None:
    account, _address = counters(email, address)
    _with_fallback("reset", account.key)


def purge_expired(now: datetime | None = None) -> int:
    """Drop database counters whose window and block are over (the CLI purge calls this)."""
    now = now or utcnow()
    cutoff = now - _window()
    result = db.session.execute(
        delete(LoginThrottle).where(
            LoginThrottle.window_started_at < cutoff,
            (LoginThrottle.blocked_until.is_(None)) | (LoginThrottle.blocked_until < now),
        )
    )
    return result.rowcount or 0
