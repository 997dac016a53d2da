"""`flask --app app clas …`: administration commands.

The commands of one domain live in its <domain>/cli.py as plain click commands and join the
`clas` group at the end of this file; the ones here span several domains (purge-logs: the
audit log and the login counters) or the whole instance. Domains never import this module.
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import delete, select

from clas_local.audit.models import AuditEvent
from clas_local.auth.throttle import purge_expired
from clas_local.calendar.cli import feed_url_command
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations.cli import send_pending_command, send_reminders_command
from clas_local.partners.cli import import_schools_command
from clas_local.replies.cli import fetch_replies_command

clas = AppGroup("clas", help="Commandes d'administration de Clas Local.")


@clas.command("create-committee")
@click.option("--slug", required=True, help="Identifiant dans les adresses (ex. rennes-nord).")
@click.option("--name", required=True, help="Nom du comité local.")
@click.option("--zone", required=True, type=click.Choice(["A", "B", "C", "other"]), help="Zone de vacances.")
@click.option("--timezone", default="Europe/Paris", show_default=True, help="Fuseau horaire (IANA).")
@click.option("--host-organisation", default="", help="Mairie ou EPCI qui anime le comité.")
def create_committee_command(slug, name, zone, timezone, host_organisation):
    """Créer un comité local."""
    from clas_local.committees.services import CommitteeError, create_committee

    try:
        committee = create_committee(slug, name, zone, timezone, host_organisation=host_organisation)
    except CommitteeError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"Comité « {committee.name} » créé : /c/{committee.slug}/")


@clas.command("create-user")
@click.option("--email", required=True)
@click.option("--password", required=True, help="Au moins 12 caractères.")
@click.option("--name", "full_name", default="")
@click.option("--role", type=click.Choice(["host", "porteur", "school", "viewer"]))
@click.option("--committee", "slug", help="Identifiant du comité où donner ce rôle.")
@click.option("--partner-id", type=int, help="Organisation d'un porteur ou d'une école.")
@click.option("--admin", is_flag=True, help="Administrateur de l'instance.")
def create_user_command(email, password, full_name, role, slug, partner_id, admin):
    """Créer un compte (ou changer son mot de passe) et lui donner un rôle dans un comité."""
    from clas_local.auth import services
    from clas_local.auth.models import Role
    from clas_local.auth.passwords import password_problem
    from clas_local.committees.models import Committee

    problem = password_problem(password, email)
    if problem:
        raise click.ClickException(problem)
    if bool(role) != bool(slug):
        raise click.ClickException("--role et --committee vont ensemble.")
    if not role and not admin:
        raise click.ClickException("Donnez un rôle dans un comité (--role, --committee) ou --admin.")
    user = services.find_user(email)
    try:
        user = user or services.create_user(email, full_name)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    services.set_password(user, password)
    user.is_admin = user.is_admin or admin
    if slug:
        committee = db.session.scalar(select(Committee).where(Committee.slug == slug))
        if committee is None:
            raise click.ClickException(f"Aucun comité « {slug} ».")
        services.add_member(committee, email, Role(role), full_name, partner_id)
    db.session.commit()
    click.echo(f"Compte {user.email} prêt" + (f" ({role} de {slug})" if slug else "") + (" [admin]" if admin else ""))


@clas.command("demo")
def demo_command():
    """Créer (ou compléter) le comité de démonstration « demo » et afficher les identifiants."""
    from clas_local.demo import seed_demo

    logins = seed_demo()
    db.session.commit()
    click.echo("Comité de démonstration prêt : /c/demo/ (et son département, Ille-et-Vilaine : /d/35/)")
    click.echo("Identifiants de démonstration :")
    role_width = max(len(role) for role, _email, _password in logins)
    email_width = max(len(email) for _role, email, _password in logins)
    for role, email, password in logins:
        click.echo(f"  {role:<{role_width}}  {email:<{email_width}}  {password}")


@clas.command("backup")
@click.argument("dest", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(dest: Path):
    """Copier la base SQLite de façon cohérente, même pendant que l'application écrit."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "La base est PostgreSQL : utilisez pg_dump, par exemple "
            "« pg_dump --format=custom --file=clas.dump NOM_DE_LA_BASE »."
        )
    source_path = url.database
    if not source_path or source_path == ":memory:":
        raise click.ClickException("Une base en mémoire ne se sauvegarde pas.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    # SQLite's online backup API copies a consistent snapshot while writers go on. The copy
    # leaves WAL mode for a rollback journal: one self-contained file, with no -wal or -shm
    # beside it (closing() closes the connections; `with connect()` alone only commits).
    with closing(sqlite3.connect(source_path, timeout=30)) as source, closing(sqlite3.connect(partial)) as target:
        source.backup(target)
        target.execute("PRAGMA journal_mode = DELETE")
    with closing(sqlite3.connect(partial)) as check:
        result = check.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"La copie est corrompue ({result}) : sauvegarde abandonnée.")
    shutil.move(partial, dest)
    click.echo(f"Sauvegarde écrite dans {dest} (contrôle d'intégrité : ok)")


# The database refuses to delete younger rows (migration trigger): the command says so first.
MINIMUM_RETENTION_DAYS = 30


@clas.command("purge-logs")
@click.option("--days", type=int, default=None,
              help="Durée de conservation en jours (par défaut : AUDIT_RETENTION_DAYS).")
def purge_logs_command(days: int | None):
    """Effacer les entrées du journal plus anciennes que la durée de conservation."""
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


for _command in (import_schools_command, feed_url_command, send_pending_command, send_reminders_command,
                 fetch_replies_command):
    clas.add_command(_command)
