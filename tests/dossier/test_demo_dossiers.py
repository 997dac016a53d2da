"""The demo's dossiers read correctly: obligations in words, key moments as a timeline."""

from __future__ import annotations

import io

from pypdf import PdfReader
from sqlalchemy import select

from clas_local.auth.models import User
from clas_local.demo import seed_demo
from clas_local.extensions import db
from clas_local.projects.models import Project
from tests.factories import sign_in


def test_the_demo_verger_dossier_pdf_reads_its_states(app, client):
    seed_demo()
    db.session.commit()
    sign_in(client, db.session.scalar(select(User).where(User.email == "caf@demo.clas-local.fr")))
    verger = db.session.scalar(
        select(Project).where(Project.name == "Clas rural du Verger", Project.school_year == "2026-2027")
    )
    response = client.get(f"/c/{verger.committee.slug}/projects/{verger.id}/dossier.pdf")
    assert response.status_code == 200
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages).split())
    assert "Concertation (axes école et territoire)" in text
    # The school oriented no child yet: a missing obligation, with its reason.
    assert "Les équipes éducatives orientent les enfants vers le Clas" in text
    assert "n'a orienté aucun enfant noté vers le Clas" in text
    # Key moments: held, « à compléter » (the lancement of 17 November, not marked held), « à planifier ».
    assert "Tenue le 15 octobre 2026" in text
    assert "À planifier" in text and "Manquante" not in text
    assert "Participation aux comités locaux et instances de concertation (pour information)" in text
