"""`flask --app app clas import-schools FILE --committee SLUG [--commune INSEE]… [--all-types]`."""

from __future__ import annotations

from sqlalchemy import func, select

from clas_local.extensions import db
from clas_local.partners.models import Partner
from tests.partners.conftest import SCHOOLS_EXPORT


def _run(app, *args):
    return app.test_cli_runner().invoke(args=["clas", "import-schools", *args])


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Partner))


def test_the_command_imports_and_prints_the_report(app, committee):
    result = _run(app, str(SCHOOLS_EXPORT), "--committee", "rennes")
    assert result.exit_code == 0, result.output
    assert "996 lignes lues : 773 créé(s), 0 mis à jour, 0 inchangé(s), 0 rejeté(s), 3 UAI en double" in result.output
    assert "écoles maternelles écartées (le Clas va du CP au lycée) : 112" in result.output
    assert "Import des établissements" in result.output  # the progress bar of a large file
    assert "Doublon 0350778F (Lycée Assomption) : UAI présent sur 2 lignes (794, 974)" in result.output
    assert _count() == 773
    again = _run(app, str(SCHOOLS_EXPORT), "--committee", "rennes")
    assert "0 créé(s), 0 mis à jour, 773 inchangé(s)" in again.output
    assert _count() == 773


def test_communes_and_all_types_options(app, committee):
    result = _run(app, str(SCHOOLS_EXPORT), "--committee", "rennes", "--commune", "35315", "--commune", "35351", "--all-types")
    assert result.exit_code == 0, result.output
    assert "4 créé(s)" in result.output and _count() == 4


def test_a_refused_file_exits_with_a_french_message_and_changes_nothing(app, committee, tmp_path):
    binary = tmp_path / "annuaire.xlsx"
    binary.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = _run(app, str(binary), "--committee", "rennes")
    assert result.exit_code == 1
    assert "contenu binaire" in result.output and "Aucune modification n'a été faite." in result.output
    assert _count() == 0


def test_an_unknown_committee_is_named(app, committee):
    result = _run(app, str(SCHOOLS_EXPORT), "--committee", "nulle-part")
    assert result.exit_code == 1 and "Aucun comité « nulle-part »." in result.output
