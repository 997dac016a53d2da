"""Answer links: /rsvp/<token>, signed, bound to one invitation, valid until 30 days after the meeting.

The token carries the invitation id, its meeting id and the invitation's rsvp_nonce,
signed with the app's secret (itsdangerous). It holds no date: it expires with the
meeting it belongs to, so a meeting moved later keeps its links valid, and renewing
the nonce revokes every link already sent for that invitation.

A link is withdrawn (410) as soon as its person is no longer invited: their contact
anonymised or deleted, or their organisation removed from the meeting (which deletes
the invitation rows). A well-signed token naming a row that no longer exists can only
be such a link: only this installation signs tokens.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import datetime, timedelta, timezone

from flask import current_app
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting

SALT = "clas-local.rsvp"
VALID_AFTER_MEETING = timedelta(days=30)


class RsvpRefusal(Exception):
    """Why a link is refused, with the status and the French words of the page."""

    def __init__(self, status: int, title: str, message: str):
        super().__init__(title)
        self.status, self.title, self.message = status, title, message


def not_found() -> RsvpRefusal:
    return RsvpRefusal(
        404,
        "Lien de réponse introuvable",
        "Ce lien de réponse n'est pas valable : il a peut-être été mal copié, ou remplacé par un lien "
        "plus récent. Ouvrez le dernier message d'invitation reçu, ou contactez l'organisateur de la réunion.",
    )


def withdrawn() -> RsvpRefusal:
    return RsvpRefusal(
        410,
        "Lien de réponse retiré",
        "Ce lien de réponse n'est plus valable : l'invitation a été retirée par l'organisateur de la réunion. "
        "Pour toute question, contactez-le directement.",
    )


def expired() -> RsvpRefusal:
    return RsvpRefusal(
        410,
        "Lien de réponse expiré",
        "Ce lien de réponse n'est plus valable : la réunion a eu lieu il y a plus de 30 jours.",
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def make_token(invitation: Invitation) -> str:
    return _serializer().dumps([invitation.id, invitation.meeting_id, invitation.rsvp_nonce])


def expires_at(meeting: Meeting) -> datetime:
    return meeting.ends_at + VALID_AFTER_MEETING


def resolve(token: str, now: datetime | None = None) -> Invitation:
    """The contact-level invitation the token names, or RsvpRefusal (404 / 410)."""
    try:
        payload = _serializer().loads(token)
    except BadData:
        raise not_found() from None
    if (
        not isinstance(payload, list)
        or len(payload) != 3
        or not all(isinstance(part, int) and not isinstance(part, bool) for part in payload[:2])
        or not isinstance(payload[2], str)
    ):
        raise not_found()
    invitation_id, meeting_id, nonce = payload
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == invitation_id)
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.committee),
            joinedload(Invitation.meeting).joinedload(Meeting.project),
            joinedload(Invitation.partner),
            joinedload(Invitation.contact),
        )
    )
    if invitation is None:
        raise withdrawn()
    # A token of another meeting, a revoked nonce, a partner-level row: all refused alike.
    if (
        invitation.meeting_id != meeting_id
        or invitation.contact_id is None
        or invitation.rsvp_nonce != nonce
    ):
        raise not_found()
    if invitation.contact is None or invitation.contact.anonymised_at is not None:
        raise withdrawn()
    if (now or datetime.now(timezone.utc)) > expires_at(invitation.meeting):
        raise expired()
    return invitation


# -- reply addresses (answers from a calendar client) ----------------------------------------
#
# An invitation's ORGANIZER and Reply-To is MAIL_REPLY_ADDRESS with {token} replaced by
# `<invitation id>-<MAC>`: the MAC (HMAC-SHA256 of the invitation, its meeting and its
# rsvp_nonce, under a key derived from SECRET_KEY) is what identifies the person, never
# the sender's address, which anyone can write. Lower-case base32: mail systems may
# change the case of a local part, and the whole address stays well under 64 octets.

REPLY_SALT = b"clas-local.calendar-reply"
REPLY_MAC_CHARS = 26  # 130 bits
_REPLY_TOKEN = re.compile(r"([0-9]{1,12})-([a-z2-7]{%d})" % REPLY_MAC_CHARS)


def calendar_replies_enabled() -> bool:
    """Answers from calendar clients are read (an IMAP mailbox and a reply address are set)."""
    config = current_app.config
    return bool(config.get("IMAP_SERVER") and "{token}" in config.get("MAIL_REPLY_ADDRESS", ""))


def _reply_mac(invitation_id: int, meeting_id: int, nonce: str) -> str:
    key = hmac.new(current_app.config["SECRET_KEY"].encode("utf-8"), REPLY_SALT, hashlib.sha256).digest()
    mac = hmac.new(key, f"{invitation_id}:{meeting_id}:{nonce}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii").lower()[:REPLY_MAC_CHARS]


def make_reply_token(invitation: Invitation) -> str:
    return f"{invitation.id}-{_reply_mac(invitation.id, invitation.meeting_id, invitation.rsvp_nonce)}"


def reply_address(invitation: Invitation) -> str:
    """Where this person's calendar client sends its answer (ORGANIZER, Reply-To)."""
    return current_app.config["MAIL_REPLY_ADDRESS"].replace("{token}", make_reply_token(invitation))


def reply_tokens_in(text: str) -> list[str]:
    """The reply tokens found in addresses (To:, Delivered-To:, the ORGANIZER…), in order, once each."""
    template = current_app.config.get("MAIL_REPLY_ADDRESS", "")
    if "{token}" not in template:
        return []
    before, _, after = template.partition("{token}")
    pattern = re.compile(re.escape(before) + r"(" + _REPLY_TOKEN.pattern + r")" + re.escape(after), re.I)
    found = []
    for match in pattern.finditer(text or ""):
        token = match.group(1).lower()
        if token not in found:
            found.append(token)
    return found


def resolve_reply_token(token: str) -> Invitation | None:
    """The contact-level invitation a well-signed reply token names, or None (forged, revoked, gone)."""
    match = _REPLY_TOKEN.fullmatch((token or "").lower())
    if match is None:
        return None
    invitation = db.session.scalar(
        select(Invitation)
        .where(Invitation.id == int(match.group(1)))
        .options(
            joinedload(Invitation.meeting).joinedload(Meeting.committee),
            joinedload(Invitation.meeting).joinedload(Meeting.project),
            joinedload(Invitation.partner),
            joinedload(Invitation.contact),
        )
    )
    if invitation is None or invitation.contact_id is None:
        return None
    expected = _reply_mac(invitation.id, invitation.meeting_id, invitation.rsvp_nonce)
    if not hmac.compare_digest(expected, match.group(2)):
        return None
    return invitation
