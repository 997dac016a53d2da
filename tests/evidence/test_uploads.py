from __future__ import annotations

import hashlib
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.auth.models import Role
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from tests.conftest import csrf_token, page_text, post
from tests.evidence.conftest import (
    DOCX, EICAR, ELF_AS_PDF, EXE_AS_PDF, HTML_AS_PDF, JPEG, ODT, PLAIN_ZIP, PNG, pdf_bytes,
)


@pytest.fixture
def setting(make_partner, make_project, make_meeting, make_invitation):
    school = make_partner(PartnerKind.ECOLE)
    project = make_project(schools=(school,))
    meeting = make_meeting(project=project)
    make_invitation(meeting, school)
    return {"school": school, "project": project, "meeting": meeting}


def upload(client, url, data: bytes, name: str, kind: str = "signin_sheet"):
    if len(data) < 400 * 1024:
        return post(client, url, {"kind": kind, "file": (io.BytesIO(data), name)}, content_type="multipart/form-data")
    # Large bodies: encode them here, in memory (the test client would spool them to a temporary
    # file that it never closes when the app answers 413 without reading it).
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    token = csrf_token(client)
    file = FileStorage(stream=io.BytesIO(data), filename=name, content_type="application/octet-stream")
    boundary, body = encode_multipart({"kind": kind, "csrf_token": token, "file": file})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def meeting_upload_url(meeting) -> str:
    return f"/c/{meeting.committee.slug}/meetings/{meeting.id}/evidence"


def stored_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_FOLDER"])
    return sorted(folder.iterdir()) if folder.exists() else []


def evidence_count() -> int:
    return db.session.scalar(select(func.count()).select_from(EvidenceFile))


def test_pdf_is_kept_under_a_random_name_with_its_sha256(app, client, login_as, setting):
    user = login_as(Role.PORTEUR, partner=setting["project"].porteur)
    data = pdf_bytes()
    response = upload(client, meeting_upload_url(setting["meeting"]), data, "Feuille émargement signée.pdf")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/meetings/{setting['meeting'].id}#evidence-meeting")
    evidence = db.session.scalar(select(EvidenceFile))
    assert evidence.original_name == "Feuille émargement signée.pdf"
    assert evidence.content_type == "application/pdf"
    assert evidence.kind is EvidenceKind.SIGNIN_SHEET
    assert evidence.sha256 == hashlib.sha256(data).hexdigest() and evidence.size_bytes == len(data)
    assert evidence.uploaded_by_id == user.id and evidence.meeting_id == setting["meeting"].id
    assert re.fullmatch(r"[0-9a-f]{32}", evidence.storage_name)
    files = stored_files(app)
    assert [f.name for f in files] == [evidence.storage_name]
    assert files[0].read_bytes() == data
    assert "static" not in str(files[0])
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.upload")).object_id == evidence.id
    page = page_text(client.get(f"/c/rennes/meetings/{setting['meeting'].id}"))
    assert "Feuille émargement signée.pdf" in page and evidence.sha256[:12] in page


@pytest.mark.parametrize(
    ("data", "name", "content_type"),
    [
        (PNG, "photo-tableau.png", "image/png"),
        (JPEG, "photo.jpg", "image/jpeg"),
        (ODT, "compte-rendu.odt", "application/vnd.oasis.opendocument.text"),
        (DOCX, "compte-rendu.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (PNG, "sans-extension", "image/png"),
    ],
)
def test_accepted_types_by_content(client, login_as, setting, data, name, content_type):
    login_as(Role.HOST)
    assert upload(client, meeting_upload_url(setting["meeting"]), data, name, "minutes").status_code == 303
    evidence = db.session.scalar(select(EvidenceFile))
    assert evidence.content_type == content_type
    if name == "sans-extension":
        assert evidence.original_name == "sans-extension.png"


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (HTML_AS_PDF, "compte-rendu.pdf", "Ce fichier est une page web (HTML ou SVG), pas un document accepté"),
        (EXE_AS_PDF, "compte-rendu.pdf", "Ce fichier est un programme exécutable, pas un document accepté"),
        (ELF_AS_PDF, "compte-rendu.pdf", "Ce fichier est un programme exécutable, pas un document accepté"),
        (PLAIN_ZIP, "compte-rendu.docx", "pas un document accepté"),
        (PNG, "compte-rendu.pdf", "Le contenu de ce fichier est un PNG, mais son nom se termine par « .pdf »"),
        (b"", "vide.pdf", "Le fichier est vide."),
    ],
)
def test_disguised_or_wrong_files_are_refused_in_french(app, client, login_as, setting, data, name, message):
    login_as(Role.HOST)
    response = upload(client, meeting_upload_url(setting["meeting"]), data, name)
    assert response.status_code == 422
    text = page_text(response)
    assert message in text
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert evidence_count() == 0
    assert stored_files(app) == []


