from __future__ import annotations

import io

from pypdf import PdfReader

from clas_local.attendance import signin_sheet
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.meetings.models import Meeting


def _printed_text(data: bytes) -> str:
    """The text the PDF prints, page after page, as a PDF reader extracts it."""
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_pdf_download(client, as_porteur):
    scene = as_porteur
    response = client.get(scene.url("/emargement.pdf"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="emargement-suivi-2026-11-19.pdf"'
    data = response.get_data()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) > 5_000


def test_sheet_holds_the_meeting_reference_organisations_and_contacts(app, scene, login_as, client):
    login_as(Role.HOST)
    with app.test_request_context():
        meeting = db.session.get(Meeting, scene.meeting.id)
        html = signin_sheet.render_html(meeting)
        data = signin_sheet.render_pdf(meeting)
    assert "Feuille d'émargement" in html
    text = _printed_text(data)
    for expected in (
        "Comité local de Rennes",
        "Suivi",
        "jeudi 19 novembre 2026, de 17 h 30 à 19 h",
        "Salle du conseil",
        scene.project.name,
        signin_sheet.short_reference(meeting),
        "École élémentaire Volga",
        "Claire Martin",
        "Directrice",
        "Centre social Ty-Blosne",
        "Signature",
        "Autres participants (non invités)",
    ):
        assert expected in text, expected
    # Only the e-mailed director is pre-filled for the school, not every known contact.
    assert "Paul Leroy" not in text
    first_page = PdfReader(io.BytesIO(data)).pages[0]
    # A4 portrait: 210 × 297 mm in PDF points (72 per inch).
    assert (round(first_page.mediabox.width), round(first_page.mediabox.height)) == (595, 842)


def test_signin_sheet_is_for_organisers(client, scene, login_as, make_committee):
    login_as(Role.SCHOOL, partner=scene.school)
    assert client.get(scene.url("/emargement.pdf")).status_code == 403
    login_as(Role.VIEWER)
    assert client.get(scene.url("/emargement.pdf")).status_code == 403
    other = make_committee()
    login_as(Role.HOST, committee_=other)
    assert client.get(scene.url("/emargement.pdf")).status_code == 404
