"""Password rules for password-only access (CNIL): 12 characters at least, common passwords refused."""

import pytest

from clas_local.auth.passwords import MIN_LENGTH, password_problem
from tests.conftest import page_text, post
from tests.factories import TEST_PASSWORD


def test_twelve_characters_at_least():
    assert MIN_LENGTH == 12
    assert "au moins 12 caractères" in password_problem("Vélo rouge!")  # 11 characters
    assert password_problem("Vélo rouge!!") is None  # 12 characters, not common


@pytest.mark.parametrize("password", [
    "Motdepasse2026!", "Azerty123456", "azertyuiop123", "Password1234!", "Marseille13013",
    "123456789012", "!!!!2026!!!!", "aaaaaaaaaaaaaaaa", "Bienvenue2026", "Clas-Local-2026", "ecole1234567",
])
def test_common_passwords_are_refused(password):
    assert "trop courant" in (password_problem(password, "anne@mairie.fr") or "")


@pytest.mark.parametrize("password", [
    "Le chat dort sur la box", "cheval-agrafe-pile-correct", "Trois crêpes au sarrasin", TEST_PASSWORD,
])
def test_passphrases_are_accepted(password):
    assert password_problem(password, "anne@mairie.fr") is None


def test_the_account_page_refuses_a_common_password_in_french(client, make_member):
    make_member("host", email="anne@mairie.fr")
    post(client, "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    response = post(client, "/compte", {"current_password": TEST_PASSWORD, "password": "Motdepasse2026!",
                                        "confirm": "Motdepasse2026!"})
    assert response.status_code in (200, 422)
    assert "Ce mot de passe est trop courant" in page_text(response)
