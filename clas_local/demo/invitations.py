"""Demo invitations: the upcoming meetings' contacts are e-mailed through the configured
transport (really over SMTP when MAIL_SERVER is set, else .eml files in the outbox), and
the comité local of May and the Blosne suivi hold answers of every kind.

Idempotent: a contact already invited to a meeting is neither invited nor answered
again, so a second run sends nothing and changes no answer given since by hand.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations import itip, services
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.mail.services import deliver_many
from clas_local.meetings.models import Meeting, MeetingStatus

# The answers held, in the order the new contact invitations of a meeting were created:
# (answer, channel, comment); the contacts beyond the plan stay without an answer.
ANSWER_PLAN = {
    "demo-comite-mai@clas-local": (
        (Answer.ACCEPTED, AnswerChannel.LINK, ""),
        (Answer.DECLINED, AnswerChannel.LINK, "Je serai représentée par mon adjointe, Mme Rault."),
        (Answer.TENTATIVE, AnswerChannel.ORGANISER, "Réponse par téléphone : à confirmer selon l'agenda du conseil."),
        (Answer.ACCEPTED, AnswerChannel.LINK, ""),
    ),
    "demo-blosne-suivi-fevrier@clas-local": (
        (Answer.ACCEPTED, AnswerChannel.LINK, ""),
    ),
}
# The demo school user (École Volga) answers for the school from « Mes invitations ».
SCHOOL_PAGE_ANSWER = ("demo-blosne-suivi-fevrier@clas-local", "0352258P", Answer.ACCEPTED, "Avec l'enseignante de CM1.")


def seed(context) -> None:
    db.session.flush()
    now = utcnow()
    meetings = db.session.scalars(
        select(Meeting)
        .where(
            Meeting.committee_id == context.committee.id,
            Meeting.status == MeetingStatus.PLANNED,
            Meeting.starts_at > now,
        )
        .options(selectinload(Meeting.invitations).selectinload(Invitation.partner))
        .order_by(Meeting.starts_at)
    ).all()
    records = []
    for meeting in meetings:
        invited_contacts = {inv.contact_id for inv in meeting.invitations if inv.contact_id is not None}
        wanted = [
            contact.id
            for inv in meeting.invitations
            if inv.contact_id is None
            for contact in inv.partner.contacts
            if itip.contact_address(contact) is not None and contact.id not in invited_contacts
        ]
        if not wanted:
            continue
        sent = services.invite_contacts(meeting, wanted)
        records.extend(sent)
        new_rows = sorted((record.invitation_id for record in sent))
        for invitation_id, (answer, channel, comment) in zip(new_rows, ANSWER_PLAN.get(meeting.uid, ())):
            services.record_answer(db.session.get(Invitation, invitation_id), answer, channel, comment)
        uid, uai, answer, comment = SCHOOL_PAGE_ANSWER
        school = context.partners.get(uai)
        if meeting.uid == uid and school is not None:
            for invitation in meeting.invitations:
                if invitation.partner_id == school.id and invitation.contact_id is None:
                    services.record_answer(invitation, answer, AnswerChannel.PAGE, comment)
    if records:
        deliver_many(records)
