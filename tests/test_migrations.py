import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clas_local.extensions import db


def test_migrations_match_the_models(app):
    """The schema the migrations built (on this run's engine) is exactly the models' schema."""
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_migrations_reached_the_head(app):
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    head = ScriptDirectory.from_config(config).get_current_head()
    with db.engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() == head


LEGACY_ROWS = [
    # (action, object table key, summary, details) as the application wrote them before f028daae8902
    ("invitation.answered", "contact_invitation", "Isabelle Caradec : Présent·e (Lien reçu par e-mail)", {}),
    ("invitation.answered", "organisation_invitation", "École Volga : Excusé·e (Saisie par l'organisateur)", {}),
    ("invitation.sent", "meeting", "Invitation envoyée à 1 contact(s)", {"recipients": ["i.caradec@ecole.fr"]}),
    ("mail.resent", "message", "Renvoi à i.caradec@ecole.fr : Invitation : Suivi", {}),
    ("attendee.add", "contact_attendee", "Isabelle Caradec (École Volga)", {}),
    ("attendee.add", "typed_attendee", "Paul Bénévole (École Volga)", {}),
    ("attendee.remove", "gone", "Isabelle Caradec (École Volga)", {}),
    ("project.school.referent", "project", "Contact référent de École Volga : Isabelle Caradec", {"contact_id": "contact"}),
]


