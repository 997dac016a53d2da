"""Recording an answer sent from a calendar client, or why it was rejected.

The reply address (ORGANIZER, Reply-To: MAIL_REPLY_ADDRESS with a signed token)
identifies the invitation; the sender's address is never trusted. Then the reply must
be for that meeting (UID), for its current version (SEQUENCE not lower than the
meeting's: an answer to an older date or time says nothing about the new one), for a
meeting still open for answers, and say ACCEPTED, DECLINED or TENTATIVE. It is recorded
by `invitations.services.record_answer`, as an answer by link is, with the channel
« Réponse depuis l'agenda » and the client's COMMENT.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr, parsedate_to_datetime

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations import services as invitations
from clas_local.invitations.itip import contact_address
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.invitations.tokens import reply_tokens_in, resolve_reply_token
from clas_local.meetings.models import MeetingStatus
from clas_local.replies.models import RejectedReply, RejectionReason
from clas_local.replies.parsing import NotAReply, Reply, read_reply, recipient_text
from clas_local.text import one_line

log = logging.getLogger(__name__)

ANSWERS = {"ACCEPTED": Answer.ACCEPTED, "DECLINED": Answer.DECLINED, "TENTATIVE": Answer.TENTATIVE}


@dataclass
class Outcome:
    recorded: bool
    reason: RejectionReason | None = None
    detail: str = ""
    invitation: Invitation | None = None


class Rejected(Exception):
    def __init__(self, reason: RejectionReason, detail: str, invitation: Invitation | None = None):
        super().__init__(detail)
        self.reason, self.detail, self.invitation = reason, detail, invitation


def _invitation(message: EmailMessage, organizer: str) -> Invitation:
    tokens = reply_tokens_in(organizer) + reply_tokens_in(recipient_text(message))
    if not tokens:
        raise Rejected(RejectionReason.UNKNOWN_TOKEN, "Le message n'est adressé à aucune adresse de réponse d'invitation.")
    for token in dict.fromkeys(tokens):
        invitation = resolve_reply_token(token)
        if invitation is not None:
            return invitation
    raise Rejected(
        RejectionReason.UNKNOWN_TOKEN,
        "L'adresse de réponse ne correspond à aucune invitation en cours (falsifiée, ou l'invitation a été retirée).",
    )


def _answer(invitation: Invitation, reply: Reply, now: datetime) -> Answer:
    meeting = invitation.meeting
    if reply.uid != meeting.uid:
        raise Rejected(RejectionReason.WRONG_UID, f"La réponse porte sur un autre événement (UID {reply.uid[:120]}).",
                       invitation)
    if meeting.status is MeetingStatus.CANCELLED:
        raise Rejected(RejectionReason.CANCELLED, "La réunion a été annulée : la réponse n'est pas enregistrée.",
                       invitation)
    if reply.sequence < meeting.sequence:
        raise Rejected(
            RejectionReason.OLD_SEQUENCE,
            f"La réponse porte sur la version {reply.sequence} de la réunion, qui a changé depuis "
            f"(version {meeting.sequence}) : la personne doit répondre à la nouvelle invitation.",
            invitation,
        )
    if invitation.contact is None or invitation.contact.anonymised_at is not None:
        raise Rejected(RejectionReason.UNKNOWN_TOKEN, "L'invitation de cette personne a été retirée.", invitation)
    if not meeting.open_for_answers(now):
        raise Rejected(RejectionReason.CLOSED, "La réunion a eu lieu : la réponse arrive trop tard.", invitation)
    own = (contact_address(invitation.contact) or "").lower()
    # The person's own ATTENDEE line, else the only one (a client may answer from an alias).
    mine = [attendee for attendee in reply.attendees if attendee[0] == own] or (
        reply.attendees if len(reply.attendees) == 1 else []
    )
    statuses = [status for _, status, _ in mine]
    answer = ANSWERS.get(statuses[0]) if statuses else None
    if answer is None:
        raise Rejected(
            RejectionReason.NO_ANSWER,
            "La réponse ne dit ni « accepté », ni « refusé », ni « peut-être » (PARTSTAT "
            + (statuses[0] if statuses else "absent") + ").",
            invitation,
        )
    comment = one_line(reply.comment or mine[0][2])[: invitations.COMMENT_MAX]
    invitations.record_answer(invitation, answer, AnswerChannel.CALENDAR, comment, now=now)
    return answer


def process_message(raw: bytes, *, now: datetime | None = None) -> Outcome:
    """Record the answer the message carries, or a RejectedReply saying why not. Never raises
    for a bad message: its own savepoint is rolled back and it is recorded as rejected."""
    now = now or utcnow()
    try:
        message = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # noqa: BLE001 - whatever a mailbox holds
        return _reject(raw, None, Rejected(RejectionReason.MALFORMED, f"Message illisible : {exc}"[:300]), now)
    invitation: Invitation | None = None
    try:
        with db.session.begin_nested():
            try:
                reply = read_reply(message)
            except NotAReply as refusal:
                # Which invitation the message was for, when its address says so: the organiser sees it.
                invitation = _find_quietly(message)
                raise Rejected(RejectionReason(refusal.reason), refusal.detail, invitation) from None
            invitation = _invitation(message, reply.organizer)
            answer = _answer(invitation, reply, now)
        return Outcome(True, detail=answer.label, invitation=invitation)
    except Rejected as rejected:
        return _reject(raw, message, rejected, now)
    except Exception as exc:  # noqa: BLE001 - one odd message never stops the run
        log.exception("Calendar reply could not be processed")
        return _reject(raw, message, Rejected(RejectionReason.INVALID, f"{type(exc).__name__}: {exc}"[:300],
                                              invitation), now)


def _find_quietly(message: EmailMessage) -> Invitation | None:
    for token in reply_tokens_in(recipient_text(message)):
        invitation = resolve_reply_token(token)
        if invitation is not None:
            return invitation
    return None


def _header(message: EmailMessage | None, name: str) -> str:
    if message is None:
        return ""
    try:
        return one_line(str(message.get(name, "") or ""))
    except Exception:  # noqa: BLE001 - a header the parser chokes on
        return ""


def _reject(raw: bytes, message: EmailMessage | None, rejected: Rejected, now: datetime) -> Outcome:
    invitation = rejected.invitation
    received_at = None
    try:
        received_at = parsedate_to_datetime(_header(message, "Date")) if _header(message, "Date") else None
    except (TypeError, ValueError):
        received_at = None
    if received_at is not None and received_at.tzinfo is None:
        received_at = None
    db.session.add(
        RejectedReply(
            committee_id=invitation.meeting.committee_id if invitation is not None else None,
            invitation_id=invitation.id if invitation is not None else None,
            reason=rejected.reason,
            detail=rejected.detail[:2000],
            sender=parseaddr(_header(message, "From"))[1][:254],
            subject=_header(message, "Subject")[:300],
            message_id=_header(message, "Message-ID")[:300],
            received_at=received_at or now,
            raw=raw[: RejectedReply.RAW_MAX],
        )
    )
    db.session.flush()
    return Outcome(False, rejected.reason, rejected.detail, invitation)