def test_type_refusal_is_audited(client, login_as, setting):
    login_as(Role.HOST)
    upload(client, meeting_upload_url(setting["meeting"]), HTML_AS_PDF, "piege.pdf")
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.refused"))
    assert event.details["reason"] == "type" and "piege.pdf" in event.summary


def test_missing_file_or_kind(client, login_as, setting):
    login_as(Role.HOST)
    response = post(client, meeting_upload_url(setting["meeting"]), {"kind": "minutes"}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choisissez un fichier." in page_text(response)
    response = upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "a.pdf", kind="bulletin")
    assert response.status_code == 422
    assert evidence_count() == 0


def test_path_in_the_name_is_dropped(app, client, login_as, setting):
    login_as(Role.HOST)
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "../../static/..\\evil\x1b.pdf")
    evidence = db.session.scalar(select(EvidenceFile))
    assert evidence.original_name == "evil.pdf"
    assert [f.name for f in stored_files(app)] == [evidence.storage_name]


class TestSizeLimit:
    @pytest.fixture
    def app_config(self, app_config):
        app_config["MAX_UPLOAD_MB"] = 1
        app_config["MAX_CONTENT_LENGTH"] = 1 * 1024 * 1024 + 64 * 1024
        return app_config

    def test_oversized_request_gets_the_french_413_page(self, app, client, login_as, setting):
        login_as(Role.HOST)
        data = pdf_bytes() + b"%" * (2 * 1024 * 1024)
        response = upload(client, meeting_upload_url(setting["meeting"]), data, "gros.pdf")
        assert response.status_code == 413
        text = page_text(response)
        assert "Fichier trop volumineux" in text and "Le fichier dépasse la taille autorisée de 1 Mo." in text
        assert evidence_count() == 0 and stored_files(app) == []

    def test_file_just_over_the_limit_inside_the_envelope_is_413_too(self, app, client, login_as, setting):
        login_as(Role.HOST)
        data = pdf_bytes() + b"%" * (1024 * 1024)
        response = upload(client, meeting_upload_url(setting["meeting"]), data, "juste-trop.pdf")
        assert response.status_code == 413
        assert "1 Mo" in page_text(response)
        assert evidence_count() == 0 and stored_files(app) == []

    def test_file_under_the_limit_is_kept(self, client, login_as, setting):
        login_as(Role.HOST)
        data = pdf_bytes() + b"%" * (900 * 1024)
        assert upload(client, meeting_upload_url(setting["meeting"]), data, "ok.pdf").status_code == 303


def test_download_under_the_original_name_with_safe_headers(client, login_as, setting):
    login_as(Role.HOST)
    data = pdf_bytes()
    upload(client, meeting_upload_url(setting["meeting"]), data, "Compte rendu « bilan » été.pdf")
    evidence = db.session.scalar(select(EvidenceFile))
    response = client.get(f"/c/rennes/evidence/{evidence.id}")
    assert response.status_code == 200
    assert response.get_data() == data
    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert 'filename="Compte rendu _ bilan _ ete.pdf"' in disposition
    assert "filename*=UTF-8''Compte%20rendu%20%C2%AB%20bilan%20%C2%BB%20%C3%A9t%C3%A9.pdf" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'; sandbox"
    assert "no-store" in response.headers["Cache-Control"]


