"""SQLite done right: WAL, foreign keys and a busy timeout on every connection."""

from __future__ import annotations

from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15_000


def configure(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (so
        # BEGIN IMMEDIATE below is honoured and concurrent writers queue up).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys = ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN" if _reading_request() else "BEGIN IMMEDIATE")


def _reading_request() -> bool:
    """True while serving a GET or HEAD, whose transaction only reads.

    Writing requests and commands take the write lock up front (BEGIN IMMEDIATE): a
    deferred transaction that reads then writes fails at once with "database is locked"
    when another writer committed in between, instead of waiting its turn. Reads stay
    deferred so that a slow page never holds the lock other workers need to write; a GET
    that must write (the audit log's refusals) does it in `write_transaction()`.
    """
    return has_request_context() and request.method in ("GET", "HEAD") and not g.get(_WRITING, False)


_WRITING = "_clas_sqlite_writing"


@contextmanager
def write_transaction():
    """Inside a reading request: the transactions begun in the block take the write lock up
    front (BEGIN IMMEDIATE), so that they wait their turn instead of failing. No effect on
    other engines, whose transactions need no such thing."""
    previous = g.get(_WRITING, False)
    setattr(g, _WRITING, True)
    try:
        yield
    finally:
        setattr(g, _WRITING, previous)
