import secrets

import pytest

from clas_local import create_app
from clas_local.config import DEV_SECRET_KEY, ProductionConfig
from tests.conftest import count_queries


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("key", [DEV_SECRET_KEY, "", "trop-courte", "a" * 36, "abc" * 20, "0123456789abcdef" * 3])
def test_production_refuses_to_start_without_a_real_secret_key(key):
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": key, "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


@pytest.mark.parametrize("make_key", [lambda: secrets.token_hex(32), lambda: secrets.token_hex(16),
                                      lambda: secrets.token_urlsafe(32)])
def test_random_keys_pass_the_check(make_key):
    from clas_local import key_looks_random

    assert all(key_looks_random(make_key()) for _ in range(200))


def test_production_starts_with_a_real_key_and_secure_cookies():
    config = type("Prod", (ProductionConfig,), {"SECRET_KEY": secrets.token_hex(32), "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_unknown_page_is_a_french_404(client):
    response = client.get("/nulle-part")
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_pages_carry_security_headers(client):
    headers = client.get("/login").headers
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_authenticated_pages_are_not_cached(client, login_as):
    login_as("host")
    assert client.get("/c/rennes/").headers["Cache-Control"] == "no-store"


def test_htmx_is_vendored_not_fetched_from_a_cdn(client):
    page = client.get("/login").get_data(as_text=True)
    assert '/static/vendor/htmx-2.0.11.min.js' in page
    script = client.get("/static/vendor/htmx-2.0.11.min.js")
    assert script.status_code == 200 and b'version:"2.0.11"' in script.data
    script.close()
    assert "https://" not in page.split("<body")[0]


def test_committee_home_issues_a_bounded_number_of_queries(client, login_as, make_meeting, make_member):
    from datetime import datetime, timedelta, timezone

    login_as("host")
    soon = datetime.now(timezone.utc) + timedelta(days=2)
    for _ in range(3):
        make_member("viewer")
        make_meeting(starts_at=soon)
    with count_queries() as few:
        client.get("/c/rennes/")
    for _ in range(12):
        make_member("viewer")
        make_meeting(starts_at=soon)
    with count_queries() as many:
        client.get("/c/rennes/")
    assert len(many) == len(few) <= 10


def test_links_follow_the_port_of_make_run_when_base_url_is_unset():
    """PORT=8000 make run: e-mails, feeds and password links point to :8000, not :5000."""
    import os
    import subprocess
    import sys

    code = "from clas_local.config import Config; print(Config.BASE_URL)"
    env = {k: v for k, v in os.environ.items() if k not in ("BASE_URL", "PORT")}
    read = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert read(PORT="8000") == "http://127.0.0.1:8000"
    assert read() == "http://127.0.0.1:5000"
    assert read(PORT="8000", BASE_URL="https://clas.example.fr/") == "https://clas.example.fr"
    from pathlib import Path

    makefile = (Path(__file__).parent.parent / "Makefile").read_text(encoding="utf-8")
    assert "PORT=$(PORT) $(FLASK) run" in makefile