def test_readers_download_and_others_get_404(client, login_as, setting, make_partner, make_committee):
    login_as(Role.HOST)
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "feuille.pdf")
    evidence = db.session.scalar(select(EvidenceFile))
    url = f"/c/rennes/evidence/{evidence.id}"

    login_as(Role.VIEWER)
    assert client.get(url).status_code == 200
    # Even the invited school: a signed sheet names everyone present (tests/security/test_school_role.py).
    login_as(Role.SCHOOL, partner=setting["school"])
    assert client.get(url).status_code == 404

    login_as(Role.SCHOOL, partner=make_partner(PartnerKind.ECOLE))
    assert client.get(url).status_code == 404

    other = make_committee()
    login_as(Role.HOST, committee_=other)
    assert client.get(url).status_code == 404
    assert client.get(f"/c/{other.slug}/evidence/{evidence.id}").status_code == 404
    assert post(client, f"/c/{other.slug}/evidence/{evidence.id}/delete").status_code == 404


def test_upload_refused_to_readers_and_other_committees(client, login_as, setting, make_committee):
    login_as(Role.VIEWER)
    assert upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "a.pdf").status_code == 403
    login_as(Role.SCHOOL, partner=setting["school"])
    assert upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "a.pdf").status_code == 403
    other = make_committee()
    login_as(Role.HOST, committee_=other)
    assert upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "a.pdf").status_code == 404
    assert evidence_count() == 0


def test_delete_by_uploader_removes_the_file_and_is_audited(app, client, login_as, setting):
    login_as(Role.PORTEUR, partner=setting["project"].porteur)
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "feuille.pdf")
    evidence = db.session.scalar(select(EvidenceFile))
    evidence_id, sha = evidence.id, evidence.sha256
    assert len(stored_files(app)) == 1
    response = post(client, f"/c/rennes/evidence/{evidence_id}/delete")
    assert response.status_code == 303
    assert evidence_count() == 0 and stored_files(app) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.delete"))
    assert event.object_id == evidence_id and event.details["sha256"] == sha


def test_delete_by_host_but_not_by_a_reader(client, login_as, setting):
    login_as(Role.PORTEUR, partner=setting["project"].porteur)
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "feuille.pdf")
    evidence_id = db.session.scalar(select(EvidenceFile.id))
    login_as(Role.VIEWER)
    assert post(client, f"/c/rennes/evidence/{evidence_id}/delete").status_code == 403
    login_as(Role.SCHOOL, partner=setting["school"])
    assert post(client, f"/c/rennes/evidence/{evidence_id}/delete").status_code == 404  # not even seen
    assert evidence_count() == 1
    login_as(Role.HOST)
    assert post(client, f"/c/rennes/evidence/{evidence_id}/delete").status_code == 303
    assert evidence_count() == 0


def test_project_files(client, login_as, setting):
    login_as(Role.PORTEUR, partner=setting["project"].porteur)
    url = f"/c/rennes/projects/{setting['project'].id}/evidence"
    assert upload(client, url, ODT, "convention.odt", "convention").status_code == 303
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "feuille.pdf")
    evidence = db.session.scalar(select(EvidenceFile).where(EvidenceFile.project_id.is_not(None)))
    assert evidence.meeting_id is None and evidence.kind is EvidenceKind.CONVENTION
    text = page_text(client.get(url))
    assert "convention.odt" in text and "Convention" in text
    assert "Pièces déposées sur les réunions du projet" in text and "feuille.pdf" in text


class TestAntivirus:
    @pytest.fixture
    def app_config(self, app_config, fake_scanner):
        app_config["ANTIVIRUS_COMMAND"] = f"{fake_scanner} --no-summary"
        return app_config

    def test_eicar_is_refused_audited_and_not_kept(self, app, client, login_as, setting):
        login_as(Role.HOST)
        response = upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes() + EICAR, "scan.pdf")
        assert response.status_code == 422
        assert "L'antivirus a détecté une menace dans ce fichier" in page_text(response)
        assert evidence_count() == 0 and stored_files(app) == []
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.refused"))
        assert event.details["reason"] == "virus" and "FOUND" in event.details["detail"]

    def test_eicar_alone_named_pdf_is_refused_by_the_antivirus(self, app, client, login_as, setting):
        login_as(Role.HOST)
        response = upload(client, meeting_upload_url(setting["meeting"]), EICAR, "eicar.pdf")
        assert "L'antivirus a détecté une menace" in page_text(response)
        assert evidence_count() == 0 and stored_files(app) == []

    def test_clean_file_passes_the_scanner(self, client, login_as, setting):
        login_as(Role.HOST)
        assert upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "propre.pdf").status_code == 303
        assert evidence_count() == 1


