"""Integrity lives in the database: these fail at the model or at the engine, never silently."""

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, StatementError

from clas_local.auth.models import Membership, Role
from clas_local.extensions import db
from clas_local.meetings.models import Meeting, MeetingKind
from clas_local.partners.models import Partner, PartnerKind, uai_error
from clas_local.projects.models import Collectif


def test_uai_check_letter_is_verified():
    assert uai_error("0350122T") is None
    assert "lettre de contrôle" in uai_error("0350122A")
    assert "7 chiffres" in uai_error("035012T")


def test_a_wrong_uai_check_letter_cannot_be_stored(committee):
    with pytest.raises(ValueError, match="0350122T attendu"):
        Partner(committee=committee, kind=PartnerKind.ECOLE, name="École", uai="0350122A")


def test_a_uai_is_unique_within_a_committee(committee, make_partner):
    make_partner(PartnerKind.ECOLE, uai="0350122T")
    db.session.add(Partner(committee=committee, kind=PartnerKind.ECOLE, name="Doublon", uai="0350122T"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_same_school_may_sit_in_two_committees(make_committee, make_partner):
    other = make_committee()
    make_partner(PartnerKind.ECOLE, uai="0350122T")
    make_partner(PartnerKind.ECOLE, uai="0350122T", committee=other)
    assert db.session.query(Partner).filter_by(uai="0350122T").count() == 2


def test_only_schools_carry_a_uai(committee):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO partner (committee_id, kind, name, uai, education_prioritaire, address, postcode, "
                 "commune_code, commune_name, phone, email, website, circonscription, is_open, notes, search_text) "
                 "VALUES (:c, 'association', 'Asso', '0350122T', 'none', '', '', '', '', '', '', '', '', true, '', '')"),
            {"c": committee.id},
        )
    db.session.rollback()


def test_an_unknown_role_is_refused_by_the_model_and_the_database(committee, make_user):
    user = make_user()
    with pytest.raises(StatementError):
        db.session.add(Membership(user=user, committee=committee, role="superuser"))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO membership (user_id, committee_id, role) VALUES (:u, :c, 'admin')"),
            {"u": user.id, "c": committee.id},
        )
        db.session.commit()
    db.session.rollback()


def test_one_membership_per_user_and_committee(committee, make_member):
    user = make_member("viewer")
    db.session.add(Membership(user=user, committee=committee, role=Role.HOST))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_meeting_ends_after_it_starts(committee):
    start = datetime(2026, 12, 3, 17, tzinfo=timezone.utc)
    db.session.add(Meeting(committee=committee, kind=MeetingKind.COMITE_LOCAL, starts_at=start, ends_at=start - timedelta(hours=1)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_key_moment_belongs_to_a_project(committee):
    start = datetime(2026, 12, 3, 17, tzinfo=timezone.utc)
    db.session.add(Meeting(committee=committee, kind=MeetingKind.BILAN, starts_at=start, ends_at=start + timedelta(hours=1)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_naive_datetimes_are_refused(committee):
    db.session.add(Meeting(committee=committee, kind=MeetingKind.COMITE_LOCAL,
                           starts_at=datetime(2026, 12, 3, 17), ends_at=datetime(2026, 12, 3, 18)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.flush()
    db.session.rollback()


def test_times_come_back_in_utc(make_meeting):
    paris = datetime(2026, 12, 3, 17, 30, tzinfo=timezone(timedelta(hours=1)))
    meeting = make_meeting(starts_at=paris)
    db.session.expire_all()
    assert meeting.starts_at == paris
    assert meeting.starts_at.utcoffset() == timedelta(0)


def test_collectif_counts_cannot_be_negative(make_project):
    project = make_project()
    db.session.add(Collectif(project=project, name="Groupe", children_count=-1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_foreign_keys_are_enforced(committee):
    with pytest.raises(IntegrityError):
        db.session.execute(
            text("INSERT INTO membership (user_id, committee_id, role) VALUES (999999, :c, 'host')"), {"c": committee.id}
        )
        db.session.commit()
    db.session.rollback()


def test_the_audit_log_is_append_only(committee):
    from clas_local.audit.services import record

    event = record("test.event", committee=committee, summary="avant")
    db.session.commit()
    with pytest.raises(Exception, match="append-only"):
        db.session.execute(text("UPDATE audit_event SET summary = 'après' WHERE id = :id"), {"id": event.id})
        db.session.commit()
    db.session.rollback()
    with pytest.raises(Exception, match="kept at least"):
        db.session.execute(text("DELETE FROM audit_event WHERE id = :id"), {"id": event.id})
        db.session.commit()
    db.session.rollback()
