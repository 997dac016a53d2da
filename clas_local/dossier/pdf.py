"""The dossier as an A4 PDF, in French (clas_local.pdf: WeasyPrint, PDF/UA-1)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, render_template

from clas_local import pdf
from clas_local.dossier.queries import Dossier

STYLESHEET = "css/dossier-pdf.css"


def render_pdf(dossier: Dossier, **context) -> bytes:
    """`context`: what the shared dossier template needs besides the dossier (checklist view, moments)."""
    html = render_template("dossier/pdf.html", dossier=dossier, committee=dossier.committee, **context)
    css = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    return pdf.render(html, css)
