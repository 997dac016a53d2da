"""The audit log: append-only in the database, readable by hosts, purged after its retention."""

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from clas_local.audit.models import AuditEvent
from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.extensions import db
from tests.conftest import htmx_get, page_text, post
from tests.factories import TEST_PASSWORD


def _event(committee, action="meeting.update", days_ago=0, **fields):
    event = AuditEvent(action=action, committee_id=committee.id, occurred_at=utcnow() - timedelta(days=days_ago),
                       **fields)
    db.session.add(event)
    db.session.commit()
    return event


@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET summary = 'falsifié' WHERE id = :id",
    "UPDATE audit_event SET occurred_at = occurred_at WHERE id = :id",
    "DELETE FROM audit_event WHERE id = :id",
])
def test_a_recent_row_can_be_neither_changed_nor_deleted(committee, statement):
    event = _event(committee, days_ago=29)
    with pytest.raises(DBAPIError):
        db.session.execute(text(statement), {"id": event.id})
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == ""


def test_even_an_old_row_cannot_be_changed(committee):
    event = _event(committee, days_ago=400)
    with pytest.raises(DBAPIError):
        db.session.execute(text("UPDATE audit_event SET actor_email = 'x' WHERE id = :id"), {"id": event.id})
    db.session.rollback()


def test_purge_logs_deletes_only_what_is_older_than_the_retention(app, committee):
    old = _event(committee, days_ago=400).id
    kept = _event(committee, days_ago=300).id
    recent = _event(committee, days_ago=1).id
    app.config["AUDIT_RETENTION_DAYS"] = 365
    result = app.test_cli_runner().invoke(args=["clas", "purge-logs"])
    assert result.exit_code == 0, result.output
    assert "1 entrée de plus de 365 jours effacée" in result.output
    db.session.expire_all()
    remaining = set(db.session.scalars(select(AuditEvent.id)))
    assert old not in remaining and {kept, recent} <= remaining

    result = app.test_cli_runner().invoke(args=["clas", "purge-logs", "--days", "90"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert set(db.session.scalars(select(AuditEvent.id))) == {recent}


def test_purge_logs_refuses_a_retention_below_the_database_floor(app, committee):
    _event(committee, days_ago=10)
    result = app.test_cli_runner().invoke(args=["clas", "purge-logs", "--days", "7"])
    assert result.exit_code != 0
    assert "ne peut pas être inférieure à 30 jours" in result.output
    assert db.session.query(AuditEvent).count() == 1


def test_logins_are_recorded_success_and_failure_with_address(client, make_member):
    user = make_member("host", email="anne@mairie.fr")
    post(client, "/login", {"email": "anne@mairie.fr", "password": "mauvais-mot-de-passe"})
    post(client, "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["login.failure", "login.success"]
    assert events[1].actor_id == user.id and events[1].actor_email == "anne@mairie.fr"
    assert all(e.ip_address == "127.0.0.1" and e.occurred_at for e in events)


def test_refusals_are_recorded(client, login_as, committee, make_committee):
    make_committee(slug="brest")
    user = login_as("viewer")
    assert client.get("/c/rennes/members").status_code == 403
    assert client.get("/c/brest/").status_code == 404
    actions = [(e.action, e.actor_id) for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [("refused.403", user.id), ("refused.404", user.id)]


def test_hosts_read_their_committees_journal_only(client, login_as, committee, make_committee):
    brest = make_committee(slug="brest")
    _event(committee, "partner.create", actor_email="marie@mairie.fr", summary="École Jules-Ferry")
    _event(brest, "partner.create", actor_email="paul@brest.fr", summary="Collège de Brest")
    login_as("host")
    response = client.get("/c/rennes/journal")
    assert response.status_code == 200
    page = page_text(response)
    assert "<h1>Journal des actions</h1>" in page
    assert "Annuaire (organisations) : création" in page and "École Jules-Ferry" in page
    assert "Collège de Brest" not in page
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", ["porteur", "school", "viewer"])
def test_only_hosts_read_the_journal(client, login_as, committee, role):
    login_as(role)
    assert client.get("/c/rennes/journal").status_code == 403


def test_journal_filters_by_family_author_and_dates(client, login_as, committee):
    _event(committee, "meeting.update", actor_email="marie@mairie.fr", summary="Réunion A", days_ago=10)
    _event(committee, "login.failure", actor_email="", summary="Tentative B", days_ago=2)
    _event(committee, "meeting.create", actor_email="paul@asso.fr", summary="Réunion C", days_ago=1)
    login_as("host")
    page = page_text(client.get("/c/rennes/journal?family=meeting"))
    assert "Réunion A" in page and "Réunion C" in page and "Tentative B" not in page
    page = page_text(client.get("/c/rennes/journal?actor=PAUL@"))
    assert "Réunion C" in page and "Réunion A" not in page
    start = (utcnow() - timedelta(days=5)).date().isoformat()
    page = page_text(htmx_get(client, f"/c/rennes/journal?start={start}"))
    assert "Réunion C" in page and "Tentative B" in page and "Réunion A" not in page
    assert "<h1>" not in page  # HTMX gets the table only
    bad = client.get("/c/rennes/journal?start=2026-12-10&end=2026-12-01&family=nimporte")
    assert bad.status_code == 200
    assert "La date de fin doit suivre la date de début." in page_text(bad)


def test_journal_is_paginated_with_a_constant_number_of_queries(client, login_as, committee):
    from tests.conftest import count_queries

    for n in range(3):
        _event(committee, summary=f"entrée {n}")
    login_as("host")
    with count_queries() as few:
        client.get("/c/rennes/journal")
    for n in range(3, 120):
        db.session.add(AuditEvent(action="meeting.update", committee_id=committee.id, summary=f"entrée {n}"))
    db.session.commit()
    with count_queries() as many:
        page = page_text(client.get("/c/rennes/journal"))
    assert len(few) == len(many)
    assert "Page 1 sur 3" in page
    assert "entrée 119" in page and "entrée 3" not in page
    last = page_text(client.get("/c/rennes/journal?page=3"))
    assert "entrée 0" in last and "entrée 119" not in last


def test_record_keeps_actor_committee_and_time(app, committee, make_user):
    user = make_user()
    event = record("partner.create", committee=committee, actor=user, summary="x")
    db.session.commit()
    assert (event.actor_id, event.committee_id) == (user.id, committee.id)
    assert utcnow() - event.occurred_at < timedelta(minutes=1)


def _recorded_actions() -> set[str]:
    """Every action code the application writes (the first argument of record(), read by ast)."""
    import ast
    from pathlib import Path

    import clas_local

    found: set[str] = set()
    for path in Path(clas_local.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
                "record", "_throttled",
            ):
                for argument in node.args[:1]:
                    for constant in ast.walk(argument):
                        if isinstance(constant, ast.Constant) and isinstance(constant.value, str) and "." in constant.value:
                            found.add(constant.value)
    return found


def test_the_journal_names_every_action_in_french():
    from clas_local.audit.queries import ACTIONS, action_label

    actions = _recorded_actions()
    assert {"meeting.created", "attendance.set", "invitation.answered"} <= actions
    assert sorted(action for action in actions - set(ACTIONS) if action != "refused.") == []
    english = {"created", "updated", "set", "answered", "sent", "held", "cancelled", "resent", "upload", "refused"}
    for action in actions:
        words = set(action_label(action).replace(":", " ").replace("(", " ").replace(")", " ").split())
        assert not words & english, (action, action_label(action))
    assert action_label("refused.403") == "Accès refusé (interdit)"


def test_the_journal_page_shows_no_action_code(client, committee, login_as):
    login_as("host")
    _event(committee, action="meeting.created", summary="Suivi planifiée")
    text = page_text(client.get("/c/rennes/journal"))
    assert "Réunions : création" in text
    assert "meeting.created" not in text and "created" not in text
