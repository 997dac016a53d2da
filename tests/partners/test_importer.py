"""The importer of the national schools directory, on the real 2023 Ille-et-Vilaine export."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.partners.importer import ImportRefused, import_schools, read_export
from clas_local.partners.models import EducationPrioritaire, Partner, PartnerKind, Sector
from tests.factories import valid_uai
from tests.partners.conftest import export_header, export_rows, make_export

SCHOOL_TYPES = {"Ecole": PartnerKind.ECOLE, "Collège": PartnerKind.COLLEGE, "Lycée": PartnerKind.LYCEE}
MATERNELLE = "ECOLE MATERNELLE"


def _partners(committee) -> list[Partner]:
    return db.session.scalars(select(Partner).where(Partner.committee_id == committee.id)).all()


def _expected_from_csv():
    """What a careful person counts in the file: schools (but the maternelles: the Clas is for
    children « du CP au lycée »), the first row of each UAI."""
    first = {}
    for row in export_rows():
        if row["Type_etablissement"] in SCHOOL_TYPES and row["libelle_nature"] != MATERNELLE:
            first.setdefault(row["Identifiant_de_l_etablissement"], row)
    rows = list(first.values())
    uais = Counter(r["Identifiant_de_l_etablissement"] for r in export_rows()
                   if r["Type_etablissement"] in SCHOOL_TYPES and r["libelle_nature"] != MATERNELLE)  # fmt: skip
    return {
        "by_kind": Counter(SCHOOL_TYPES[r["Type_etablissement"]] for r in rows),
        "rep": sum(r["Appartenance_Education_Prioritaire"] == "REP" for r in rows),
        "rep_plus": sum(r["Appartenance_Education_Prioritaire"] == "REP+" for r in rows),
        "duplicated": sorted(uai for uai, count in uais.items() if count > 1),
        "total": len(rows),
    }


def test_importing_the_schools_export_gives_the_counts_a_user_checks(app, committee, schools_export):
    expected = _expected_from_csv()
    report = import_schools(committee, schools_export)
    db.session.commit()

    partners = _partners(committee)
    by_kind = Counter(partner.kind for partner in partners)
    assert by_kind == expected["by_kind"]
    # The literal figures observed in the 2023 file (996 rows, 3 UAIs listed twice, 112 maternelles).
    assert report.total_rows == 996
    assert by_kind == {PartnerKind.ECOLE: 573, PartnerKind.COLLEGE: 116, PartnerKind.LYCEE: 84}
    assert report.maternelles == 112
    assert "112 école(s) maternelle(s) écartée(s) (le Clas va du CP au lycée)." in report.summary()
    ep = Counter(partner.education_prioritaire for partner in partners)
    assert ep[EducationPrioritaire.REP] == expected["rep"]
    assert ep[EducationPrioritaire.REP_PLUS] == expected["rep_plus"]
    assert sorted(row.uai for row in report.duplicates) == expected["duplicated"] == ["0350778F", "0350852L", "0352072M"]
    assert len(report.created) == expected["total"] == 773
    assert report.rejected == [] and report.updated == [] and report.unchanged == []
    assert report.skipped == 108  # services, médico-social… are left out by default
    assert "seule la ligne" in report.duplicates[0].detail

    school = next(p for p in partners if p.uai == "0350122T")
    assert school.name == "Ecole primaire publique les Lucioles"
    assert school.kind is PartnerKind.ECOLE and school.sector is Sector.PUBLIC
    assert (school.postcode, school.commune_code, school.commune_name) == ("35580", "35016", "Baulon")
    assert school.phone == "02 99 85 38 02" and school.email == "ecole.0350122T@ac-rennes.fr"
    assert school.circonscription == "Circonscription d'inspection du 1er degré de Bruz"
    assert school.is_open and school.search_text == "ecole primaire publique les lucioles baulon 0350122t"
    closing = [p for p in partners if not p.is_open]
    assert len(closing) == sum(r["etat"] != "OUVERT" for r in export_rows()
                               if r["Type_etablissement"] in SCHOOL_TYPES and r["libelle_nature"] != MATERNELLE)  # fmt: skip
    audit = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "partners.import")).one()
    assert audit.details["created"] == 773 and audit.committee_id == committee.id


def test_a_second_import_updates_and_never_duplicates(app, committee, schools_export):
    import_schools(committee, schools_export)
    db.session.commit()
    again = import_schools(committee, schools_export)
    db.session.commit()
    assert (len(again.created), len(again.updated), len(again.unchanged)) == (0, 0, 773)
    assert len(again.duplicates) == 3
    count = db.session.scalar(select(func.count()).select_from(Partner).where(Partner.committee_id == committee.id))
    assert count == 773


def test_changed_rows_are_updated_by_uai(app, committee, school_row):
    uai = valid_uai(101)
    import_schools(committee, make_export([school_row(uai, name="École Volga")]))
    report = import_schools(committee, make_export([school_row(uai, name="École Volga-Blosne", Appartenance_Education_Prioritaire="REP+")]))
    db.session.commit()
    assert len(report.updated) == 1 and "name" in report.updated[0].detail
    (partner,) = _partners(committee)
    assert partner.name == "École Volga-Blosne" and partner.education_prioritaire is EducationPrioritaire.REP_PLUS
    assert "volga-blosne" in partner.search_text


def test_columns_are_found_by_name_whatever_their_spelling_and_order(app, committee, school_row):
    uai = valid_uai(102)
    row = school_row(uai, name="Collège de la Binquenais", kind="Collège")
    header = ["Code_postal", "Nom_commune", "Nom_etablissement", "Identifiant_de_l_etablissement",
              "Type_etablissement", "Une colonne nouvelle", "Code_commune"]  # fmt: skip
    row["Code_postal"] = row.pop("Code postal")
    report = import_schools(committee, make_export([row], header=header, bom=False))
    db.session.commit()
    assert len(report.created) == 1
    (partner,) = _partners(committee)
    assert (partner.kind, partner.postcode, partner.commune_name) == (PartnerKind.COLLEGE, "35000", "Rennes")


def test_communes_and_all_types_select_rows(app, committee, schools_export):
    rows = export_rows()
    report = import_schools(committee, schools_export, communes=["35238"])
    expected = {r["Identifiant_de_l_etablissement"] for r in rows
                if r["Code_commune"] == "35238" and r["Type_etablissement"] in SCHOOL_TYPES and r["libelle_nature"] != MATERNELLE}  # fmt: skip
    assert {p.uai for p in _partners(committee)} == expected
    assert len(report.created) == len(expected)

    everything = import_schools(committee, schools_export, all_types=True)
    db.session.commit()
    distinct = {r["Identifiant_de_l_etablissement"] for r in rows if r["libelle_nature"] != MATERNELLE}
    assert len(_partners(committee)) == len(distinct) == 881
    assert len(everything.created) == 881 - len(expected)
    dsden = [p for p in _partners(committee) if p.kind is PartnerKind.EDUCATION_NATIONALE]
    assert dsden and all(p.uai is None and "UAI (Annuaire de l'éducation)" in p.notes for p in dsden)
    # Establishments without a UAI column of their own are still found again by their UAI.
    again = import_schools(committee, schools_export, all_types=True)
    assert len(again.created) == 0 and len(again.unchanged) == 881


def test_a_bad_check_letter_row_is_rejected_with_its_reason_and_the_rest_imported(app, committee, school_row):
    good = valid_uai(103)
    bad = good[:7] + ("A" if good[7] != "A" else "B")
    report = import_schools(committee, make_export([school_row(good), school_row(bad, name="École mal saisie"), school_row("12AB")]))
    db.session.commit()
    assert [p.uai for p in _partners(committee)] == [good]
    assert len(report.created) == 1 and len(report.rejected) == 2
    rejected = report.rejected[0]
    assert (rejected.line, rejected.uai, rejected.name) == (3, bad, "École mal saisie")
    assert f"La lettre de contrôle de l'UAI {bad} est fausse : {good} attendu." == rejected.detail
    assert "7 chiffres suivis d'une lettre" in report.rejected[1].detail


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Le fichier est vide"),
        (b"\xef\xbb\xbf\r\n", "Le fichier est vide"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00binary", "contenu binaire"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "contenu binaire"),
        ("Nom_etablissement;Type_etablissement;Code postal\nÉcole A;Ecole;35000\n".encode(), "Aucune colonne d'identifiant"),
        (b"Identifiant_de_l_etablissement;Prix\n0350122T;12\n", "colonne(s) manquante(s) : nom de l'établissement, type"),
        (b"nom,prenom,email\nDupont,Jean,j@d.fr\n", "Aucune colonne d'identifiant"),
        (("\ufeff" + ";".join(export_header()) + "\r\n").encode(), "aucun établissement"),
    ],
    ids=["empty", "bom-only", "zip", "png", "no-uai-column", "wrong-columns", "other-csv", "header-only"],
)
def test_a_file_that_is_not_an_export_is_refused_and_changes_nothing(app, committee, make_partner, data, message):
    existing = make_partner(PartnerKind.ECOLE, name="École déjà là")
    with pytest.raises(ImportRefused) as refusal:
        import_schools(committee, data)
    assert message in str(refusal.value)
    db.session.rollback()
    assert [p.id for p in _partners(committee)] == [existing.id]
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "partners.import")) == 0


def test_read_export_accepts_a_spreadsheet_resave_in_windows_encoding(school_row):
    data = make_export([school_row(valid_uai(104), name="Collège Échange")], bom=False).decode().encode("cp1252")
    export = read_export(data)
    assert export.rows[0].values["name"] == "Collège Échange"


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        ({"libelle_nature": "ECOLE MATERNELLE"}, False),
        ({"libelle_nature": "ECOLE DE NIVEAU ELEMENTAIRE"}, True),
        ({"Ecole_maternelle": "1", "Ecole_elementaire": "1"}, True),  # a primary school
        ({"Ecole_maternelle": "1", "Ecole_elementaire": "0"}, False),
        ({"Nom_etablissement": "École maternelle publique Volga"}, False),
    ],
)
def test_maternelles_are_left_out_and_counted(app, committee, school_row, extra, kept):
    """« aux enfants scolarisés du CP au lycée »: a nursery school is no Clas partner."""
    row = school_row(valid_uai(140), **extra)
    header = [*row.keys()]
    report = import_schools(committee, make_export([row], header=header))
    assert (len(report.created), report.maternelles) == ((1, 0) if kept else (0, 1))
