"""SQLite done right: WAL, foreign keys, a busy timeout and a queue for writers on every connection.

Writers queue on a lock file beside the database before they take SQLite's write lock.
SQLite's own busy handler polls with growing sleeps (1, 2, 5, 10, … up to 100 ms), so a
writer that waits can wake up to tens of milliseconds after the lock was freed; a lock file
polled every millisecond hands the turn over at once. That is the tail latency of two
workers posting attendance at the same time (issue 18: p95 ≤ 3 × the median). The busy
timeout stays as the last word: a writer that waited BUSY_TIMEOUT_MS for the queue goes on
to SQLite, which waits as long again and then refuses (« database is locked »), as before.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager

from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

BUSY_TIMEOUT_MS = 15_000
QUEUE_POLL_SECONDS = 0.001
_QUEUE = "clas_write_queue"  # the connection's open lock file while it holds the writers' turn


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

    queue = f"{engine.url.database}.write-queue" if engine.url.database not in (None, "", ":memory:") else None

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        if _reading_request():
            connection.exec_driver_sql("BEGIN")
            return
        if queue:
            _wait_for_turn(connection.info, queue)
        try:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _leave(connection.info)
            raise

    # The turn ends with the transaction, however it ends (commit, rollback, or a connection
    # handed back to the pool or thrown away mid-transaction).
    for name in ("commit", "rollback"):
        # An invalidated connection gave its turn back already (the pool's "invalidate").
        event.listen(engine, name, lambda connection: None if connection.invalidated else _leave(connection.info))
    @event.listens_for(engine.pool, "checkin")
    @event.listens_for(engine.pool, "close")
    def _on_checkin(_dbapi_connection, record):
        if record is not None:
            _leave(record.info)

    @event.listens_for(engine.pool, "reset")
    def _on_reset(_dbapi_connection, record, _reset_state):
        _leave(record.info)

    @event.listens_for(engine.pool, "invalidate")
    def _on_invalidate(_dbapi_connection, record, _exception):
        _leave(record.info)


def _wait_for_turn(info: dict, path: str) -> None:
    if _QUEUE in info:
        return
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                os.close(handle)  # SQLite's busy timeout decides from here
                return
            time.sleep(QUEUE_POLL_SECONDS)
    info[_QUEUE] = handle


def _leave(info: dict) -> None:
    handle = info.pop(_QUEUE, None)
    if handle is not None:
        os.close(handle)  # closing the file releases its lock


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
