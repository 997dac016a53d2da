"""The dossier de concertation: page, PDF and ZIP, who may get them, and how many queries."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader

from clas_local.extensions import db
from clas_local.meetings.models import MeetingKind
from clas_local.partners.models import PartnerKind
from tests.compliance import builders
from tests.conftest import count_queries, htmx_get, page_text


def urls(project) -> list[str]:
    base = f"/c/{project.committee.slug}/projects/{project.id}/dossier"
    return [base, base + ".pdf", base + ".zip"]


@pytest.fixture
def built(committee):
    data = builders.project_year(committee, with_bilan=False)
    diagnostic, suivi = data["meetings"]
    suivi.title = "=HYPERLINK(\"http://exemple.invalid\")"
    data["files"] = [
        builders.evidence(committee, meeting=diagnostic, name="émargement diagnostic.pdf"),
        builders.evidence(committee, meeting=diagnostic, name="=1+2.pdf"),
        builders.evidence(committee, meeting=suivi, name="compte-rendu.pdf"),
        builders.evidence(committee, project=data["project"], name="convention.pdf"),
    ]
    db.session.commit()
    return data


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_dossier_page_shows_checklist_meetings_and_files(client, login_as, built):
    login_as("porteur", partner=built["porteur"])
    response = client.get(urls(built["project"])[0])
    page = page_text(response)
    assert response.status_code == 200
    assert "<h1>Dossier de concertation – Clas du Blosne</h1>" in page
    assert "Concertation (axes école et territoire)" in page and "Manquant" in page and "Respecté" in page
    assert "Conformité au référentiel" not in page
    assert "Aucune réunion de bilan n'est prévue ni tenue." in page
    assert "Besoins repérés : méthodologie, lien avec les familles." in page
    assert built["files"][0].sha256 in page
    assert "Comité local d'automne" in page
    assert "Télécharger le PDF" in page and "Télécharger le ZIP" in page


def test_dossier_page_as_htmx_request_is_the_same_page(client, login_as, built):
    # No fragment: an HTMX navigation to the dossier gets the whole page (one h1).
    login_as("host")
    page = page_text(htmx_get(client, urls(built["project"])[0]))
    assert page.count("<h1>") == 1


def test_pdf_is_a4_french_with_headings_moments_statuses_and_page_numbers(client, login_as, built):
    login_as("viewer")
    response = client.get(urls(built["project"])[1])
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "no-store" in response.headers["Cache-Control"]
    reader = PdfReader(io.BytesIO(response.data))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = " ".join(pdf_text(response).split())
    for heading in ("Dossier de concertation – Clas du Blosne", "Concertation (axes école et territoire)",
                    "Les moments clés de la concertation avec l'école", "Réunions du projet",
                    "Comités locaux de l'année 2026-2027", "Pièces justificatives"):  # fmt: skip
        assert heading in text, heading
    for moment in ("Diagnostic", "Lancement", "Suivi", "Bilan"):
        assert moment in text
    # Key moments are the project's timeline: the lancement is « à planifier », never « manquante ».
    assert "Tenue le 8 octobre 2026" in text and "À planifier" in text and "Manquante" not in text
    assert "Respecté" in text and "Manquant" in text
    assert "Centre social de Clas du Blosne" in text and "2026-2027" in text
    assert "Dossier généré le" in text
    assert built["files"][2].sha256[:32] in text.replace(" ", "")
    pages = len(reader.pages)
    assert f"Page 1 sur {pages}" in text and f"Page {pages} sur {pages}" in text


def test_zip_holds_pdf_files_by_meeting_and_a_manifest_whose_checksums_match(client, login_as, built):
    login_as("porteur", partner=built["porteur"])
    response = client.get(urls(built["project"])[2])
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert "dossier-concertation-clas-du-blosne-2026-2027.pdf" in names
    assert archive.read(names[0]).startswith(b"%PDF")
    manifest = list(csv.reader(io.StringIO(archive.read("manifeste.csv").decode("utf-8-sig")), delimiter=";"))
    assert manifest[0] == ["fichier", "réunion", "type", "taille (octets)", "SHA-256"]
    rows = manifest[1:]
    assert len(rows) == 4
    for path, _meeting, _kind, size, sha256 in rows:
        content = archive.read(path)
        assert hashlib.sha256(content).hexdigest() == sha256
        assert len(content) == int(size)
    folders = {row[0].split("/")[0] for row in rows}
    assert folders == {"2026-10-08-diagnostic", "2027-02-04-suivi", "pieces-du-projet"}
    assert "2026-10-08-diagnostic/émargement diagnostic.pdf" in names
    assert "2026-10-08-diagnostic/=1+2.pdf" in names
    # A meeting title that a spreadsheet would run as a formula is escaped in the manifest.
    assert {row[1] for row in rows if row[0].startswith("2027-02-04-suivi/")} == {
        "'=HYPERLINK(\"http://exemple.invalid\") du 04/02/2027"
    }
    raw = archive.read("manifeste.csv").decode("utf-8-sig")
    assert "\n=" not in raw and ";=" not in raw
    assert "anomalies.txt" not in names


def test_zip_reports_a_missing_or_altered_file(app, client, login_as, built):
    from pathlib import Path

    folder = Path(app.config["UPLOAD_FOLDER"])
    (folder / built["files"][0].storage_name).unlink()
    (folder / built["files"][2].storage_name).write_bytes(b"altered")
    login_as("host")
    archive = zipfile.ZipFile(io.BytesIO(client.get(urls(built["project"])[2]).data))
    anomalies = archive.read("anomalies.txt").decode()
    assert "émargement diagnostic.pdf" in anomalies and "introuvable" in anomalies
    assert "diffère de celle enregistrée" in anomalies


@pytest.mark.parametrize("which", [0, 1, 2], ids=["page", "pdf", "zip"])
def test_porteur_of_another_project_gets_404(client, login_as, built, make_partner, which):
    login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION))
    assert client.get(urls(built["project"])[which]).status_code == 404


@pytest.mark.parametrize("which", [0, 1, 2], ids=["page", "pdf", "zip"])
def test_user_of_another_committee_gets_404(client, login_as, built, make_committee, which):
    other = make_committee(slug="brest")
    login_as("host", committee_=other)
    assert client.get(urls(built["project"])[which]).status_code == 404
    # Nor through their own committee's address.
    assert client.get(urls(built["project"])[which].replace("/c/rennes/", "/c/brest/")).status_code == 404


@pytest.mark.parametrize("which", [0, 1, 2], ids=["page", "pdf", "zip"])
def test_school_user_gets_404(client, login_as, built, which):
    login_as("school", partner=built["schools"][0])
    assert client.get(urls(built["project"])[which]).status_code == 404


def _grow(committee, data, meetings: int, files: int):
    project = data["project"]
    start = builders.utc(2026, 11, 5)
    created = [
        builders.meeting(committee, project, MeetingKind.SUIVI, start + timedelta(days=7 * n),
                         present=(data["porteur"], *data["schools"]), minutes=f"Point n° {n}.")  # fmt: skip
        for n in range(meetings)
    ]
    for n in range(files):
        builders.evidence(committee, meeting=created[n % len(created)], name=f"piece-{n}.pdf")
    db.session.commit()


def test_dossier_queries_do_not_grow_with_meetings_and_files(client, login_as, committee):
    data = builders.project_year(committee)
    login_as("porteur", partner=data["porteur"])
    _grow(committee, data, meetings=2, files=3)
    with count_queries() as small:
        assert client.get(urls(data["project"])[0]).status_code == 200
    _grow(committee, data, meetings=18, files=27)  # 20 suivi meetings and 30 files in all
    with count_queries() as large:
        assert client.get(urls(data["project"])[0]).status_code == 200
    assert len(large) == len(small)
    with count_queries() as archive_queries:
        response = client.get(urls(data["project"])[2])
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(response.data)).namelist()) == 1 + 30 + 1
    assert len(archive_queries) <= len(small)


def test_each_meeting_lists_one_row_per_organisation_with_answers_and_presence(client, login_as, built):
    diagnostic = built["meetings"][0]
    walk_in = builders.partner(diagnostic.committee, PartnerKind.ASSOCIATION, "Association des parents du Blosne")
    suivi = builders.meeting(diagnostic.committee, built["project"], MeetingKind.SUIVI, builders.utc(2027, 3, 4),
                             present=(built["porteur"], walk_in))  # fmt: skip
    for invitation in list(suivi.invitations):  # the association came without an invitation
        if invitation.partner_id == walk_in.id:
            suivi.invitations.remove(invitation)
    db.session.commit()
    login_as("host")
    text = " ".join(page_text(client.get(urls(built["project"])[0])).split())
    champion = built["schools"][1].name
    # The suivi of 4 February: Volga came, Champion excused itself; one row each.
    assert (f'<th scope="row">{champion}</th> <td>L\'organisation : excusé·e</td> <td>Excusé</td>') in text
    assert text.count(f'<th scope="row">{champion}</th>') == 2  # diagnostic and suivi, not twice per meeting
    assert ('<th scope="row">Association des parents du Blosne</th> <td>Non invitée</td> '
            "<td>Présent : Personne de Association des parents du Blosne (Représentant·e)</td>") in text
