"""The hosts' outbox page: recorded messages, « Renvoyer », the raw .eml."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.mail import services as mail
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from tests.conftest import htmx_get, page_text, post


def _record(committee, status=MessageStatus.QUEUED, recipient="personne@exemple.fr", error=""):
    message = mail.build_message(recipient, "Invitation : Réunion de suivi", "Bonjour", committee=committee)
    record = mail.queue(message, MessageKind.INVITATION, committee=committee)
    record.status = status
    record.last_error = error
    db.session.commit()
    return record


def test_host_sees_messages_by_status_as_page_and_fragment(client, login_as, committee):
    login_as("host")
    _record(committee, MessageStatus.SENT, "a@exemple.fr")
    _record(committee, MessageStatus.FAILED, "b@exemple.fr", "SMTPRecipientsRefused: 550")
    page = client.get("/c/rennes/mail")
    assert page.status_code == 200
    text = page_text(page)
    assert "<h1>Courriels</h1>" in text
    assert "Aucun serveur SMTP n'est configuré" in text
    assert "a@exemple.fr" in text and "b@exemple.fr" in text
    assert "Échec (1)" in text
    fragment = htmx_get(client, "/c/rennes/mail?statut=failed")
    assert fragment.status_code == 200
    body = page_text(fragment)
    assert "<h1>" not in body and "b@exemple.fr" in body and "a@exemple.fr" not in body
    assert "Renvoyer" in body


def test_resend_from_the_outbox_writes_the_eml(app, client, login_as, committee):
    from pathlib import Path

    login_as("host")
    failed = _record(committee, MessageStatus.FAILED, "b@exemple.fr", "ConnectionRefusedError")
    response = post(client, f"/c/rennes/mail/{failed.id}/resend")
    assert response.status_code == 303
    db.session.refresh(failed)
    assert failed.status is MessageStatus.SENT and failed.attempts == 1
    assert [p.name for p in Path(app.config["OUTBOX_FOLDER"]).glob("*.eml")] == [f"{failed.id:08d}-invitation.eml"]
    assert "Message renvoyé à b@exemple.fr." in page_text(client.get("/c/rennes/mail"))
    # A sent message is not resent.
    post(client, f"/c/rennes/mail/{failed.id}/resend")
    db.session.refresh(failed)
    assert failed.attempts == 1


def test_download_gives_the_raw_message(client, login_as, committee):
    login_as("host")
    record = _record(committee)
    response = client.get(f"/c/rennes/mail/{record.id}.eml")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "message/rfc822"
    assert response.data == record.raw
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_only_hosts_of_the_committee(client, login_as, committee, make_committee):
    record = _record(committee)
    login_as("porteur")
    assert client.get("/c/rennes/mail").status_code == 403
    assert post(client, f"/c/rennes/mail/{record.id}/resend").status_code == 403
    other = make_committee(slug="brest")
    from tests.factories import sign_in

    client.post("/logout")
    host_elsewhere = login_as("host", committee_=other)
    sign_in(client, host_elsewhere)
    assert client.get("/c/rennes/mail").status_code == 404
    assert client.get(f"/c/brest/mail/{record.id}.eml").status_code == 404
    assert post(client, f"/c/brest/mail/{record.id}/resend").status_code == 404


def test_recipient_is_the_bare_address_even_with_a_name(app, committee):
    from email.utils import formataddr

    message = mail.build_message(formataddr(("Isabelle Caradec", "i.c@exemple.fr")), "Objet", "Texte", committee=committee)
    record = mail.queue(message, MessageKind.INVITATION, committee=committee)
    assert record.recipient == "i.c@exemple.fr"


def test_send_pending_without_server_writes_eml_files(app, committee):
    from pathlib import Path

    _record(committee)
    _record(committee)
    result = app.test_cli_runner().invoke(args=["clas", "send-pending"])
    assert result.exit_code == 0, result.output
    assert "2 message(s) envoyé(s) dans" in result.output
    assert len(list(Path(app.config["OUTBOX_FOLDER"]).glob("*.eml"))) == 2
    assert db.session.scalars(select(OutgoingMessage.status)).all() == [MessageStatus.SENT] * 2


def test_without_smtp_a_written_message_is_not_called_sent(app, client, login_as, committee):
    login_as("host")
    _record(committee, MessageStatus.SENT, "a@exemple.fr")
    text = " ".join(page_text(client.get("/c/rennes/mail")).split())
    assert "Écrit dans le dossier, non envoyé" in text
    assert ">Envoyé<" not in text and "Envoyé (" not in text
    app.config["MAIL_SERVER"] = "smtp.exemple.fr"
    try:
        text = " ".join(page_text(client.get("/c/rennes/mail")).split())
    finally:
        app.config["MAIL_SERVER"] = ""
    assert "Envoyé (1)" in text and "non envoyé" not in text
