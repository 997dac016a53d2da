"""The demo holds a département: two committees of Ille-et-Vilaine, a department login and a field visit."""

from __future__ import annotations

from clas_local.demo import DEMO_PASSWORD, seed_demo
from clas_local.extensions import db
from tests.conftest import page_text, post


def test_the_demo_conseillere_follows_both_committees_of_the_departement(app, client):
    logins = seed_demo()
    db.session.commit()
    assert ("department", "conseillere.caf@demo.clas-local.fr", DEMO_PASSWORD) in logins
    seed_demo()  # idempotent
    db.session.commit()

    response = post(client, "/login", {"email": "conseillere.caf@demo.clas-local.fr", "password": DEMO_PASSWORD})
    assert response.status_code == 303
    assert client.get("/").headers["Location"].endswith("/d/35/")
    page = page_text(client.get("/d/35/"))
    assert "Comité local d'accompagnement à la scolarité de Rennes Métropole" in page
    assert "Comité local Clas de Fougères Agglomération" in page
    assert "Clas du Blosne – « Coup de pouce »" in page  # its field visit
    fougeres = page_text(client.get("/c/demo-fougeres/dashboard"))
    assert "Clas de Bonabry" in fougeres and "Clas collège Gandhi" in fougeres
    assert "Anne Martin, conseillère CAF ; Yann Pellerin, animateur REAAP" in page
    assert page.count("Anne Martin, conseillère CAF ; Yann") == 1  # one visit, however often the demo is seeded
    csv = client.get("/d/35/bilan.csv?school_year=2026-2027").get_data().decode()
    assert "Total Comité local Clas de Fougères Agglomération;2 projets;;2 sur 2;11;12;0;2;34;17;2;5;3;23" in csv
