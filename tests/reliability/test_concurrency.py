"""Reliability under a real server: 2 gunicorn workers, concurrent writes, a backup taken while
writing, and a worker killed with SIGKILL in the middle of writes. SQLite (WAL, busy timeout,
BEGIN IMMEDIATE) by default; PostgreSQL when the suite runs with CLAS_TEST_ENGINE=postgresql."""

from __future__ import annotations

import http.client
import os
import signal
import sqlite3
import subprocess  # nosec B404 - tests run our own CLI
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clas_local.attendance.models import Attendance, Presence
from clas_local.audit.models import AuditEvent
from clas_local.auth.models import Membership, Role, User
from clas_local.auth.passwords import hash_password
from clas_local.committees.models import Committee, HolidayZone
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind
from clas_local.partners.models import Partner, PartnerKind
from tests.conftest import ENGINE
from tests.reliability.server import ROOT, Browser, start_gunicorn

pytestmark = pytest.mark.slow

PASSWORD = "Une-phrase-de-passe-solide"
PRESENCES = [p.value for p in Presence]
CONCURRENT_WRITES = 200


def seed(partners: int) -> dict:
    committee = Committee(slug="fiable", name="Comité local de Fiabilité", holiday_zone=HolidayZone.B)
    host = User(email="hote@fiable.fr", password_hash=hash_password(PASSWORD))
    db.session.add_all([committee, host])
    db.session.flush()
    db.session.add(Membership(user=host, committee=committee, role=Role.HOST))
    start = datetime.now(timezone.utc).replace(microsecond=0) - timedelta(days=1)
    meeting = Meeting(committee=committee, kind=MeetingKind.COMITE_LOCAL, title="Comité local",
                      starts_at=start, ends_at=start + timedelta(hours=2))
    db.session.add(meeting)
    organisations = [Partner(committee=committee, kind=PartnerKind.ASSOCIATION, name=f"Association n° {n}")
                     for n in range(partners)]
    db.session.add_all(organisations)
    db.session.flush()
    db.session.add_all([Invitation(meeting=meeting, partner=partner) for partner in organisations])
    db.session.commit()
    return {"meeting": meeting.id, "partners": [p.id for p in organisations]}


def attendance_path(world: dict, partner_id: int) -> str:
    return f"/c/fiable/meetings/{world['meeting']}/attendance/partners/{partner_id}"


def database_path(app) -> str:
    return db.engine.url.database


def integrity(path: str) -> str:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def stored_presences(meeting_id: int) -> dict[int, str]:
    db.session.expire_all()
    rows = db.session.execute(
        select(Attendance.partner_id, Attendance.presence).where(Attendance.meeting_id == meeting_id)
    ).all()
    return {partner_id: presence.value for partner_id, presence in rows}


@pytest.fixture
def server(app, tmp_path):
    servers = []

    def start():
        url = app.config["SQLALCHEMY_DATABASE_URI"]
        db.session.remove()
        running = start_gunicorn(url, tmp_path)
        servers.append(running)
        return running

    yield start
    for running in servers:
        running.stop()


def test_200_concurrent_attendance_updates_lose_nothing(app, server):
    world = seed(CONCURRENT_WRITES)
    running = server()
    browser = Browser(running.port)
    browser.login("hote@fiable.fr", PASSWORD)
    expected = {pid: PRESENCES[n % 3] for n, pid in enumerate(world["partners"])}

    def write(partner_id):
        return browser.post(attendance_path(world, partner_id), {"presence": expected[partner_id]})[0]

    with ThreadPoolExecutor(max_workers=24) as pool:
        statuses = list(pool.map(write, world["partners"]))

    assert len(statuses) == CONCURRENT_WRITES
    assert not [s for s in statuses if s >= 500], f"5xx answers: {statuses}"
    assert set(statuses) <= {200, 303}, statuses
    stored = stored_presences(world["meeting"])
    lost = {pid for pid, presence in expected.items() if stored.get(pid) != presence}
    assert not lost, f"{len(lost)} of {CONCURRENT_WRITES} writes lost"
    audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attendance.set"))
    assert audited == CONCURRENT_WRITES
    # Both workers took part (else the test proves nothing about several processes).
    assert len(running.worker_pids) == 2
    if ENGINE == "sqlite":
        assert integrity(database_path(app)) == "ok"


def test_the_same_row_updated_concurrently_keeps_one_row_and_a_valid_value(app, server):
    world = seed(1)
    running = server()
    browser = Browser(running.port)
    browser.login("hote@fiable.fr", PASSWORD)
    partner_id = world["partners"][0]

    def write(n):
        return browser.post(attendance_path(world, partner_id), {"presence": PRESENCES[n % 3]})[0]

    with ThreadPoolExecutor(max_workers=16) as pool:
        statuses = list(pool.map(write, range(60)))
    assert set(statuses) <= {200, 303}, statuses
    rows = db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.meeting_id == world["meeting"]))
    assert rows == 1
    audited = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attendance.set"))
    assert audited == 60


def _flask_cli(app, *args: str):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "x" * 40}
    flask = str(Path(sys.executable).with_name("flask"))
    return subprocess.run([flask, "--app", "app", "clas", *args], cwd=ROOT, env=env,  # nosec B603
                          capture_output=True, text=True, timeout=120)


