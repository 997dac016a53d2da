"""Concurrent toggles (threads, each its own connection): no 5xx, one row per organisation, no lost write."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from clas_local.attendance.models import Attendance
from clas_local.audit.models import AuditEvent
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from tests.conftest import csrf_token
from tests.factories import sign_in

PRESENCES = ("present", "excused", "absent")


def test_concurrent_toggles_lose_nothing(app, scene, make_partner, make_invitation, make_member):
    partners = [scene.school, scene.centre]
    for _ in range(2):
        partner = make_partner(PartnerKind.ASSOCIATION)
        make_invitation(scene.meeting, partner)
        partners.append(partner)
    user = make_member(Role.HOST)
    clients = []
    for _ in range(8):
        client = app.test_client()
        sign_in(client, user)
        clients.append((client, csrf_token(client)))
    urls = [scene.toggle_url(partner) for partner in partners]  # computed here: threads have no app context
    # End this thread's transaction: on SQLite every transaction takes the write lock (BEGIN IMMEDIATE).
    db.session.remove()
    jobs = [(urls[i % len(urls)], PRESENCES[i % 3], clients[i % len(clients)]) for i in range(80)]

    def toggle(job):
        url, presence, (client, token) = job
        response = client.post(
            url,
            data={"presence": presence},
            headers={"HX-Request": "true", "X-CSRFToken": token},
        )
        return response.status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(toggle, jobs))
    assert statuses == [200] * len(jobs)
    db.session.remove()
    rows = db.session.scalar(select(func.count()).select_from(Attendance).where(Attendance.meeting_id == scene.meeting.id))
    assert rows == len(urls)
    written = db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "attendance.set"))
    assert written == len(jobs)
