"""Configuration, every value overridable from the environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = ROOT / "instance"

# The development key is public: production refuses to start with it.
DEV_SECRET_KEY = "dev-only-not-secret"


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'clas_local.sqlite'}")
    # Plain postgresql:// URLs (as pg tools write them) use psycopg 3, the driver we install.
    if url.startswith(("postgresql://", "postgres://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    ENV_NAME = os.environ.get("CLAS_ENV", "development")
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}

    # Where uploaded evidence files live: never under static/.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE / "uploads"))
    MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 10)
    OUTBOX_FOLDER = os.environ.get("OUTBOX_FOLDER", str(INSTANCE / "outbox"))
    # The dossiers' PDFs, one file per project and version of its content (dossier/cache.py):
    # shared by the workers, so a folder every one of them can write.
    DOSSIER_CACHE_FOLDER = os.environ.get("DOSSIER_CACHE_FOLDER", str(INSTANCE / "dossier-cache"))
    ANTIVIRUS_COMMAND = os.environ.get("ANTIVIRUS_COMMAND", "")

    # Public address used in e-mails, calendar URLs and feed links. Unset, it is the address
    # `make run` serves: PORT=8000 make run writes links to :8000.
    BASE_URL = (os.environ.get("BASE_URL") or f"http://127.0.0.1:{os.environ.get('PORT') or '5000'}").rstrip("/")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _bool("MAIL_USE_TLS")
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "clas-local@localhost")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    REMINDER_DAYS_BEFORE = _int("REMINDER_DAYS_BEFORE", 7)
    # The domain of Message-ID headers; empty: BASE_URL's host.
    MAIL_DOMAIN = os.environ.get("MAIL_DOMAIN", "")

    # Answers given from a calendar client (iMIP REPLY, `clas fetch-replies`). Each invitation's
    # ORGANIZER and Reply-To is MAIL_REPLY_ADDRESS with {token} replaced by a signed token of
    # the invitation (plus-addressing: reponses+{token}@mairie.fr), delivered to this mailbox.
    # Without IMAP_SERVER and MAIL_REPLY_ADDRESS, invitations ask for no calendar answer (RSVP=FALSE).
    MAIL_REPLY_ADDRESS = os.environ.get("MAIL_REPLY_ADDRESS", "")
    IMAP_SERVER = os.environ.get("IMAP_SERVER", "")
    IMAP_PORT = _int("IMAP_PORT", 993)
    IMAP_USERNAME = os.environ.get("IMAP_USERNAME", "")
    IMAP_PASSWORD = os.environ.get("IMAP_PASSWORD", "")
    IMAP_FOLDER = os.environ.get("IMAP_FOLDER", "INBOX")
    # ssl (port 993), starttls (port 143), or none: only for a server on this machine (tests).
    IMAP_SECURITY = os.environ.get("IMAP_SECURITY", "ssl").strip().lower()
    IMAP_PROCESSED_FOLDER = os.environ.get("IMAP_PROCESSED_FOLDER", "Réponses traitées")
    IMAP_REJECTED_FOLDER = os.environ.get("IMAP_REJECTED_FOLDER", "Réponses rejetées")
    IMAP_TIMEOUT = _int("IMAP_TIMEOUT", 30)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "")
    # Login throttling (auth/throttle.py): so many failures within the window block for the
    # window's length — an account from one address or known device, one address whatever
    # the accounts, one account whatever the addresses (known devices excepted).
    LOGIN_MAX_FAILURES_PER_ACCOUNT = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
    LOGIN_MAX_FAILURES_PER_IP = _int("LOGIN_MAX_FAILURES_PER_IP", 100)
    LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL = _int("LOGIN_MAX_FAILURES_PER_ACCOUNT_TOTAL", 50)
    # How long a browser where an account logged in stays « known » to the throttle.
    KNOWN_DEVICE_DAYS = _int("KNOWN_DEVICE_DAYS", 180)
    LOGIN_THROTTLE_MINUTES = _int("LOGIN_THROTTLE_MINUTES", 15)
    LOGIN_THROTTLE_PREFIX = os.environ.get("LOGIN_THROTTLE_PREFIX", "clas-local:login:")
    # Reverse proxies in front of the app (nginx…): their X-Forwarded-For is trusted
    # to give the client's address, which login throttling counts per address.
    TRUSTED_PROXY_COUNT = _int("TRUSTED_PROXY_COUNT", 0)
    AUDIT_RETENTION_DAYS = _int("AUDIT_RETENTION_DAYS", 365)

    PASSWORD_LINK_MAX_AGE = timedelta(hours=_int("PASSWORD_LINK_HOURS", 72))
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_int("SESSION_HOURS", 12))
    REMEMBER_COOKIE_DURATION = timedelta(days=_int("REMEMBER_DAYS", 14))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    WTF_I18N_ENABLED = False  # WTForms' bundled French messages (see forms.Form), no Flask-Babel
    WTF_CSRF_SSL_STRICT = True

    # Room for the multipart envelope around the largest allowed file.
    MAX_CONTENT_LENGTH = MAX_UPLOAD_MB * 1024 * 1024 + 64 * 1024


class ProductionConfig(Config):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret-key"
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    MAIL_SERVER = ""
    BASE_URL = "http://localhost"
    SERVER_NAME = None


def config_for_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("CLAS_ENV") == "production" else Config
