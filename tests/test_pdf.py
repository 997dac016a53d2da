"""clas_local.pdf: how every PDF is made. Its HTML is read into data and typeset by a layout:
whatever a user typed is printed as typed, never read as Typst markup, and the HTML's white
space, hidden text and table spans are honoured as a browser would."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from clas_local import pdf

ROOT = Path(__file__).resolve().parent.parent


def page(body: str, title: str = "Essai") -> str:
    return f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'


def printed(data: bytes) -> str:
    return "\n".join(sheet.extract_text() or "" for sheet in PdfReader(io.BytesIO(data)).pages)


def render(body: str, **strings) -> bytes:
    strings = {"project": "Projet", "generated": "Dossier généré le lundi 30 novembre 2026 à 9 h"} | strings
    return pdf.render(page(body), "dossier", **strings)


MARKUP = [
    '#panic("non")',
    '#import "@preview/cetz:0.3.0"',
    "*gras* _penché_ `code`",
    "$x^2$ et \\ et // commentaire",
    "= Titre <étiquette> @renvoi",
    "#read(\"/etc/passwd\")",
    "[crochets] {accolades} ~ -- ---",
]


@pytest.mark.parametrize("typed", MARKUP)
def test_what_a_user_typed_is_printed_as_typed(typed):
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = printed(render(f"<h1>Dossier</h1><p>{escaped}</p><div class='minutes'>{escaped}</div>"))
    assert text.count(typed) == 2, text
    assert "root:" not in text


def test_header_footer_and_title_come_from_the_layout_strings():
    data = render("<h1>Dossier</h1>" + "<p>Ligne</p>" * 200, project="Clas du Blosne #1 *")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == "Essai"
    assert len(reader.pages) > 1
    second = reader.pages[1].extract_text()
    assert "Clas du Blosne #1 *" in second
    assert f"Page 2 sur {len(reader.pages)}" in second
    assert "Dossier généré le lundi 30 novembre 2026 à 9 h" in second
    # The project's name runs in the header from the second page on (the first page shows it in full).
    assert "Clas du Blosne #1 *" not in reader.pages[0].extract_text()


def test_white_space_is_html_s_and_minutes_keep_their_lines():
    tree = pdf.parse(page("<p>  Un\n   deux\t trois  <strong>gras</strong> fin </p><div class='minutes'>1. Un\n2.  Deux</div>")).body
    paragraph, minutes = tree.children
    assert paragraph.children[0] == "Un deux trois "
    assert paragraph.children[2] == " fin"
    assert [c if isinstance(c, str) else c.tag for c in minutes.children] == ["1. Un", "br", "2.  Deux"]
    text = printed(render("<div class='minutes'>1. Un\n2. Deux</div>"))
    assert "1. Un\n2. Deux" in text


def test_hidden_text_head_and_scripts_are_not_printed():
    text = printed(render(
        '<h1>Visible</h1><span class="visually-hidden">caché</span><script>alert(1)</script>'
        "<style>p{}</style><p>d&#39;accompagnement &amp; co</p>"
    ))
    assert "Visible" in text and "d'accompagnement & co" in text
    assert "caché" not in text and "alert" not in text and "Essai" not in text


def test_table_spans_are_positive_numbers_and_every_cell_prints():
    html = page(
        "<table><thead><tr><th>A</th><th>B</th></tr></thead>"
        '<tbody><tr><td rowspan="2">x</td><td colspan="abc">y</td></tr><tr><td>z</td></tr></tbody></table>'
    )
    table = pdf.parse(html).body.children[0]
    first_row = table.children[1].children[0]
    assert first_row.children[0].attributes == {"rowspan": 2}
    assert first_row.children[1].attributes == {}  # not a number: ignored, as a browser does
    text = printed(pdf.render(html, "signin-sheet"))
    assert all(cell in text for cell in "ABxyz")


def test_a_word_longer_than_the_page_still_prints():
    word = "a" * 2_000
    assert word[:50] in printed(render(f"<h1>Long</h1><p>{word}</p><table><tr><td>{word}</td></tr></table>")).replace("\n", "")


def test_a_failed_build_is_an_error_in_the_worker_not_a_silent_empty_pdf():
    with pytest.raises(pdf.PdfError, match="not found|introuvable|No such|does not exist"):
        pdf.render(page("<p>Texte</p>"), "no-such-layout")


def test_without_fork_the_build_runs_in_process():
    """In a process of its own: a process that compiled in-process must not fork a build after."""
    script = (
        "import os; del os.fork\n"
        "from clas_local import pdf\n"
        "data = pdf.render(%r, 'dossier', project='P', generated='G')\n"
        "import sys; sys.stdout.buffer.write(data)\n" % page("<h1>Sans fork</h1>")
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, cwd=ROOT, check=True)
    assert "Sans fork" in printed(done.stdout)


def test_a_build_that_never_ends_is_stopped(monkeypatch):
    monkeypatch.setattr(pdf, "BUILD_TIMEOUT", 0.5)
    with pytest.raises(pdf.PdfError, match="more than 0.5 s"):
        pdf._in_a_child(time.sleep, 30)


def test_a_table_of_labels_and_values_is_tagged_as_a_term_list():
    """Typst tags no row header cell: a table whose rows are a label (th) and a value (td) is the
    term list it means, its labels tagged as such; a table with column headers stays a table."""
    from tests.accessibility.test_pdf_tags import structure_types

    labels = pdf.render(page('<table class="reference"><tr><th scope="row">Date</th><td>jeudi</td></tr></table>'), "signin-sheet")
    grid = pdf.render(page("<table><thead><tr><th>Date</th></tr></thead><tbody><tr><td>jeudi</td></tr></tbody></table>"), "signin-sheet")
    label_types = structure_types(PdfReader(io.BytesIO(labels)).trailer["/Root"]["/StructTreeRoot"])
    grid_types = structure_types(PdfReader(io.BytesIO(grid)).trailer["/Root"]["/StructTreeRoot"])
    assert {"L", "Lbl", "LBody"} <= label_types and "Table" not in label_types
    assert {"Table", "TH", "TD"} <= grid_types
    assert "Date" in printed(labels) and "jeudi" in printed(labels)


@given(st.text(max_size=300), st.sampled_from(["p", "td", "div class='minutes'", "dd", "li", "span class='badge'"]))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_text_in_any_element_makes_a_pdf(typed, element):
    """Whatever a user typed (a name, minutes, a place) and wherever the page shows it."""
    tag = element.split()[0]
    escaped = typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    wrapped = f"<{element}>{escaped}</{tag}>"
    body = {"td": f"<table><tr>{wrapped}</tr></table>", "dd": f"<dl><dt>Lieu</dt>{wrapped}</dl>",
            "li": f"<ul>{wrapped}</ul>"}.get(tag, wrapped)  # fmt: skip
    assert render(f"<h1>Essai</h1>{body}").startswith(b"%PDF-")


@pytest.mark.parametrize("odd", [
    "<table><tr></tr></table>", "<table></table>", "<dl><dd>sans terme</dd><dt>seul</dt></dl>",
    "<ul></ul>", "<p></p>", "<h2></h2>", "<table><tr><td colspan='0'>x</td></tr></table>",
    "<div><p>non fermé", "</p></div>texte", "<br/><br>",
])
def test_odd_html_still_makes_a_pdf(odd):
    assert render(f"<h1>Essai</h1>{odd}").startswith(b"%PDF-")


def test_a_character_no_font_has_still_makes_the_pdf(caplog):
    """PDF/UA-1 forbids a glyph no font has: the dossier is still made, without the claim."""
    data = render("<h1>Essai</h1><p>Association 中文 des parents</p>")
    assert "Association" in printed(data) and "des parents" in printed(data)
    assert "without PDF/UA-1" in caplog.text


def test_control_characters_are_dropped_as_a_browser_does():
    assert pdf.parse(page("<p>a\x1fb\x07c</p>")).body.children[0].children == ["abc"]
    assert "abc" in printed(render("<h1>Essai</h1><p>a\x1fb\x07c</p>"))


@pytest.mark.parametrize("title, expected", [("", "Essai"), ("Dossier", "Dossier")])
def test_a_pdf_always_has_a_title(title, expected):
    data = pdf.render(page("<h1>Essai</h1>", title=title), "dossier", project="P", generated="G")
    assert PdfReader(io.BytesIO(data)).metadata.title == expected
