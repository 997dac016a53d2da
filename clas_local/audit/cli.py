"""`flask --app app clas purge-logs`: delete audit events older than the retention period."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import current_app
from sqlalchemy import delete

from clas_local.audit.models import AuditEvent
from clas_local.cli import clas
from clas_local.db import utcnow
from clas_local.extensions import db

# The database refuses to delete younger rows (migration trigger): the command says so first.
MINIMUM_RETENTION_DAYS = 30


@clas.command("purge-logs")
@click.option("--days", type=int, default=None,
              help="Durée de conservation en jours (par défaut : AUDIT_RETENTION_DAYS).")
def purge_logs_command(days: int | None):
    """Effacer les entrées du journal plus anciennes que la durée de conservation."""
    from clas_local.auth.throttle import purge_expired

    days = current_app.config["AUDIT_RETENTION_DAYS"] if days is None else days
    if days < MINIMUM_RETENTION_DAYS:
        raise click.ClickException(
            f"La durée de conservation du journal ne peut pas être inférieure à {MINIMUM_RETENTION_DAYS} jours."
        )
    cutoff = utcnow() - timedelta(days=days)
    deleted = db.session.execute(delete(AuditEvent).where(AuditEvent.occurred_at < cutoff)).rowcount or 0
    counters = purge_expired()
    db.session.commit()
    click.echo(
        f"Journal : {deleted} entrée{'s' if deleted > 1 else ''} de plus de {days} jours effacée{'s' if deleted > 1 else ''}. "
        f"Compteurs de connexion expirés effacés : {counters}."
    )
