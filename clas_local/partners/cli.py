"""`flask --app app clas import-schools FILE --committee SLUG [--commune INSEE]… [--all-types]`."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.partners.importer import ImportRefused, ImportReport, apply_import, read_export

# Below this many rows the import is instant: no progress bar.
PROGRESS_THRESHOLD = 500


@click.command("import-schools")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--committee", "slug", required=True, help="Identifiant du comité (ex. rennes).")
@click.option("--commune", "communes", multiple=True, help="Code INSEE d'une commune à garder (répétable).")
@click.option("--all-types", is_flag=True, help="Importer aussi les établissements autres qu'écoles, collèges, lycées.")
def import_schools_command(file: Path, slug: str, communes: tuple[str, ...], all_types: bool):
    """Importer l'export CSV de l'Annuaire de l'éducation dans l'annuaire d'un comité."""
    committee = db.session.scalar(select(Committee).where(Committee.slug == slug))
    if committee is None:
        raise click.ClickException(f"Aucun comité « {slug} ».")
    try:
        export = read_export(file.read_bytes())
    except ImportRefused as exc:
        raise click.ClickException(f"{exc} Aucune modification n'a été faite.") from exc
    options = {"communes": communes, "all_types": all_types, "source": file.name}
    if len(export.rows) >= PROGRESS_THRESHOLD:
        with click.progressbar(length=len(export.rows), label="Import des établissements") as bar:
            report = apply_import(committee, export, on_row=lambda: bar.update(1), **options)
    else:
        report = apply_import(committee, export, **options)
    db.session.commit()
    _print_report(report)


def _print_report(report: ImportReport) -> None:
    click.echo(report.summary())
    counts = report.counts
    click.echo(f"  créés : {counts['created']}")
    click.echo(f"  mis à jour : {counts['updated']}")
    click.echo(f"  inchangés : {counts['unchanged']}")
    click.echo(f"  rejetés : {counts['rejected']}")
    click.echo(f"  UAI en double dans le fichier : {counts['duplicates']}")
    click.echo(f"  hors sélection (autres types ou communes) : {counts['skipped']}")
    click.echo(f"  écoles maternelles écartées (le Clas va du CP au lycée) : {counts['maternelles']}")
    for row in report.rejected:
        click.echo(f"Rejeté, ligne {row.line} ({row.uai or 'sans UAI'} {row.name}) : {row.detail}")
    for row in report.duplicates:
        click.echo(f"Doublon {row.uai} ({row.name}) : {row.detail}")
