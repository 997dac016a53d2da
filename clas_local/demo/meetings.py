"""Demo meetings across the 2026-2027 school year: the key moments of each project (every
state of a key moment at least once: held, planned, to complete, to plan), two comités
locaux and a commission PEDT (an instance de concertation), on both sides of the DST changes (25 October 2026, 28 March 2027).

Dates are relative to the demo's "today" (late November 2026): autumn meetings are held,
one lancement was cancelled and replanned. Each meeting has a fixed UID, so seeding twice
creates nothing the second time. Partner-level invitations go to the projects' schools;
the comités locaux invite the porteurs, the Éducation nationale, the CAF and the PRE.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus

PARIS = ZoneInfo("Europe/Paris")
COMITE_INVITEES = ("ts-blosne", "paul-bert", "familles-verger", "circo-rennes-sud", "caf35", "pre-rennes")

# (key, project or None, kind, local start, minutes, place, status, agenda)
MEETINGS = (
    ("blosne-diagnostic", "blosne", MeetingKind.DIAGNOSTIC, (2026, 10, 6, 17, 30), 90,
     "Centre social Ty-Blosne, salle 2", MeetingStatus.HELD,
     "Besoins repérés par les enseignants\nCréneaux et salles\nOrientation des familles"),
    ("blosne-lancement", "blosne", MeetingKind.LANCEMENT, (2026, 11, 5, 17, 0), 90,
     "École élémentaire Volga, salle des maîtres", MeetingStatus.HELD,
     "Liste des enfants orientés (effectifs seulement)\nCalendrier des séances"),
    ("blosne-suivi-fevrier", "blosne", MeetingKind.SUIVI, (2027, 2, 4, 17, 30), 90,
     "Centre social Ty-Blosne, salle 2", MeetingStatus.PLANNED, "Point d'étape du premier semestre"),
    ("blosne-bilan", "blosne", MeetingKind.BILAN, (2027, 6, 10, 17, 30), 120,
     "Centre social Ty-Blosne, salle 1", MeetingStatus.PLANNED, "Bilan de l'année\nPerspectives 2027-2028"),
    ("maurepas-diagnostic", "maurepas", MeetingKind.DIAGNOSTIC, (2026, 10, 13, 17, 30), 90,
     "Maison de quartier de Maurepas", MeetingStatus.HELD, "Diagnostic partagé avec les écoles"),
    ("maurepas-lancement-annule", "maurepas", MeetingKind.LANCEMENT, (2026, 11, 12, 17, 30), 90,
     "École Gantelles", MeetingStatus.CANCELLED, "Lancement (reporté : grève des transports)"),
    ("maurepas-lancement", "maurepas", MeetingKind.LANCEMENT, (2026, 11, 19, 17, 30), 90,
     "École Gantelles", MeetingStatus.HELD, "Lancement de l'activité"),
    ("maurepas-suivi", "maurepas", MeetingKind.SUIVI, (2027, 3, 25, 17, 30), 90,
     "Maison de quartier de Maurepas", MeetingStatus.PLANNED, "Suivi : difficultés signalées par les enseignants"),
    ("maurepas-bilan", "maurepas", MeetingKind.BILAN, (2027, 6, 3, 17, 30), 90,
     "Maison de quartier de Maurepas", MeetingStatus.PLANNED, "Bilan de l'année"),
    ("verger-diagnostic", "verger", MeetingKind.DIAGNOSTIC, (2026, 10, 15, 16, 45), 60,
     "École du Rohuel", MeetingStatus.HELD, "Diagnostic avec l'équipe enseignante"),
    # Past and still only planned: its key moment reads « à compléter ».
    ("verger-lancement", "verger", MeetingKind.LANCEMENT, (2026, 11, 17, 16, 45), 60,
     "École du Rohuel", MeetingStatus.PLANNED, "Démarrage des séances avec l'équipe enseignante"),
    # No suivi planned yet for the Verger: its key moment reads « à planifier ».
    ("verger-bilan", "verger", MeetingKind.BILAN, (2027, 6, 8, 16, 45), 60,
     "Salle des associations du Verger", MeetingStatus.PLANNED, "Bilan de l'année"),
    ("comite-novembre", None, MeetingKind.COMITE_LOCAL, (2026, 11, 26, 14, 0), 120,
     "Hôtel de Rennes Métropole, salle 3", MeetingStatus.HELD,
     "Présentation des projets 2026-2027\nCoordination avec le PRE et la Cité éducative"),
    ("commission-pedt", None, MeetingKind.INSTANCE, (2026, 11, 10, 18, 0), 90,
     "Hôtel de ville de Rennes, salle du conseil", MeetingStatus.HELD,
     "Commission PEDT : volet périscolaire et articulation avec les Clas"),
    ("comite-mai", None, MeetingKind.COMITE_LOCAL, (2027, 5, 20, 14, 0), 120,
     "Hôtel de Rennes Métropole, salle 3", MeetingStatus.PLANNED, "Préparation des bilans et du prochain appel à projets"),
)


def demo_uid(key: str) -> str:
    return f"demo-{key}@clas-local"


def seed(context) -> None:
    committee = context.committee
    db.session.flush()
    existing = set(db.session.scalars(select(Meeting.uid).where(Meeting.committee_id == committee.id)))
    host = context.users.get("host")
    for key, project_key, kind, start, minutes, place, status, agenda in MEETINGS:
        if demo_uid(key) in existing:
            continue
        project = context.projects[project_key] if project_key else None
        starts_at = datetime(*start, tzinfo=PARIS).astimezone(ZoneInfo("UTC"))
        meeting = Meeting(
            committee=committee,
            project=project,
            kind=kind,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=minutes),
            place=place,
            agenda=agenda,
            status=status,
            uid=demo_uid(key),
            sequence=1 if status is MeetingStatus.CANCELLED else 0,
            cancelled_at=utcnow() if status is MeetingStatus.CANCELLED else None,
            created_by_id=getattr(host, "id", None),
        )
        if project is not None:
            partner_ids = [school.partner_id for school in project.schools]
        else:
            partner_ids = [context.partners[name].id for name in COMITE_INVITEES]
        for partner_id in partner_ids:
            meeting.invitations.append(Invitation(partner_id=partner_id, contact_id=None))
        db.session.add(meeting)
