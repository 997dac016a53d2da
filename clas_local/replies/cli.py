"""`flask --app app clas fetch-replies` (run it from cron, like send-pending)."""

from __future__ import annotations

import click

from clas_local.invitations.tokens import calendar_replies_enabled


@click.command("fetch-replies")
def fetch_replies_command():
    """Lire les réponses envoyées depuis les agendas (Outlook, Gmail, Thunderbird) et les enregistrer."""
    from clas_local.replies.mailbox import MailboxError, fetch_replies

    if not calendar_replies_enabled():
        click.echo("Réponses depuis l'agenda non configurées : définissez IMAP_SERVER et MAIL_REPLY_ADDRESS "
                   "(avec {token}).", err=True)
        raise SystemExit(1)
    try:
        summary = fetch_replies()
    except MailboxError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    click.echo(f"{summary.total} message(s) lu(s) : {summary.recorded} réponse(s) enregistrée(s), "
               f"{sum(summary.rejected.values())} rejetée(s).")
    for reason, count in sorted(summary.rejected.items(), key=lambda item: item[0].value):
        click.echo(f"  – {reason.label} : {count}")
    if summary.not_moved:
        click.echo(f"{summary.not_moved} message(s) n'ont pu être classés : ils seront relus.", err=True)
        raise SystemExit(1)
