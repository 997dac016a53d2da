from __future__ import annotations

from clas_local.attendance import signin_sheet
from clas_local.auth.models import Role
from clas_local.extensions import db
from clas_local.meetings.models import Meeting


def _laid_out_text(document) -> str:
    """The text WeasyPrint placed on the pages (what the PDF prints), without a PDF parser."""
    found: list[str] = []

    def walk(box):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            found.append(text)
        for child in getattr(box, "children", ()) or ():
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(found)


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
        document = signin_sheet.document(meeting)
    assert "Feuille d'émargement" in html
    text = _laid_out_text(document)
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
    assert len(document.pages) >= 1
    # A4 portrait: 210 × 297 mm in CSS pixels (96 per inch).
    assert (round(document.pages[0].width), round(document.pages[0].height)) == (794, 1123)


def test_signin_sheet_is_for_organisers(client, scene, login_as, make_committee):
    login_as(Role.SCHOOL, partner=scene.school)
    assert client.get(scene.url("/emargement.pdf")).status_code == 403
    login_as(Role.VIEWER)
    assert client.get(scene.url("/emargement.pdf")).status_code == 403
    other = make_committee()
    login_as(Role.HOST, committee_=other)
    assert client.get(scene.url("/emargement.pdf")).status_code == 404