class TestAntivirusUnavailable:
    @pytest.fixture
    def app_config(self, app_config, tmp_path):
        app_config["ANTIVIRUS_COMMAND"] = str(tmp_path / "no-such-scanner")
        return app_config

    def test_a_scanner_that_cannot_run_refuses_the_file(self, app, client, login_as, setting):
        login_as(Role.HOST)
        response = upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "propre.pdf")
        assert response.status_code == 422
        assert "L'analyse antivirus n'a pas pu être faite" in page_text(response)
        assert evidence_count() == 0 and stored_files(app) == []


def test_storage_refuses_names_that_are_not_its_own(app):
    from clas_local.evidence import storage

    for name in ("../x", "a" * 32 + "/..", "ABCDEF" + "0" * 26, ""):
        with pytest.raises(ValueError):
            storage.path_for(name)
    assert os.path.basename(storage.path_for("0" * 32)) == "0" * 32


def test_project_page_shows_its_evidence_panel(client, login_as, setting):
    login_as(Role.HOST)
    upload(client, f"/c/rennes/projects/{setting['project'].id}/evidence", DOCX, "convention.docx", "convention")
    response = client.get(f"/c/rennes/projects/{setting['project'].id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="evidence-project"' in html and "convention.docx" in html
    assert 'enctype="multipart/form-data"' in html


def test_meeting_evidence_panel_queries_do_not_grow(app, client, login_as, setting):
    from tests.conftest import count_queries

    login_as(Role.HOST)
    url = f"/c/rennes/meetings/{setting['meeting'].id}"
    upload_url = meeting_upload_url(setting["meeting"])  # before measure() detaches the meeting

    def measure():
        db.session.remove()
        with count_queries() as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    upload(client, upload_url, pdf_bytes(), "a.pdf")
    few = measure()
    for n in range(5):
        upload(client, upload_url, pdf_bytes(), f"b{n}.pdf")
    assert measure() == few


@pytest.mark.parametrize("stored_as", ["../../etc/passwd", "", "0" * 32])
def test_a_record_whose_file_is_not_in_storage_gives_404_and_can_still_be_deleted(client, login_as, setting, stored_as):
    login_as(Role.HOST)
    upload(client, meeting_upload_url(setting["meeting"]), pdf_bytes(), "a.pdf")
    evidence = db.session.scalar(select(EvidenceFile))
    evidence.storage_name = stored_as  # a damaged record (restored from an old backup, edited by hand…)
    db.session.commit()
    assert client.get(f"/c/rennes/evidence/{evidence.id}").status_code == 404
    response = post(client, f"/c/rennes/evidence/{evidence.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count()).select_from(EvidenceFile)) == 0


def _bomb(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


ZEROS = b"\0" * (64 * 1024 * 1024)  # 64 MiB that deflate to ~64 KB: a ratio of about 1000


@pytest.mark.parametrize(("data", "name"), [
    (_bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": ZEROS}), "bombe.docx"),
    (_bomb({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": ZEROS}), "bombe.odt"),
])
def test_an_office_document_that_would_expand_absurdly_is_refused(app, client, login_as, setting, data, name):
    login_as(Role.HOST)
    assert len(data) < 1024 * 1024
    response = upload(client, meeting_upload_url(setting["meeting"]), data, name)
    assert response.status_code == 422
    text = page_text(response)
    assert "se décompresserait en 64 Mo" in text and "archive piégée" in text
    assert evidence_count() == 0 and stored_files(app) == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evidence.refused"))
    assert event.details["reason"] == "archive"


def test_an_archive_over_the_absolute_limit_is_refused(app, client, login_as, setting, monkeypatch):
    from clas_local.evidence import filetypes

    monkeypatch.setattr(filetypes, "MAX_UNCOMPRESSED_BYTES", 1024)
    login_as(Role.HOST)
    response = upload(client, meeting_upload_url(setting["meeting"]), DOCX, "convention.docx")
    assert response.status_code == 303  # small enough
    big = _bomb({"[Content_Types].xml": b"<Types/>", "word/document.xml": os.urandom(4096)})
    response = upload(client, meeting_upload_url(setting["meeting"]), big, "gros.docx")
    assert response.status_code == 422 and "archive piégée" in page_text(response)
