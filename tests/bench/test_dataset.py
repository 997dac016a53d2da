"""The benchmark dataset: deterministic, valid, and refused on a database that holds data."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import func, select

from bench import dataset
from bench.cli import register as register_bench_commands
from clas_local.auth.models import Membership, Role
from clas_local.calendar.models import CalendarFeed
from clas_local.evidence.models import EvidenceFile
from clas_local.extensions import db
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus
from clas_local.partners.models import TERRITORY_KINDS, EducationPrioritaire, Partner, uai_error
from clas_local.partners.validation import search_text
from clas_local.projects.models import Project


def test_the_same_rows_every_time(app, tmp_path):
    first = dataset._Builder(dataset.SCALES["small"], str(tmp_path / "a"), dataset.SEED)
    second = dataset._Builder(dataset.SCALES["small"], str(tmp_path / "b"), dataset.SEED)
    first.generate()
    second.generate()
    assert first.rows == second.rows
    assert first.data.targets == second.data.targets
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in (tmp_path / "b").iterdir())


def test_small_scale_second_committee_holds_three_times_the_first(bench_data):
    small, large = dataset.SCALES["small"].committees
    assert large.meetings == 3 * small.meetings
    assert large.schools == 3 * small.schools
    assert bench_data.targets[1]["meeting_invited"] == 3 * bench_data.targets[0]["meeting_invited"]
    assert db.session.scalar(select(func.count(Meeting.id))) == small.meetings + large.meetings


def test_schools_have_valid_uais_and_searchable_text(bench_data):
    partners = db.session.scalars(select(Partner)).all()
    schools = [p for p in partners if p.is_school]
    assert schools and all(uai_error(p.uai) is None for p in schools)
    assert {p.education_prioritaire for p in schools} == set(EducationPrioritaire)
    assert TERRITORY_KINDS <= {p.kind for p in partners}
    for partner in partners:
        assert partner.search_text == search_text(partner.name, partner.commune_name, partner.uai)
    assert any("ecole elementaire" in p.search_text for p in schools)  # accents folded


def test_meetings_span_three_years_every_kind_and_status(bench_data):
    meetings = db.session.scalars(select(Meeting)).all()
    assert {m.kind for m in meetings} == set(MeetingKind)
    assert {m.status for m in meetings} == set(MeetingStatus)
    years = db.session.scalars(select(Project.school_year).distinct()).all()
    assert sorted(years) == ["2024-2025", "2025-2026", "2026-2027"]
    assert all(m.cancelled_at for m in meetings if m.status is MeetingStatus.CANCELLED)


def test_evidence_files_exist_with_their_checksum(app, bench_data):
    records = db.session.scalars(select(EvidenceFile)).all()
    assert len(records) == bench_data.counts["evidence_file"] > 0
    for record in records:
        content = Path(dataset.evidence_path(app.config["UPLOAD_FOLDER"], record.storage_name)).read_bytes()
        assert content.startswith(b"%PDF-")
        assert len(content) == record.size_bytes
        assert hashlib.sha256(content).hexdigest() == record.sha256


def test_porteurs_are_bound_to_the_organisations_holding_projects(bench_data):
    porteur_partners = set(db.session.scalars(select(Project.porteur_id)))
    bound = db.session.scalars(select(Membership.partner_id).where(Membership.role == Role.PORTEUR)).all()
    assert porteur_partners <= set(bound)
    target = bench_data.targets[0]
    project = db.session.get(Project, target["project_id"])
    assert project.porteur_id == target["porteur"]["partner_id"]


def test_feed_tokens_are_stored_hashed_and_known_to_the_benchmark(bench_data):
    target = bench_data.targets[0]
    hashes = set(db.session.scalars(select(CalendarFeed.token_hash)))
    for token in (target["person_feed_token"], target["committee_feed_token"]):
        assert token not in hashes
        assert dataset.feed_hash(token) in hashes


def test_refuses_a_database_that_holds_data_unless_forced(app):
    register_bench_commands(app)  # as app.py does
    runner = app.test_cli_runner()
    first = runner.invoke(args=["clas", "bench-data", "--scale", "small"])
    assert first.exit_code == 0, first.output
    assert "Jeu de données « small » créé" in first.output
    again = runner.invoke(args=["clas", "bench-data", "--scale", "small"])
    assert again.exit_code != 0
    assert "La base contient déjà des données" in again.output
    assert "--force" in again.output
    forced = runner.invoke(args=["clas", "bench-data", "--scale", "small", "--force"])
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(func.count(Meeting.id))) == 2 * sum(
        size.meetings for size in dataset.SCALES["small"].committees
    )


def test_national_scale_is_ten_departments():
    national = dataset.SCALES["national"].committees
    years = len(dataset.SCHOOL_YEARS)
    assert len(national) == 400
    assert sum(size.projects_per_year for size in national) * years == 12_000
    assert sum(size.meetings for size in national) == 250_000
    assert sum(size.meetings * (size.invited_partners + size.invited_contacts) for size in national) == 1_500_000


def test_rows_written_in_several_batches_are_the_same_rows(app, tmp_path, monkeypatch):
    # A national dataset is written committee by committee; the rows do not change.
    monkeypatch.setattr(dataset, "FLUSH_ROWS", 10)
    data = dataset.build("small", str(tmp_path / "uploads"))
    db.session.commit()
    counts = {model.__tablename__: db.session.scalar(select(func.count(model.id))) for model in dataset.MODELS}
    assert counts == data.counts
    assert counts["meeting"] == sum(size.meetings for size in dataset.SCALES["small"].committees)
    assert all(uai_error(uai) is None for uai in db.session.scalars(select(Partner.uai).where(Partner.uai.is_not(None))))
