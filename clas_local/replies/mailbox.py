"""The IMAP mailbox where calendar clients send their answers (IMAPClient).

Every message of IMAP_FOLDER is read (BODY.PEEK[]: a message opened meanwhile in a
webmail is not skipped), processed and committed one at a time, then moved to the
processed or the rejected folder (created when missing): nothing is read twice, nothing
is lost. A message whose move fails stays where it was and is read again next time;
recording an answer twice changes nothing.
"""

from __future__ import annotations

import ssl
from collections import Counter
from dataclasses import dataclass, field

from flask import current_app
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from clas_local.extensions import db
from clas_local.replies.services import process_message

FETCH_BATCH = 50
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


class MailboxError(Exception):
    """The mailbox cannot be used, with the French reason."""


@dataclass
class Summary:
    recorded: int = 0
    rejected: Counter = field(default_factory=Counter)  # by RejectionReason
    not_moved: int = 0

    @property
    def total(self) -> int:
        return self.recorded + sum(self.rejected.values())


def connect() -> IMAPClient:
    config = current_app.config
    host, port, security = config["IMAP_SERVER"], config["IMAP_PORT"], config["IMAP_SECURITY"]
    timeout = config["IMAP_TIMEOUT"]
    if security not in ("ssl", "starttls", "none"):
        raise MailboxError(f"IMAP_SECURITY vaut « {security} » : choisissez ssl, starttls ou none.")
    if security == "none" and host not in LOOPBACK:
        raise MailboxError("IMAP_SECURITY=none n'est permis que pour un serveur sur cette machine (127.0.0.1) : "
                           "le mot de passe circulerait en clair.")
    try:
        if security == "ssl":
            client = IMAPClient(host, port=port, ssl=True, ssl_context=ssl.create_default_context(), timeout=timeout)
        else:
            client = IMAPClient(host, port=port, ssl=False, timeout=timeout)
    except (OSError, IMAPClientError) as exc:
        raise MailboxError(f"Connexion à la boîte {host}:{port} impossible : {exc}") from exc
    try:
        if security == "starttls":
            client.starttls(ssl.create_default_context())
        client.login(config["IMAP_USERNAME"], config["IMAP_PASSWORD"])
    except (OSError, IMAPClientError) as exc:
        client.shutdown()
        raise MailboxError(f"Connexion à la boîte {host}:{port} impossible : {exc}") from exc
    return client


def _ensure_folder(client: IMAPClient, name: str) -> None:
    if not client.folder_exists(name):
        client.create_folder(name)


def _move(client: IMAPClient, uid: int, folder: str) -> None:
    if client.has_capability("MOVE"):
        client.move([uid], folder)
    else:
        client.copy([uid], folder)
        client.delete_messages([uid])
        if client.has_capability("UIDPLUS"):
            client.uid_expunge([uid])
        else:
            client.expunge()


def fetch_replies() -> Summary:
    """Process every message of IMAP_FOLDER; returns what was recorded and rejected."""
    config = current_app.config
    processed, rejected = config["IMAP_PROCESSED_FOLDER"], config["IMAP_REJECTED_FOLDER"]
    summary = Summary()
    client = connect()
    try:
        for folder in (processed, rejected):
            _ensure_folder(client, folder)
        client.select_folder(config["IMAP_FOLDER"])
        uids = client.search(["NOT", "DELETED"])
        for start in range(0, len(uids), FETCH_BATCH):
            batch = uids[start : start + FETCH_BATCH]
            for uid, data in client.fetch(batch, ["BODY.PEEK[]"]).items():
                raw = data.get(b"BODY[]") or b""
                outcome = process_message(raw)
                db.session.commit()
                if outcome.recorded:
                    summary.recorded += 1
                else:
                    summary.rejected[outcome.reason] += 1
                try:
                    _move(client, uid, processed if outcome.recorded else rejected)
                except IMAPClientError:
                    summary.not_moved += 1
    except IMAPClientError as exc:
        raise MailboxError(f"Lecture de la boîte impossible : {exc}") from exc
    finally:
        try:
            client.logout()
        except (OSError, IMAPClientError):
            pass
    return summary
