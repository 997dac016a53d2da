"""Error pages in French. No input may produce a stack trace for the user."""

from __future__ import annotations

import logging
import time

from flask import Flask, g, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from clas_local.extensions import db

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Requête invalide", "La demande n'a pas pu être comprise. Revenez en arrière et réessayez."),
    401: ("Connexion requise", "Connectez-vous pour accéder à cette page."),
    403: ("Accès refusé", "Votre rôle dans ce comité ne permet pas cette action."),
    404: ("Page introuvable", "Cette page n'existe pas, ou vous n'y avez pas accès."),
    405: ("Action impossible", "Cette adresse ne permet pas cette action."),
    410: ("Lien expiré", "Ce lien n'est plus valable."),
    413: ("Fichier trop volumineux", "Le fichier dépasse la taille autorisée."),
    429: ("Trop de tentatives", "Trop de tentatives en peu de temps : patientez quelques minutes."),
    500: ("Erreur interne", "Une erreur inattendue s'est produite. L'équipe technique a été prévenue."),
}


def render_error(status: int, message: str | None = None, title: str | None = None):
    default_title, default_message = MESSAGES.get(status, MESSAGES[500])
    return (
        render_template(
            "errors/error.html", status=status, title=title or default_title, message=message or default_message
        ),
        status,
    )


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        _record_refusal(400, "csrf")
        return render_error(
            400,
            "Le formulaire a expiré ou n'a pas été envoyé depuis Clas Local. Rechargez la page et recommencez.",
            "Formulaire expiré",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code in (403, 404):
            refusal = g.pop("refusal", None)
            if refusal:
                _record_refusal(error.code, refusal["what"])
        if error.code == 413:
            limit = app.config.get("MAX_UPLOAD_MB", 10)
            return render_error(413, f"Le fichier dépasse la taille autorisée de {limit} Mo.")
        if error.code in MESSAGES:
            return render_error(error.code)
        return error

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.exception("Unhandled error")
        db.session.rollback()
        return render_error(500)


REFUSAL_LOG_ATTEMPTS = 3


def _record_refusal(status: int, what: str) -> None:
    """Refusals go to the audit log, each in a short write transaction of its own.

    Who and where are read before the request's own transaction is rolled back (reading
    them afterwards would start a deferred read that SQLite cannot turn into a write once
    another worker has committed: « database is locked »). The row is then written in a
    transaction that takes the write lock up front and waits its turn; a lost race is
    tried again. A failure to log must never hide the refusal itself."""
    from types import SimpleNamespace

    from clas_local.audit.services import record
    from clas_local.sqlite import write_transaction

    actor = None
    if current_user.is_authenticated:
        actor = SimpleNamespace(id=current_user.id, email=current_user.email)
    committee_id = getattr(g.get("committee"), "id", None)
    for attempt in range(1, REFUSAL_LOG_ATTEMPTS + 1):
        db.session.rollback()
        try:
            with write_transaction():
                record(f"refused.{status}", summary=what[:500], committee_id=committee_id, actor=actor)
                db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == REFUSAL_LOG_ATTEMPTS:
                log.exception("Could not record a refusal in the audit log")
            else:
                time.sleep(0.05 * attempt)
        except Exception:  # pragma: no cover - logging must never turn a 404 into a 500
            log.exception("Could not record a refusal in the audit log")
            db.session.rollback()
            return
