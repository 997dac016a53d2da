"""The two PDFs Clas Local writes, read as a screen reader's PDF reader would (RGAA 13.3, PDF/UA-1).

A tagged PDF declares itself marked, gives its language (/Lang fr) and its title (shown by
the viewer), and carries a structure tree whose elements give the headings, the tables with
their header cells and the paragraphs in reading order.

Both are written as PDF/UA-1 by Typst, which checks the standard while it writes (clas_local/pdf.py).
"""

from __future__ import annotations

import io

import pytest
from flask import url_for
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from tests.accessibility.test_markup import reader_actor
from tests.factories import sign_in
from tests.security.conftest import shared_app, world_app  # noqa: F401 (fixtures)
from tests.security.matrix import url_values
from tests.security.world import build_world

PDFS = {
    "dossier.pdf": ("dossier.pdf", {"H1", "H2", "Table", "TH", "P"}),
    "emargement.pdf": ("attendance.signin_sheet", {"H1", "Table", "TH", "TD"}),
}

def fetch_pdf(app, endpoint: str) -> PdfReader:
    world = build_world()
    rule = next(rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint)
    client = app.test_client()
    sign_in(client, world.users[reader_actor(endpoint)])
    with app.test_request_context():
        url = url_for(endpoint, **url_values(endpoint, sorted(rule.arguments), world))
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "application/pdf", (url, response.status_code)
    return PdfReader(io.BytesIO(response.get_data()))


def structure_types(node, seen: set[str] | None = None, depth: int = 0) -> set[str]:
    """Every structure type (/S) under a structure element, walked through /K."""
    seen = set() if seen is None else seen
    if depth > 200:
        return seen
    if isinstance(node, IndirectObject):
        node = node.get_object()
    if isinstance(node, ArrayObject):
        for child in node:
            structure_types(child, seen, depth + 1)
    elif isinstance(node, DictionaryObject):
        if "/S" in node:
            seen.add(str(node["/S"]).lstrip("/"))
        if "/K" in node:
            structure_types(node["/K"], seen, depth + 1)
    return seen


@pytest.mark.parametrize("name", sorted(PDFS))
def test_pdf_is_tagged_in_french_with_a_structure_tree(world_app, name):  # noqa: F811
    endpoint, expected_types = PDFS[name]
    pdf = fetch_pdf(world_app, endpoint)
    root = pdf.trailer["/Root"]
    # pypdf reads PDF booleans as BooleanObject, equal to True but not the same object.
    assert root.get("/MarkInfo", {}).get("/Marked") == True, f"{name}: not marked as tagged"  # noqa: E712
    assert str(root.get("/Lang", "")).lower().startswith("fr"), f"{name}: /Lang is {root.get('/Lang')!r}"
    assert pdf.metadata and pdf.metadata.title, f"{name}: no title"
    assert root.get("/ViewerPreferences", {}).get("/DisplayDocTitle") == True, f"{name}: the viewer shows the file name"  # noqa: E712
    assert "/StructTreeRoot" in root, f"{name}: no structure tree"
    types = structure_types(root["/StructTreeRoot"])
    missing = expected_types - types
    assert not missing, f"{name}: no {sorted(missing)} in the structure tree (found {sorted(types)})"


@pytest.mark.parametrize("name", sorted(PDFS))
def test_pdf_is_served_and_read(world_app, name):  # noqa: F811
    """What the tagged checks stand on: both PDFs open, with at least one page of text."""
    endpoint, _types = PDFS[name]
    pdf = fetch_pdf(world_app, endpoint)
    assert len(pdf.pages) >= 1
    assert pdf.pages[0].extract_text().strip()