def test_a_backup_taken_while_writing_restores_to_an_intact_database(app, server, tmp_path):
    world = seed(150)
    running = server()
    browser = Browser(running.port)
    browser.login("hote@fiable.fr", PASSWORD)
    acknowledged: list[int] = []
    statuses: list[int] = []
    stop = threading.Event()

    def writer(partners):
        n = 0
        while not stop.is_set():  # keeps writing, round after round, until the backup is done
            pid = partners[n % len(partners)]
            status = browser.post(attendance_path(world, pid), {"presence": PRESENCES[n % 3]})[0]
            statuses.append(status)
            acknowledged.append(pid)
            n += 1

    threads = [threading.Thread(target=writer, args=(world["partners"][k::4],)) for k in range(4)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 20:
        time.sleep(0.02)
    backup = tmp_path / "sauvegarde" / "clas.sqlite"
    before = len(acknowledged)
    result = _flask_cli(app, "backup", str(backup))
    after = len(acknowledged)
    stop.set()
    for thread in threads:
        thread.join(timeout=120)

    assert statuses and max(statuses) < 500, sorted(set(statuses))
    if ENGINE == "postgresql":
        # The command refuses and says how to back up PostgreSQL.
        assert result.returncode != 0 and "pg_dump" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "contrôle d'intégrité : ok" in result.stdout
    assert after > before, "the backup must be taken while writes go on"
    # Restore: a copy of the backup is a working database.
    restored = tmp_path / "restauree.sqlite"
    restored.write_bytes(backup.read_bytes())
    assert integrity(str(restored)) == "ok"
    with sqlite3.connect(restored) as connection:
        rows = connection.execute("SELECT count(*) FROM attendance").fetchone()[0]
        assert connection.execute("SELECT slug FROM committee").fetchone()[0] == "fiable"
        assert connection.execute("SELECT count(*) FROM partner").fetchone()[0] == 150
    assert 0 < rows <= len(world["partners"])
    from clas_local import create_app
    from tests.conftest import _config

    restored_app = create_app(_config(SQLALCHEMY_DATABASE_URI=f"sqlite:///{restored}"))
    with restored_app.test_client() as client:
        assert client.get("/healthz").status_code == 200
    with restored_app.app_context():
        db.engine.dispose()


def test_a_worker_killed_mid_write_leaves_an_intact_database(app, server):
    world = seed(160)
    running = server()
    browser = Browser(running.port)
    browser.login("hote@fiable.fr", PASSWORD)
    acknowledged: dict[int, str] = {}
    failures: list[str] = []
    server_errors: list[int] = []
    lock = threading.Lock()

    def writer(partners):
        for n, pid in enumerate(partners):
            presence = PRESENCES[n % 3]
            try:
                status = browser.post(attendance_path(world, pid), {"presence": presence})[0]
            except (OSError, http.client.HTTPException) as exc:  # the killed worker's connections drop
                failures.append(repr(exc))
                continue
            if status >= 500:
                server_errors.append(status)
            if status in (200, 303):
                with lock:
                    acknowledged[pid] = presence

    threads = [threading.Thread(target=writer, args=(world["partners"][k::8],)) for k in range(8)]
    for thread in threads:
        thread.start()
    while len(acknowledged) < 40:
        time.sleep(0.01)
    victim = running.worker_pids[0]
    os.kill(victim, signal.SIGKILL)  # our own gunicorn worker, by pid
    for thread in threads:
        thread.join(timeout=180)

    assert not server_errors, server_errors
    assert len(failures) <= 8 * 4, failures  # only requests in flight on the killed worker
    assert len(acknowledged) > 100, f"writes went on after the kill ({len(acknowledged)} acknowledged)"
    stored = stored_presences(world["meeting"])
    lost = {pid for pid, presence in acknowledged.items() if stored.get(pid) != presence}
    assert not lost, f"{len(lost)} acknowledged writes missing after SIGKILL"
    if ENGINE == "sqlite":
        running.stop()
        assert integrity(database_path(app)) == "ok"


CONCURRENT_REFUSALS = 150


def test_150_concurrent_refusals_are_all_in_the_audit_log(app, server):
    """Refusals are written by GET requests (whose reads stay deferred): each one must reach the
    log even while other refusals and writes are committed at the same time."""
    world = seed(CONCURRENT_REFUSALS)
    other = Committee(slug="voisin", name="Comité voisin", holiday_zone=HolidayZone.B)
    intruder = User(email="hote@voisin.fr", password_hash=hash_password(PASSWORD))
    db.session.add_all([other, intruder])
    db.session.flush()
    db.session.add(Membership(user=intruder, committee=other, role=Role.HOST))
    db.session.commit()
    running = server()
    host, neighbour = Browser(running.port), Browser(running.port)
    host.login("hote@fiable.fr", PASSWORD)
    neighbour.login("hote@voisin.fr", PASSWORD)
    meeting_page = f"/c/fiable/meetings/{world['meeting']}"

    def refused(n):
        return neighbour.request("GET", meeting_page)[0]

    def write(partner_id):
        return host.post(attendance_path(world, partner_id), {"presence": "present"})[0]

    with ThreadPoolExecutor(max_workers=24) as pool:
        refusals = pool.map(refused, range(CONCURRENT_REFUSALS))
        writes = pool.map(write, world["partners"])
        refusals, writes = list(refusals), list(writes)

    assert refusals == [404] * CONCURRENT_REFUSALS
    assert set(writes) <= {200, 303}, writes
    db.session.expire_all()
    logged = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "refused.404", AuditEvent.actor_email == "hote@voisin.fr"))
    assert logged == CONCURRENT_REFUSALS, f"{CONCURRENT_REFUSALS - logged} refusals lost"
    assert "database is locked" not in running.log()
