"""Links to choose a password: single use, bound to the account's state, e-mailed to its owner only.

A link carries the account id and the account's current `password_link_nonce`, signed
with the app's secret and dated (itsdangerous). Issuing a link draws a new nonce, so
every older link stops working; setting a password clears it, so a link works once. A
link is only ever written into an e-mail to the account's own address (queued in the
outbox, delivered after the commit): no page shows it and no host can download it, so
nobody but whoever reads that mailbox can set the account's password.
"""

from __future__ import annotations

import enum
import secrets

from flask import current_app, render_template, url_for
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from clas_local.audit.services import record
from clas_local.auth.models import User
from clas_local.extensions import db
from clas_local.mail import services as mail
from clas_local.mail.models import MessageKind

SALT = "clas-local/set-password"

EXPIRED = "Ce lien a expiré : demandez un nouveau lien avec « Mot de passe oublié ? » sur la page de connexion."
INVALID = "Ce lien n'est pas valable."
USED = "Ce lien a déjà servi ou a été remplacé par un lien plus récent : utilisez le dernier lien reçu."


class Purpose(enum.Enum):
    WELCOME = "welcome"  # a new member: choose a first password
    RESET = "reset"  # forgotten, or sent by a host or the admin


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def hours_valid() -> int:
    return int(current_app.config["PASSWORD_LINK_MAX_AGE"].total_seconds() // 3600)


def issue(user: User) -> str:
    """A new link token for the account; every link issued before stops working."""
    user.password_link_nonce = secrets.token_urlsafe(16)
    return _serializer().dumps({"user": user.id, "nonce": user.password_link_nonce})


def resolve(token: str) -> tuple[User | None, str]:
    """The account a link is for, or None with the French reason it is refused."""
    max_age = int(current_app.config["PASSWORD_LINK_MAX_AGE"].total_seconds())
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        return None, EXPIRED
    except BadSignature:
        return None, INVALID
    user_id, nonce = (data.get("user"), data.get("nonce")) if isinstance(data, dict) else (None, None)
    if not isinstance(user_id, int) or isinstance(user_id, bool) or not isinstance(nonce, str):
        return None, INVALID
    user = db.session.get(User, user_id)
    if user is None or not user.is_active_account or user.password_link_nonce is None:
        return None, USED
    if not secrets.compare_digest(user.password_link_nonce, nonce):
        return None, USED
    return user, ""


def send(user: User, purpose: Purpose | None = None, committee=None, *, after_commit: bool = True):
    """E-mail the account a new link: queued now, delivered once the caller has committed
    (`after_commit=False`: the caller delivers it itself). Without a purpose: a first
    password for an account that has none, else a new one."""
    if purpose is None:
        purpose = Purpose.WELCOME if user.password_hash is None else Purpose.RESET

    link = current_app.config["BASE_URL"] + url_for("auth.choose_password", token=issue(user))
    context = {"user": user, "committee": committee, "link": link, "hours": hours_valid()}
    if purpose is Purpose.WELCOME:
        text = render_template("mail/account.txt", **context)
        subject = f"Votre accès à Clas Local – {committee.name}" if committee is not None else "Votre accès à Clas Local"
    else:
        text = render_template("mail/password_reset.txt", **context)
        subject = "Choisir un nouveau mot de passe – Clas Local"
    message = mail.build_message(user.email, subject, text, committee=committee)
    outgoing = mail.queue(message, MessageKind.ACCOUNT, committee=committee)
    record("user.password_link", user, committee=committee, summary=f"Lien de mot de passe envoyé à {user.email}",
           purpose=purpose.value)
    if after_commit:
        mail.deliver_after_commit([outgoing])
    return outgoing
