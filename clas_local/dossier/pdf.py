"""The dossier as an A4 PDF, in French: the dossier page's own HTML, typeset (clas_local.pdf)."""

from __future__ import annotations

from flask import render_template

from clas_local import i18n, pdf
from clas_local.dossier.queries import Dossier
from clas_local.text import one_line


def render_pdf(dossier: Dossier, **context) -> bytes:
    """`context`: what the shared dossier template needs besides the dossier (checklist view, moments)."""
    html = render_template("dossier/pdf.html", dossier=dossier, committee=dossier.committee, **context)
    generated = i18n.format_datetime(dossier.generated_at, dossier.committee.timezone)
    return pdf.render(
        html,
        "dossier",
        project=one_line(dossier.project.name),
        generated=f"Dossier généré le {generated}",
    )
