"""Demo attendance, minutes and evidence for the held meetings of the current school year.

For each held meeting that has no attendance yet: the invited organisations marked present
(with their first contact) or excused, an uninvited guest at the comité local, a compte rendu
written in the kind's template, and — on the first held meeting — its sign-in sheet PDF filed
as evidence through the storage service. Only adults are named; children appear nowhere.
Idempotent: a meeting that already has attendance, minutes or evidence is left as it is.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.evidence import services as evidence_services
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import Partner

# The demo's comité local welcomed an organisation that was not invited.
UNINVITED_GUEST = ("Conseil citoyen du Blosne", "Nadia Benali", "Membre du conseil citoyen")

SAMPLE_MINUTES: dict[MeetingKind, str] = {
    MeetingKind.DIAGNOSTIC: (
        "Constats partagés sur les besoins (sans nommer d'enfant) :\n"
        "Les enseignants de CP et CE1 repèrent une quinzaine d'élèves en difficulté de lecture, "
        "souvent peu accompagnés le soir. Les familles concernées sont peu présentes aux réunions d'école.\n\n"
        "Publics visés et modalités d'orientation vers le Clas :\n"
        "Deux collectifs de 10 enfants ; les enseignants proposent, la directrice rencontre les familles.\n\n"
        "Organisation envisagée (lieux, horaires, collectifs) :\n"
        "Mardi et jeudi de 16 h 45 à 18 h 15, au centre social.\n\n"
        "Rôle de chaque partenaire :\n"
        "L'école oriente et partage ses observations ; le centre social anime et reçoit les parents.\n\n"
        "Suites à donner :\n"
        "Réunion de lancement après les vacances de la Toussaint."
    ),
    MeetingKind.LANCEMENT: (
        "Présentation du projet et des collectifs :\n"
        "Le projet et le règlement de fonctionnement ont été présentés aux enseignants.\n\n"
        "Orientation des enfants par les équipes éducatives :\n"
        "19 enfants orientés (effectifs seulement), répartis en deux collectifs.\n\n"
        "Liens avec les familles :\n"
        "Un temps d'accueil des parents est prévu chaque premier jeudi du mois.\n\n"
        "Calendrier et prochaines rencontres :\n"
        "Suivi en février, bilan en juin.\n\n"
        "Suites à donner :\n"
        "Transmettre le calendrier des séances aux écoles."
    ),
    MeetingKind.COMITE_LOCAL: (
        "Tour de table des partenaires :\n"
        "Chaque porteur a présenté son projet 2026-2027 et ses collectifs.\n\n"
        "Projets Clas du territoire :\n"
        "Trois projets financés, dont un en milieu rural.\n\n"
        "Articulation avec les dispositifs (PRE, PEDT, cité éducative, REAAP…) :\n"
        "Le PRE orientera les familles qu'il suit ; la Cité éducative cofinance les actions parentalité.\n\n"
        "Présence de l'Éducation nationale :\n"
        "La circonscription Rennes Sud était représentée par son inspectrice.\n\n"
        "Décisions et suites à donner :\n"
        "Prochain comité local en mai pour préparer les bilans."
    ),
}


def _minutes_text(meeting: Meeting) -> str:
    from clas_local.attendance.services import minutes_template

    return SAMPLE_MINUTES.get(meeting.kind) or minutes_template(meeting.kind)


def _record_attendance(meeting: Meeting) -> None:
    organisations = [inv for inv in meeting.invitations if inv.contact_id is None]
    for position, invitation in enumerate(organisations):
        partner: Partner = invitation.partner
        answers = [inv.answer for inv in meeting.invitations if inv.partner_id == partner.id]
        # Those who declined were excused; in larger meetings the last one invited did not come.
        excused = Answer.DECLINED in answers or (len(organisations) > 3 and position == len(organisations) - 1)
        attendance = Attendance(
            partner=partner, presence=Presence.EXCUSED if excused else Presence.PRESENT, invited=True
        )
        contact = next((c for c in partner.contacts if c.anonymised_at is None), None)
        if not excused and contact is not None:
            attendance.people.append(Attendee(contact=contact, function=contact.function))
        meeting.attendances.append(attendance)
    if meeting.kind is MeetingKind.COMITE_LOCAL:
        label, name, function = UNINVITED_GUEST
        guest = Attendance(partner=None, organisation_label=label, presence=Presence.PRESENT, invited=False)
        guest.people.append(Attendee(full_name=name, function=function))
        meeting.attendances.append(guest)


def seed(context) -> None:
    db.session.flush()
    meetings = db.session.scalars(
        select(Meeting)
        .where(Meeting.committee_id == context.committee.id, Meeting.status == MeetingStatus.HELD)
        .options(
            selectinload(Meeting.invitations).selectinload(Invitation.partner).selectinload(Partner.contacts),
            selectinload(Meeting.attendances),
            selectinload(Meeting.minutes),
            selectinload(Meeting.project),
        )
        .order_by(Meeting.starts_at)
    ).all()
    for meeting in meetings:
        if not meeting.attendances:
            _record_attendance(meeting)
        if meeting.minutes is None:
            meeting.minutes = Minutes(body=_minutes_text(meeting))
    db.session.flush()
    _file_signin_sheet(context, meetings)


def _file_signin_sheet(context, meetings: list[Meeting]) -> None:
    """The first held meeting of the year gets its sign-in sheet as evidence (one PDF, made here)."""
    current = [m for m in meetings if m.project is not None and m.project.school_year == "2026-2027"]
    if not current:
        return
    meeting = current[0]
    already = db.session.scalar(select(EvidenceFile.id).where(EvidenceFile.meeting_id == meeting.id).limit(1))
    if already is not None:
        return
    from clas_local.attendance import signin_sheet

    evidence_services.store_generated(
        context.committee,
        signin_sheet.render_pdf(meeting),
        f"Feuille d'émargement signée – {meeting.kind.label.lower()}.pdf",
        EvidenceKind.SIGNIN_SHEET,
        meeting=meeting,
        user=context.users.get("porteur") or context.users.get("host"),
    )
