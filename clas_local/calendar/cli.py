"""`flask --app app clas feed-url --email EMAIL`: a person's calendar feed address."""

from __future__ import annotations

import click

from clas_local.extensions import db


@click.command("feed-url")
@click.option("--email", required=True, help="Adresse e-mail du compte.")
def feed_url_command(email: str):
    """Afficher l'adresse d'abonnement à l'agenda personnel d'un compte (un nouveau lien :
    l'ancien cesse de fonctionner, car seule son empreinte est conservée)."""
    from clas_local.auth.services import find_user
    from clas_local.calendar.feeds import feed_url, regenerate_feed

    user = find_user(email)
    if user is None:
        raise click.ClickException(f"Aucun compte pour {email}.")
    token = regenerate_feed(user)
    db.session.commit()
    click.echo(feed_url(token))
    click.echo(f"Pour s'abonner depuis Outlook ou l'Agenda d'Apple : {feed_url(token, webcal=True)}", err=True)
    click.echo("L'ancien lien de cet agenda, s'il existait, ne fonctionne plus.", err=True)
