"""`flask --app app clas bench-data --scale department|small`: fill an empty database for benchmarks.

The command belongs to the benchmark, not to the application: app.py adds it to the `clas`
group (`register`), so that clas_local/ never imports the benchmark's code."""

from __future__ import annotations

import json
import time

import click
from flask import current_app

from bench.dataset import SCALES, DatabaseNotEmpty, build
from clas_local.extensions import db

TABLE_LABELS = {
    "committee": "comités",
    "partner": "partenaires",
    "contact": "contacts",
    "user_account": "comptes",
    "membership": "rôles",
    "project": "projets",
    "meeting": "réunions",
    "invitation": "invitations",
    "attendance": "présences",
    "attendee": "personnes présentes",
    "minutes": "comptes rendus",
    "evidence_file": "pièces justificatives",
    "calendar_feed": "flux d'agenda",
}


@click.command("bench-data")
@click.option("--scale", type=click.Choice(sorted(SCALES)), default="department", show_default=True,
              help="department : 40 comités, 25 000 réunions… ; small : quelques dizaines de lignes.")
@click.option("--force", is_flag=True, help="Ajouter le jeu de données même si la base contient déjà des données.")
@click.option("--targets", "targets_path", type=click.Path(dir_okay=False), default=None,
              help="Écrire ici (JSON) les identifiants et jetons que le banc d'essai utilise.")
def bench_data_command(scale: str, force: bool, targets_path: str | None):
    """Remplir la base d'un jeu de données de test déterministe (banc d'essai de performance)."""
    started = time.perf_counter()
    try:
        data = build(scale, current_app.config["UPLOAD_FOLDER"], force=force)
    except DatabaseNotEmpty as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    if targets_path:
        with open(targets_path, "w", encoding="utf-8") as handle:
            json.dump(data.to_json(), handle, ensure_ascii=False, indent=2, default=str)
    click.echo(f"Jeu de données « {scale} » créé en {time.perf_counter() - started:.0f} s :")
    for table, label in TABLE_LABELS.items():
        click.echo(f"  {label:<22} {data.counts.get(table, 0):>8,}".replace(",", "\u202f"))
    first = data.targets[0]
    click.echo(f"Comité le plus chargé : /c/{first['slug']}/ (compte {first['host']['email']}, "
               f"mot de passe {data.password})")


def register(app) -> None:
    """`flask --app app clas bench-data`: the command joins the application's `clas` group."""
    app.cli.commands["clas"].add_command(bench_data_command)