def test_the_upgrade_rewrites_audit_rows_that_named_a_contact(database_template, tmp_path):
    """Rows written before the audit log named contacts by reference lose the person, keep
    the action; the log's guard is back afterwards."""
    import json
    import os

    from flask_migrate import upgrade
    from sqlalchemy import create_engine, make_url, text
    from sqlalchemy.exc import DBAPIError

    from clas_local import create_app
    from tests.conftest import ENGINE, MIGRATIONS, _config

    if ENGINE == "postgresql":
        server = make_url(database_template)
        name = f"{server.database}_legacy_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path / 'legacy.sqlite'}"
    app = create_app(_config(SQLALCHEMY_DATABASE_URI=url))
    try:
        with app.app_context():
            upgrade(directory=MIGRATIONS, revision="8e5a79f9888c")
            ids = _legacy_world()
            db.session.remove()
            with db.engine.begin() as connection:
                for action, key, summary, details in LEGACY_ROWS:
                    details = {k: ids[v] if v == "contact" else v for k, v in details.items()}
                    connection.execute(text(
                        "INSERT INTO audit_event (action, object_type, object_id, summary, details, actor_email, "
                        "ip_address, occurred_at) VALUES (:action, '', :object_id, :summary, :details, '', '', "
                        "CURRENT_TIMESTAMP)"), {"action": action, "object_id": ids.get(key, 999), "summary": summary,
                                                "details": json.dumps(details)})
            upgrade(directory=MIGRATIONS)
            with db.engine.connect() as connection:
                rows = connection.execute(text("SELECT action, summary, details FROM audit_event ORDER BY id")).all()
                dump = repr(rows)
                assert "Caradec" not in dump and "i.caradec" not in dump
                summaries = [row.summary for row in rows]
                contact = ids["contact"]
                assert summaries == [
                    f"contact n° {contact} : Présent·e (Lien reçu par e-mail)",
                    "École Volga : Excusé·e (Saisie par l'organisateur)",
                    "Invitation envoyée à 1 contact(s)",
                    f"Renvoi du message n° {ids['message']} : Invitation : Suivi",
                    f"contact n° {contact} (École Volga)",
                    "Paul Bénévole (École Volga)",
                    "une personne présente (École Volga)",
                    f"Contact référent de École Volga : contact n° {contact}",
                ]
                with pytest.raises(DBAPIError):
                    connection.execute(text("UPDATE audit_event SET summary = 'falsifié'"))
            db.engine.dispose()
    finally:
        if ENGINE == "postgresql":
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def _legacy_world() -> dict[str, int]:
    """A contact invited, answering and present, written at the previous revision (none of
    these tables changes in f028daae8902, so the models can write them; invitation and partner
    rows are written with that revision's columns, as efc6f0b23db7 and 2d765c0f2715 add some)."""
    from datetime import datetime, timedelta, timezone

    from clas_local.attendance.models import Attendance, Attendee, Presence
    from types import SimpleNamespace

    from sqlalchemy import column, insert, table

    from clas_local.committees.models import HolidayZone
    from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
    from clas_local.meetings.models import Meeting, MeetingKind
    from clas_local.partners.models import Contact, PartnerKind

    start = datetime(2026, 12, 3, 16, 30, tzinfo=timezone.utc)
    # The committee row with that revision's columns too (8a44b4dfb871 adds departement_code).
    legacy_committee = table("committee", *(column(name) for name in (
        "id", "slug", "name", "host_organisation", "insee_codes", "holiday_zone", "timezone", "created_at", "updated_at")))
    committee = SimpleNamespace(id=db.session.execute(
        insert(legacy_committee).values(slug="rennes", name="Rennes", host_organisation="", insee_codes="[]",
                                        holiday_zone=HolidayZone.B.value, timezone="Europe/Paris", created_at=start,
                                        updated_at=start).returning(legacy_committee.c.id)
    ).scalar_one())
    # The partner row with that revision's columns (2d765c0f2715 adds covered_communes).
    legacy_partner = table("partner", *(column(name) for name in (
        "id", "committee_id", "kind", "name", "education_prioritaire", "address", "postcode", "commune_code",
        "commune_name", "phone", "email", "website", "circonscription", "is_open", "notes", "search_text",
        "created_at", "updated_at")))
    partner_id = db.session.execute(
        insert(legacy_partner).values(
            committee_id=committee.id, kind=PartnerKind.ASSOCIATION.value, name="École Volga", education_prioritaire="none",
            address="", postcode="", commune_code="", commune_name="", phone="", email="", website="",
            circonscription="", is_open=True, notes="", search_text="", created_at=start, updated_at=start,
        ).returning(legacy_partner.c.id)
    ).scalar_one()
    partner = SimpleNamespace(id=partner_id)
    contact = Contact(partner_id=partner_id, full_name="Isabelle Caradec", function="Directrice", email="i.caradec@ecole.fr")
    meeting = Meeting(committee_id=committee.id, kind=MeetingKind.COMITE_LOCAL, title="Suivi", starts_at=start,
                      ends_at=start + timedelta(hours=1))
    attendance = Attendance(meeting=meeting, partner_id=partner_id, presence=Presence.PRESENT, invited=True)
    contact_attendee = Attendee(attendance=attendance, contact=contact, full_name="")
    typed_attendee = Attendee(attendance=attendance, full_name="Paul Bénévole")
    db.session.add_all([contact, meeting, attendance, contact_attendee, typed_attendee])
    db.session.flush()
    # Invitation rows with the columns of that revision only (efc6f0b23db7 adds answer_to_reconfirm).
    legacy = table("invitation", *(column(name) for name in (
        "id", "meeting_id", "partner_id", "contact_id", "answer", "comment", "rsvp_nonce", "created_at", "updated_at")))
    invitation_ids = []
    for contact_id in (contact.id, None):
        invitation_ids.append(db.session.execute(
            insert(legacy).values(
                meeting_id=meeting.id, partner_id=partner.id, contact_id=contact_id, answer="pending", comment="",
                rsvp_nonce=f"nonce-{contact_id}", created_at=start, updated_at=start,
            ).returning(legacy.c.id)
        ).scalar_one())
    with_contact, organisation = (SimpleNamespace(id=invitation_id) for invitation_id in invitation_ids)
    message = OutgoingMessage(committee_id=committee.id, kind=MessageKind.INVITATION, recipient="x@y.fr",
                              subject="Invitation", raw=b"x", status=MessageStatus.FAILED)
    db.session.add(message)
    db.session.commit()
    return {"contact": contact.id, "meeting": meeting.id, "contact_invitation": with_contact.id,
            "organisation_invitation": organisation.id, "message": message.id,
            "contact_attendee": contact_attendee.id, "typed_attendee": typed_attendee.id, "project": 1}
