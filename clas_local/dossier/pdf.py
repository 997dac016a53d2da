"""The dossier as an A4 PDF, in French, through WeasyPrint."""

from __future__ import annotations

import warnings
from pathlib import Path

from flask import current_app, render_template

from clas_local.dossier.queries import Dossier

STYLESHEET = "css/dossier-pdf.css"


def _weasyprint():
    # Imported on first use: WeasyPrint loads Pango and fonts, which only the PDF routes need.
    # Systems without libharfbuzz-subset get a DeprecationWarning at import (WeasyPrint 70 still
    # works without it): silence that one warning so that it never turns into an error.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
        import weasyprint
        import weasyprint.urls
    return weasyprint


def render_pdf(dossier: Dossier, **context) -> bytes:
    """`context`: what the shared dossier template needs besides the dossier (checklist view, moments)."""
    weasyprint = _weasyprint()
    # Everything is inline: the renderer fetches no URL at all (user text never becomes a request).
    no_fetch = weasyprint.urls.URLFetcher(allowed_protocols=())
    html = render_template("dossier/pdf.html", dossier=dossier, committee=dossier.committee, **context)
    css = (Path(current_app.static_folder) / STYLESHEET).read_text(encoding="utf-8")
    stylesheet = weasyprint.CSS(string=css, url_fetcher=no_fetch)
    # PDF/UA-1: a structure tree, the language and the title, for screen readers (RGAA 13.3).
    return weasyprint.HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=[stylesheet], pdf_variant="pdf/ua-1")
