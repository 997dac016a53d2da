"""« Mot de passe oublié ? »: a way back in for every user, that tells nothing to anyone else."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from clas_local.auth.passwords import verify_password
from clas_local.extensions import db
from clas_local.mail.models import OutgoingMessage
from tests.conftest import page_text, post
from tests.factories import TEST_PASSWORD
from tests.invitations.conftest import smtp_server  # noqa: F401  (the real SMTP server on loopback)

NEW_PASSWORD = "Le chat dort sur la box"
SENT = "Si un compte Clas Local correspond à l'adresse"


def _ask(client, email, address="192.0.2.10"):
    return post(client, "/mot-de-passe-oublie", {"email": email}, environ_base={"REMOTE_ADDR": address})


def _answer(response, email) -> str:
    """The words of the page's main part, the typed address taken out (it is echoed back in both cases)."""
    main = re.search(r"<main.*</main>", page_text(response), re.S).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).replace(email, "…")


def test_forgotten_password_end_to_end_through_the_smtp_server(app, client, make_member, smtp_server):  # noqa: F811
    user = make_member("host", email="anne@mairie.fr")
    login_page = page_text(client.get("/login"))
    assert '<a href="/mot-de-passe-oublie">Mot de passe oublié ?</a>' in login_page
    assert client.get("/mot-de-passe-oublie").status_code == 200

    response = _ask(client, "Anne@Mairie.fr")
    assert response.status_code == 200
    assert SENT in page_text(response)
    # The answer leaves before the e-mail: its timing does not tell whether the account exists.
    assert smtp_server.received == []
    response.close()
    [received] = smtp_server.received
    assert received.recipients == ["anne@mairie.fr"]
    message = received.message
    assert message["Subject"] == "Choisir un nouveau mot de passe – Clas Local"
    text = message.get_body(("plain",)).get_content()
    assert "valable 72 heures, une seule fois" in text
    link = re.search(r"http://localhost(/mot-de-passe/\S+)", text).group(1)

    chosen = post(app.test_client(), link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert chosen.status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, NEW_PASSWORD)
    assert post(app.test_client(), "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD}).status_code == 200
    assert post(app.test_client(), "/login", {"email": "anne@mairie.fr", "password": NEW_PASSWORD}).status_code == 303
    assert app.test_client().get(link).status_code == 410


def test_the_same_answer_whether_or_not_the_account_exists(app, client, make_member, make_user, smtp_server):  # noqa: F811
    make_member("viewer", email="anne@mairie.fr")
    make_user(email="parti@mairie.fr", is_active_account=False)
    answers = {}
    for email in ("anne@mairie.fr", "personne@nulle-part.fr", "parti@mairie.fr"):
        response = _ask(app.test_client(), email)
        assert response.status_code == 200
        answers[email] = _answer(response, email)
        response.close()
    assert len(set(answers.values())) == 1
    assert [r.recipients for r in smtp_server.received] == [["anne@mairie.fr"]]
    assert db.session.scalars(select(OutgoingMessage.recipient)).all() == ["anne@mairie.fr"]


def test_a_bad_address_is_refused_in_french(client):
    response = _ask(client, "pas-une-adresse")
    assert response.status_code == 422
    assert "Adresse e-mail invalide." in page_text(response)


@pytest.mark.parametrize("email", ["anne@mairie.fr", "inconnue@mairie.fr"])
def test_requests_are_throttled_like_the_login(app, client, make_member, email):
    app.config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=3)
    make_member("viewer", email="anne@mairie.fr")
    for _ in range(3):
        assert _ask(client, email).status_code == 200
    blocked = _ask(client, email)
    assert blocked.status_code == 429
    assert "Trop de demandes de lien en peu de temps" in page_text(blocked)
    assert int(blocked.headers["Retry-After"]) > 0
    # Other people behind the same address are not blocked.
    assert _ask(client, "collegue@mairie.fr").status_code == 200
