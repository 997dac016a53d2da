"""`flask --app app clas send-pending` and `clas send-reminders` (run them from cron)."""

from __future__ import annotations

import click
from flask import current_app

from clas_local.extensions import db


@click.command("send-pending")
@click.option("--retry-failed", is_flag=True, help="Retenter aussi les messages en échec.")
def send_pending_command(retry_failed: bool):
    """Envoyer les courriels en attente (SMTP si MAIL_SERVER, sinon fichiers .eml)."""
    from clas_local.mail.services import deliver_pending

    total_sent = total_failed = 0
    while True:
        sent, failed = deliver_pending(include_failed=retry_failed)
        db.session.commit()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        # A batch with failures would come back forever with --retry-failed: stop there.
        if sent + failed < 500 or failed:
            break
    where = "par SMTP" if current_app.config.get("MAIL_SERVER") else f"dans {current_app.config['OUTBOX_FOLDER']}"
    click.echo(f"{total_sent} message(s) envoyé(s) {where}, {total_failed} en échec.")
    if total_failed:
        raise SystemExit(1)


@click.command("send-reminders")
@click.option("--days", type=int, default=None, help="Jours avant la réunion (défaut : REMINDER_DAYS_BEFORE).")
def send_reminders_command(days: int | None):
    """Relancer les invités sans réponse des réunions qui ont lieu dans les prochains jours."""
    from clas_local.invitations.services import send_reminders
    from clas_local.mail.services import deliver_many

    from clas_local.i18n import format_datetime

    days = current_app.config["REMINDER_DAYS_BEFORE"] if days is None else days
    reminders = send_reminders(days_before=days)
    db.session.commit()
    sent, failed = deliver_many(reminders.records)
    db.session.commit()
    click.echo(f"{len(reminders.records)} relance(s) pour les réunions des {days} prochains jours : "
               f"{sent} envoyée(s), {failed} en échec.")
    for meeting in reminders.failed:
        click.echo(f"Relances impossibles à préparer pour la réunion n° {meeting.id} du "
                   f"{format_datetime(meeting.starts_at, meeting.committee.timezone)} (comité {meeting.committee.slug}) : "
                   "voir le journal du serveur.", err=True)
    if reminders.failed:
        raise SystemExit(1)
