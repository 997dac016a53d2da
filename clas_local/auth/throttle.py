"""Login throttling shared by every worker: Redis when RATELIMIT_STORAGE_URI is set, the database otherwise.

Throttling must stop password guessing without letting anyone lock the real users out:

- per account *and* address (or per account and known device): LOGIN_MAX_FAILURES_PER_ACCOUNT
  failures block that account from that address only. Twenty people of one mairie behind
  one NAT address do not lock each other out, and an attacker elsewhere does not lock out
  the account's owner at the mairie;
- per address: a high ceiling, LOGIN_MAX_FAILURES_PER_IP, for one address trying many
  accounts (password spraying);
- per account, over every address: LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL, for guessing
  spread over many addresses;
- a browser where the account logged in before carries a signed « known device » cookie
  (auth/devices.py): its attempts are counted for that account and device only, so that
  neither ceiling above ever blocks the owner on their usual browser.

Within a window of LOGIN_THROTTLE_MINUTES, reaching a limit blocks for LOGIN_THROTTLE_MINUTES.
A successful login clears the counters of that account from that address or device (never
the address or the account-wide counters: one valid account must not reset an attacker's
budget); choosing a new password through an e-mailed link clears the account-wide one.
The « mot de passe oublié » form is throttled the same way, on counters of its own.

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


LOGIN, PASSWORD_RESET = "login", "reset"


def _hashed(kind: str, *values: str) -> str:
    digest = hashlib.sha256("\x1f".join((kind, *values)).encode()).hexdigest()
    return f"{kind}:{digest}"


def _account(email: str) -> str:
    return (email or "").strip().lower()


def counters(email: str, address: str, device: str | None = None, scope: str = LOGIN) -> list[Counter]:
    """The counters an attempt is charged to (see the module's docstring)."""
    config = current_app.config
    account, address = _account(email), address or "unknown"
    per_account = config["LOGIN_MAX_FAILURES_PER_ACCOUNT"]
    if device:
        return [Counter(_hashed(f"{scope}-device", account, device), per_account)]
    return [
        Counter(_hashed(f"{scope}-account-address", account, address), per_account),
        Counter(_hashed(f"{scope}-address", address), config["LOGIN_MAX_FAILURES_PER_IP"]),
        Counter(_hashed(f"{scope}-account", account), config["LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL"]),
    ]


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


# -- the calls the login and « mot de passe oublié » views make ------------------------------


def blocked_for(email: str, address: str, device: str | None = None, scope: str = LOGIN) -> int:
    """Seconds before this attempt may be made again (0: not blocked)."""
    keys = [c.key for c in counters(email, address, device, scope)]
    return _with_fallback("blocked_for", keys, utcnow())


def register_failure(email: str, address: str, device: str | None = None, scope: str = LOGIN) -> None:
    now = utcnow()
    for counter in counters(email, address, device, scope):
        _with_fallback("failure", counter, now)


def register_success(email: str, address: str, device: str | None = None) -> None:
    """Clear the counter of this account from this address or device only."""
    _with_fallback("reset", counters(email, address, device)[0].key)


def clear_account(email: str) -> None:
    """A new password was chosen through an e-mailed link: guesses of the old one no longer count."""
    _with_fallback("reset", _hashed(f"{LOGIN}-account", _account(email)))


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
