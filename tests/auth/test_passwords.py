import pytest

from clas_local.auth import password_links
from clas_local.auth.passwords import hash_password, password_problem, verify_password
from clas_local.extensions import db
from tests.conftest import page_text, post


def test_hashes_are_argon2id():
    hashed = hash_password("Une-phrase-de-passe-solide")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "Une-phrase-de-passe-solide")
    assert not verify_password(hashed, "autre chose")
    assert not verify_password(None, "Une-phrase-de-passe-solide")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("court", "au moins 12 caractères"),
        ("azertyuiop123", "trop courant"),
        ("aaaaaaaaaaaaaaa", "trop courant"),
        ("anne.martin-2026!", "adresse e-mail"),
    ],
)
def test_password_rules(password, message):
    assert message in password_problem(password, "anne.martin@mairie.fr")


def test_a_good_password_passes():
    assert password_problem("Le chat dort sur la box", "anne@mairie.fr") is None


def test_password_link_sets_the_password_once(client, make_user):
    user = make_user(email="nouveau@ecole.fr", password=None)
    token = password_links.issue(user)
    db.session.commit()
    page = client.get(f"/mot-de-passe/{token}")
    assert page.status_code == 200
    assert "nouveau@ecole.fr" in page_text(page)

    weak = post(client, f"/mot-de-passe/{token}", {"password": "court", "confirm": "court"})
    assert "au moins 12 caractères" in page_text(weak)

    done = post(client, f"/mot-de-passe/{token}", {"password": "Le chat dort sur la box", "confirm": "Le chat dort sur la box"})
    assert done.status_code == 303
    db.session.refresh(user)
    assert verify_password(user.password_hash, "Le chat dort sur la box")

    reused = client.get(f"/mot-de-passe/{token}")
    assert reused.status_code == 410
    assert "déjà servi" in page_text(reused)


def test_tampered_password_link_is_refused(client):
    response = client.get("/mot-de-passe/pas-un-vrai-jeton")
    assert response.status_code == 410
    assert "pas valable" in page_text(response)


def test_changing_password_closes_other_sessions(app, client, login_as):
    user = login_as("host")
    other_device = app.test_client()
    from tests.factories import sign_in

    sign_in(other_device, user)
    assert other_device.get("/compte").status_code == 200
    response = post(
        client,
        "/compte",
        {"current_password": "Une-phrase-de-passe-solide", "password": "Le chat dort sur la box",
         "confirm": "Le chat dort sur la box"},
    )
    assert response.status_code == 303
    assert client.get("/compte").status_code == 200  # this device stays logged in
    assert other_device.get("/compte").status_code == 302
