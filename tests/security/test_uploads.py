"""Adversarial uploads and downloads: path traversal, header injection, other committees' files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from sqlalchemy import select

from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.security import DOWNLOAD_POLICY
from tests.factories import sign_in
from tests.security.test_permission_matrix import csrf_for
from tests.security.world import EVIDENCE_BYTES, build_world

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"

HOSTILE_NAMES = [
    "../../../../tmp/clas-evil.pdf",
    "..\\..\\..\\windows\\clas-evil.pdf",
    "/etc/clas-evil.pdf",
    "%2e%2e%2f%2e%2e%2fclas-evil.pdf",
    "clas-evil.pdf\x00.html",
    "clas\r\nContent-Type: text/html\r\n\r\n<script>x</script>.pdf",
    'clas"; filename="evil.html.pdf',
    "clas\u202egnp.pdf",
    "....//....//clas-evil.pdf",
]


@pytest.fixture
def world(world_app):
    return build_world()


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client, csrf_for(client)


def _upload(client, token, world, name, data=PDF):
    return client.post(
        f"/c/rennes/meetings/{world.ids['meeting']}/evidence",
        data={"csrf_token": token, "kind": "signin_sheet", "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("name", HOSTILE_NAMES, ids=range(len(HOSTILE_NAMES)))
def test_a_hostile_file_name_stays_a_name(world_app, world, name, tmp_path):
    folder = Path(world_app.config["UPLOAD_FOLDER"])
    before = _files_under(folder)
    client, token = _client(world_app, world.users["host_a"])
    response = _upload(client, token, world, name)
    assert response.status_code in (200, 303, 400, 422), response.status_code
    # 422: refused (e.g. the name's extension is not the content's); 400: a NUL character. Nothing kept.
    if response.status_code in (400, 422):
        assert _files_under(folder) == before
        assert db.session.query(EvidenceFile).count() == 1
        return
    evidence = db.session.scalars(select(EvidenceFile).order_by(EvidenceFile.id.desc())).first()
    assert evidence.original_name != "emargement.pdf", "the upload was kept"
    # Stored under a random name, flat in the upload folder; the original name has no path left.
    assert evidence.storage_name in _files_under(folder) - before
    assert _files_under(folder) - before == {evidence.storage_name}
    assert "/" not in evidence.original_name and "\\" not in evidence.original_name
    assert not any(ch in evidence.original_name for ch in "\r\n\x00")
    assert not Path("/tmp/clas-evil.pdf").exists() and not Path("/etc/clas-evil.pdf").exists()

    download = client.get(f"/c/rennes/evidence/{evidence.id}")
    assert download.status_code == 200
    assert download.data == PDF
    disposition = download.headers["Content-Disposition"]
    download.close()
    assert disposition.startswith("attachment; ")
    assert "\r" not in disposition and "\n" not in disposition
    # One filename="…" with no quote inside it, and the exact name only percent-encoded.
    fallback = disposition.split('filename="', 1)[1].split('"', 1)[0]
    assert disposition.count('filename="') == 1 and ";" not in fallback and "\\" not in fallback
    assert "filename*=UTF-8''" in disposition
    assert download.headers["Content-Security-Policy"] == DOWNLOAD_POLICY
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.mimetype == "application/pdf"


def test_html_dressed_as_pdf_is_refused_and_not_kept(world_app, world):
    folder = Path(world_app.config["UPLOAD_FOLDER"])
    before = _files_under(folder)
    client, token = _client(world_app, world.users["host_a"])
    response = _upload(client, token, world, "compte-rendu.pdf", b"<html><script>alert(1)</script></html>")
    assert response.status_code in (200, 303, 422)
    assert db.session.query(EvidenceFile).count() == 1  # only the world's file
    assert _files_under(folder) == before


def test_another_committees_file_is_not_found_by_any_path(world_app, world):
    evidence_id = world.ids["evidence"]
    client, token = _client(world_app, world.users["host_b"])
    assert client.get(f"/c/rennes/evidence/{evidence_id}").status_code == 404
    assert client.get(f"/c/brest/evidence/{evidence_id}").status_code == 404  # B's URL, A's id
    assert client.post(f"/c/brest/evidence/{evidence_id}/delete", data={"csrf_token": token}).status_code == 404
    other, other_token = _client(world_app, world.users["other_porteur"])
    assert other.get(f"/c/rennes/evidence/{evidence_id}").status_code == 404
    assert other.post(f"/c/rennes/evidence/{evidence_id}/delete", data={"csrf_token": other_token}).status_code == 404
    # The file and its record are still there, and still served to those allowed.
    assert db.session.get(EvidenceFile, evidence_id) is not None
    host, _ = _client(world_app, world.users["host_a"])
    response = host.get(f"/c/rennes/evidence/{evidence_id}")
    assert response.status_code == 200 and response.data == EVIDENCE_BYTES
    response.close()


def test_a_record_pointing_outside_the_upload_folder_is_never_served(world_app, world):
    """Even a tampered storage_name (in the database) cannot reach another file."""
    secret = Path(world_app.config["UPLOAD_FOLDER"]).parent / "secret.txt"
    secret.write_text("secret")
    evidence = db.session.get(EvidenceFile, world.ids["evidence"])
    tampered = EvidenceFile(committee_id=evidence.committee_id, meeting_id=evidence.meeting_id,
                            kind=EvidenceKind.OTHER, original_name="x.txt", storage_name="../secret.txt",
                            content_type="text/plain", size_bytes=6, sha256="0" * 64)
    db.session.add(tampered)
    db.session.commit()
    client, _ = _client(world_app, world.users["host_a"])
    response = client.get(f"/c/rennes/evidence/{tampered.id}")
    # Refused (today with a 500 from storage.path_for's ValueError: reported to the evidence domain).
    assert response.status_code in (404, 500) and b"secret" not in response.data
    response.close()
    os.unlink(secret)
