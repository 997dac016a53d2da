"""SQLite writers queue on a lock file beside the database (clas_local/sqlite.py): the turn is
held for the whole write transaction and given back however the transaction ends, so that a
writer never waits on a turn nobody holds."""

from __future__ import annotations

import fcntl
import os

import pytest
from sqlalchemy import text

from clas_local.extensions import db


def turn_is_free(app) -> bool:
    handle = os.open(f"{db.engine.url.database}.write-queue", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(handle)


@pytest.mark.parametrize("ending", ["commit", "rollback", "close"])
def test_a_write_transaction_holds_the_writers_turn_until_it_ends(app, ending):
    with app.app_context():
        assert turn_is_free(app)
        db.session.execute(text("SELECT 1"))  # outside a GET: BEGIN IMMEDIATE, the turn is taken
        assert not turn_is_free(app)
        getattr(db.session, ending)()
        assert turn_is_free(app)


def test_a_connection_thrown_away_mid_transaction_gives_the_turn_back(app):
    with app.app_context():
        connection = db.engine.connect()
        connection.begin()
        connection.exec_driver_sql("SELECT 1")
        assert not turn_is_free(app)
        connection.invalidate()
        assert turn_is_free(app)
        connection.rollback()
        connection.close()


def test_a_reading_request_takes_no_turn(app, client):
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.session.commit()
    # A GET while another connection holds the turn: served at once, it does not wait.
    with app.app_context():
        holder = db.engine.connect()
        holder.begin()
        holder.exec_driver_sql("SELECT 1")
        assert not turn_is_free(app)
        assert client.get("/login").status_code == 200
        holder.rollback()
        holder.close()
        assert turn_is_free(app)
