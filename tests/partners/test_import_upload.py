"""The upload form for hosts: the report on the page, refusals with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clas_local.extensions import db
from clas_local.partners.models import Partner
from tests.conftest import csrf_token, page_text
from tests.factories import valid_uai
from tests.partners.conftest import make_export


def _multipart(fields: dict[str, str], data: bytes, filename: str) -> tuple[bytes, str]:
    """The body a browser sends. (Werkzeug's test encoder spools bodies over 500 kB to a
    temporary file it never closes: a ResourceWarning, an error under -W error.)"""
    boundary = "----clas-local-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n"
    )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _upload(client, data: bytes, filename="annuaire.csv", htmx=False, **fields):
    token = csrf_token(client)
    body, content_type = _multipart({"csrf_token": token, **fields}, data, filename)
    headers = {"HX-Request": "true", "X-CSRFToken": token} if htmx else {}
    return client.post("/c/rennes/partners/import", data=body, headers=headers, content_type=content_type)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Partner))


def test_host_imports_the_schools_export_and_reads_the_report(client, login_as, committee, schools_export):
    login_as("host")
    assert "Importer l'Annuaire de l'éducation" in page_text(client.get("/c/rennes/partners/import"))
    response = _upload(client, schools_export)
    page = page_text(response)
    assert response.status_code == 200
    assert "Compte rendu de l'import" in page and "996 lignes lues" in page
    assert "Créés : <strong>773</strong>" in page and "UAI en double dans le fichier : <strong>3</strong>" in page
    assert "Écoles maternelles écartées (le Clas va du CP au lycée) : <strong>112</strong>" in page
    assert "0352072M" in page and "seule la ligne 139 est importée" in page
    assert _count() == 773
    again = page_text(_upload(client, schools_export, htmx=True))
    assert again.lstrip().startswith('<div id="partner-import">') and "<html" not in again
    assert "Inchangés : <strong>773</strong>" in again and "Créés : <strong>0</strong>" in again
    assert _count() == 773


def test_the_committee_territory_limits_the_import(client, login_as, committee, schools_export):
    committee.insee_codes = ["35351"]
    db.session.commit()
    login_as("host")
    page = page_text(_upload(client, schools_export, territory_only="y"))
    assert "Territoire du comité (codes INSEE) : 35351." in page
    assert _count() == 2


def test_bad_rows_are_listed_with_their_reason(client, login_as, committee, school_row):
    good = valid_uai(5)
    bad = good[:7] + ("A" if good[7] != "A" else "B")
    login_as("host")
    page = page_text(_upload(client, make_export([school_row(good), school_row(bad, name="École mal saisie")])))
    assert "Rejetés : <strong>1</strong>" in page and "École mal saisie" in page
    assert f"La lettre de contrôle de l'UAI {bad} est fausse" in page
    assert _count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01\x02\x03PK", "contenu binaire"),
        (b"", "Le fichier est vide"),
        (b"nom;commune\nA;B\n", "Aucune colonne d'identifiant"),
    ],
)
def test_a_refused_file_shows_a_french_message_and_changes_nothing(client, login_as, committee, data, message):
    login_as("host")
    response = _upload(client, data)
    assert response.status_code == 422
    page = page_text(response)
    assert message in page[page.index('id="file-error"'):]
    assert _count() == 0


@pytest.mark.parametrize("role", ["porteur", "viewer", "school"])
def test_only_hosts_import(client, login_as, committee, schools_export, role):
    login_as(role)
    assert client.get("/c/rennes/partners/import").status_code == 403
    assert _upload(client, schools_export).status_code == 403
    assert _count() == 0
