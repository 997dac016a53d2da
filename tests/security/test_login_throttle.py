"""Login throttling per account and address, per address, per account; shared by every worker
(database or Redis); and nobody can use it to lock the real users out."""

import pytest

from clas_local import create_app
from clas_local.audit.models import AuditEvent
from clas_local.auth.models import LoginThrottle
from clas_local.extensions import db
from tests.conftest import _config, page_text, post
from tests.factories import TEST_PASSWORD

EMAIL = "anne@mairie.fr"
WRONG = "pas-le-bon-mot-de-passe"


def _attempt(client, email=EMAIL, password=WRONG, address="192.0.2.10"):
    """One login attempt (the client keeps its cookies: a browser)."""
    return post(client, "/login", {"email": email, "password": password},
                environ_base={"REMOTE_ADDR": address})


def test_default_limits_follow_common_practice():
    from clas_local.config import Config

    assert Config.LOGIN_MAX_FAILURES_PER_ACCOUNT == 5
    assert Config.LOGIN_MAX_FAILURES_PER_IP == 100
    assert Config.LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL == 50
    assert Config.LOGIN_THROTTLE_MINUTES == 15


@pytest.fixture(params=["database", "redis"])
def storage(request, app_config):
    # Small limits keep the test quick (each attempt verifies an argon2 hash).
    app_config.update(LOGIN_MAX_FAILURES_PER_ACCOUNT=3, LOGIN_MAX_FAILURES_PER_IP=5,
                      LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL=4)
    if request.param == "redis":
        request.getfixturevalue("redis_throttle")
    else:
        app_config["RATELIMIT_STORAGE_URI"] = ""
    return request.param


def test_an_account_is_blocked_after_repeated_failures_even_with_the_right_password(storage, app, client, make_member):
    make_member("host", email=EMAIL)
    for _ in range(3):
        assert _attempt(client).status_code == 200
    blocked = _attempt(client, password=TEST_PASSWORD)
    assert blocked.status_code == 429
    assert "Trop de tentatives de connexion" in page_text(blocked)
    assert "réessayez dans 15 minutes" in page_text(blocked)
    assert 0 < int(blocked.headers["Retry-After"]) <= 15 * 60
    assert client.get("/c/rennes/").status_code == 302  # not logged in
    assert db.session.query(AuditEvent).filter_by(action="login.throttled").count() == 1
    # Blocked from that address only: the owner, elsewhere, still gets in.
    assert _attempt(app.test_client(), password=TEST_PASSWORD, address="198.51.100.7").status_code == 303


def test_guesses_spread_over_many_addresses_block_the_account_but_not_its_known_browser(
    storage, app, client, make_member
):
    make_member("host", email=EMAIL)
    owner = client
    assert _attempt(owner, password=TEST_PASSWORD, address="203.0.113.50").status_code == 303
    post(owner, "/logout")
    for n in range(4):  # the account-wide limit, one guess per address
        assert _attempt(app.test_client(), address=f"198.51.100.{n}").status_code == 200
    assert _attempt(app.test_client(), password=TEST_PASSWORD, address="198.51.100.99").status_code == 429
    # The owner's browser, where the account logged in before, is not locked out.
    assert _attempt(owner, password=TEST_PASSWORD, address="203.0.113.51").status_code == 303


def test_a_known_browser_is_still_limited_for_its_own_guesses(storage, app, client, make_member):
    make_member("host", email=EMAIL)
    assert _attempt(client, password=TEST_PASSWORD).status_code == 303
    post(client, "/logout")
    for _ in range(3):
        assert _attempt(client).status_code == 200
    assert _attempt(client, password=TEST_PASSWORD).status_code == 429


def test_an_unknown_email_is_throttled_like_a_real_one(storage, app, client, committee):
    for _ in range(3):
        assert _attempt(client, email="inconnu@exemple.fr").status_code == 200
    assert _attempt(client, email="inconnu@exemple.fr").status_code == 429


def test_a_success_clears_the_account_counter(storage, app, client, make_member):
    make_member("host", email=EMAIL)
    for _ in range(2):
        _attempt(client)
    assert _attempt(client, password=TEST_PASSWORD).status_code == 303
    post(client, "/logout")
    for _ in range(2):
        assert _attempt(client).status_code == 200
    assert _attempt(client, password=TEST_PASSWORD).status_code == 303


def test_an_address_trying_many_accounts_is_blocked(storage, app, client, make_member):
    make_member("host", email=EMAIL)
    for n in range(5):
        assert _attempt(client, email=f"cible{n}@exemple.fr").status_code == 200
    assert _attempt(client, password=TEST_PASSWORD).status_code == 429
    # The same account from another address still works.
    assert _attempt(client, password=TEST_PASSWORD, address="198.51.100.7").status_code == 303


def test_the_counters_are_shared_by_every_worker(storage, app, app_config, make_member):
    """Two app instances on one database (or one Redis) stand for two gunicorn workers."""
    make_member("host", email=EMAIL)
    workers = [create_app(_config(**app_config)) for _ in range(2)]
    for n in range(3):
        worker = workers[n % 2]
        with worker.app_context():
            assert _attempt(worker.test_client()).status_code == 200
    with workers[1].app_context():
        assert _attempt(workers[1].test_client(), password=TEST_PASSWORD).status_code == 429
    with workers[0].app_context():
        assert _attempt(workers[0].test_client(), password=TEST_PASSWORD).status_code == 429
    for worker in workers:
        with worker.app_context():
            db.engine.dispose()


def test_the_database_stores_hashed_keys_only(app, client, committee):
    app.config["RATELIMIT_STORAGE_URI"] = ""
    _attempt(client, email="secret@exemple.fr", address="203.0.113.9")
    keys = [row.key for row in db.session.query(LoginThrottle)]
    assert len(keys) == 3  # account and address, address, account
    assert not any("secret" in key or "203.0.113.9" in key for key in keys)


def test_redis_down_falls_back_to_the_database(app, client, make_member):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.config["LOGIN_MAX_FAILURES_PER_ACCOUNT"] = 3
    make_member("host", email=EMAIL)
    for _ in range(3):
        assert _attempt(client).status_code == 200
    assert _attempt(client, password=TEST_PASSWORD).status_code == 429
    assert db.session.query(LoginThrottle).count() == 3


def test_twenty_failures_behind_one_address_do_not_lock_the_other_accounts(app, client, make_member):
    """A whole mairie behind one NAT address: colleagues' mistakes lock nobody else out (default limits)."""
    app.config["RATELIMIT_STORAGE_URI"] = ""
    make_member("host", email=EMAIL)
    nat = "192.0.2.200"
    for n in range(20):
        assert _attempt(app.test_client(), email=f"collegue{n % 4}@mairie.fr", address=nat).status_code == 200
    assert _attempt(app.test_client(), password=TEST_PASSWORD, address=nat).status_code == 303


def test_a_new_password_from_an_emailed_link_lifts_the_account_wide_block(storage, app, client, make_member):
    from clas_local.auth import password_links

    user = make_member("host", email=EMAIL)
    for n in range(4):
        _attempt(app.test_client(), address=f"198.51.100.{n}")
    assert _attempt(client, password=TEST_PASSWORD, address="203.0.113.7").status_code == 429
    token = password_links.issue(user)
    db.session.commit()
    new_password = "Le chat dort sur la box"
    assert post(client, f"/mot-de-passe/{token}", {"password": new_password, "confirm": new_password}).status_code == 303
    assert _attempt(client, password=new_password, address="203.0.113.7").status_code == 303
