"""Fixtures of the directory tests: the national export the demo imports, and small hand-made exports."""

from __future__ import annotations

import csv

import pytest

from clas_local.demo.directory import EXPORT as SCHOOLS_EXPORT  # the one copy of the export, the demo's


def export_rows() -> list[dict[str, str]]:
    """The export read independently of the importer (the csv module, header names as they are)."""
    with SCHOOLS_EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def export_header() -> list[str]:
    with SCHOOLS_EXPORT.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle, delimiter=";"))


def make_export(rows: list[dict[str, str]], header: list[str] | None = None, bom: bool = True) -> bytes:
    """A small export in the national format (`;`, UTF-8 with BOM) from dict rows."""
    header = header or export_header()
    lines = [";".join(header)]
    for row in rows:
        lines.append(";".join(row.get(name, "") for name in header))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@pytest.fixture
def schools_export() -> bytes:
    return SCHOOLS_EXPORT.read_bytes()


@pytest.fixture
def school_row():
    """A valid school row to adapt: `school_row(UAI="0350122T", ...)` with short field names."""

    def make(uai: str, name: str = "École élémentaire publique Test", kind: str = "Ecole", **extra) -> dict:
        row = {
            "Identifiant_de_l_etablissement": uai,
            "Nom_etablissement": name,
            "Type_etablissement": kind,
            "Statut_public_prive": "Public",
            "Adresse_1": "1 rue de l'École",
            "Code postal": "35000",
            "Code_commune": "35238",
            "Nom_commune": "Rennes",
            "Telephone": "0299000000",
            "Mail": f"ecole.{uai}@ac-rennes.fr",
            "Appartenance_Education_Prioritaire": "",
            "nom_circonscription": "Circonscription de Rennes Sud",
            "etat": "OUVERT",
        }
        row.update(extra)
        return row

    return make


def htmx_form_post(client, url: str, data: dict):
    """An HTMX form submission as the browser sends it: the form's hidden csrf_token field
    travels in the body, and the X-CSRFToken header from <body hx-headers>."""
    from tests.conftest import csrf_token, post

    return post(client, url, {**data, "csrf_token": csrf_token(client)}, htmx=True)
