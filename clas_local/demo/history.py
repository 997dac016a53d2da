"""Demo history: the 2025-2026 school year, over and documented, so the dossier and the
dashboard have a full year to show.

Three projects of the demo committee, reusing its porteurs and schools:
- the Blosne project is fully compliant (four key moments held with the schools present);
- the Maurepas project misses its bilan (diagnostic and suivi held, no bilan meeting);
- the Verger project is rural and uses the referential's rural exceptions (6 children,
  1 animateur, one weekly session of 2 h), with every meeting held.
Two comités locaux, with the porteurs and the Éducation nationale (circo-rennes-sud) present.

Every meeting has a fixed UID and projects are found by name and year: seeding twice
creates nothing the second time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

SCHOOL_YEAR = "2025-2026"
PARIS = ZoneInfo("Europe/Paris")

PROJECTS = (
    {
        "key": "blosne",
        "name": "Clas du Blosne – « Coup de pouce »",
        "porteur": "ts-blosne",
        "rural": False,
        "schools": ("0352258P", "0352199A"),
        "oriented": 5,
        "territory": (
            ("pre-rennes", "Orientation croisée des familles suivies par le PRE."),
            ("cite-maurepas", "Actions parentalité cofinancées par la Cité éducative."),
        ),
        "collectifs": (("CP–CE1 Volga", 10, 2, 2, 90, 28, "Centre social Ty-Blosne, salle 2"),),
    },
    {
        "key": "maurepas",
        "name": "Clas Maurepas – Gantelles",
        "porteur": "paul-bert",
        "rural": False,
        "schools": ("0352668K", "0352209L"),
        "oriented": 4,
        "territory": (("pedt-rennes", "Le Clas est inscrit au volet périscolaire du PEDT."),),
        "collectifs": (("CM1–CM2 Gantelles", 9, 2, 2, 90, 27, "Maison de quartier de Maurepas"),),
    },
    {
        "key": "verger",
        "name": "Clas rural du Verger",
        "porteur": "familles-verger",
        "rural": True,
        "schools": ("0350671P",),
        "oriented": 6,
        "territory": (("alsh-verger", "Locaux partagés et transport assuré par l'accueil de loisirs."),),
        # Rural exceptions: 6 children, 1 animateur, one weekly session of 2 h.
        "collectifs": (("Élémentaire du Rohuel", 6, 1, 1, 120, 27, "Salle des associations du Verger"),),
    },
)

COMITE_INVITEES = ("ts-blosne", "paul-bert", "familles-verger", "circo-rennes-sud", "caf35")

# (key, project key or None, kind, local start, minutes, place, minutes text, absent partner keys)
MEETINGS = (
    ("blosne-diagnostic", "blosne", MeetingKind.DIAGNOSTIC, (2025, 6, 19, 17, 30), 90, "Centre social Ty-Blosne",
     "Besoins repérés par les enseignants : méthodologie du travail personnel, lien avec les familles.", ()),
    ("blosne-lancement", "blosne", MeetingKind.LANCEMENT, (2025, 11, 6, 17, 0), 90, "École élémentaire Volga",
     "Effectifs orientés : 10 enfants. Calendrier des séances arrêté avec les directions.", ()),
    ("blosne-suivi", "blosne", MeetingKind.SUIVI, (2026, 2, 5, 17, 30), 90, "Centre social Ty-Blosne",
     "Point d'étape : assiduité satisfaisante, deux familles à rencontrer avec l'enseignante.", ()),
    ("blosne-bilan", "blosne", MeetingKind.BILAN, (2026, 6, 11, 17, 30), 120, "Centre social Ty-Blosne",
     "Bilan partagé : progrès en autonomie, participation des parents aux temps forts.", ()),
    ("maurepas-diagnostic", "maurepas", MeetingKind.DIAGNOSTIC, (2025, 10, 9, 17, 30), 90,
     "Maison de quartier de Maurepas", "Diagnostic partagé avec les deux écoles.", ()),
    ("maurepas-suivi", "maurepas", MeetingKind.SUIVI, (2026, 3, 19, 17, 30), 90, "Maison de quartier de Maurepas",
     "Suivi : difficultés de concentration signalées, ajustement des activités.", ("0352209L",)),
    ("verger-diagnostic", "verger", MeetingKind.DIAGNOSTIC, (2025, 10, 16, 16, 45), 60, "École du Rohuel",
     "Diagnostic avec l'équipe enseignante : six enfants orientés.", ()),
    ("verger-suivi", "verger", MeetingKind.SUIVI, (2026, 3, 26, 16, 45), 60, "École du Rohuel",
     "Suivi de mi-année : transport du mercredi à revoir avec l'accueil de loisirs.", ()),
    ("verger-bilan", "verger", MeetingKind.BILAN, (2026, 6, 9, 16, 45), 60, "Salle des associations du Verger",
     "Bilan : action reconduite, une séance de 2 h le mardi.", ()),
    ("comite-automne", None, MeetingKind.COMITE_LOCAL, (2025, 11, 27, 14, 0), 120,
     "Hôtel de Rennes Métropole, salle 3", "Présentation des projets 2025-2026.", ("caf35",)),
    ("comite-printemps", None, MeetingKind.COMITE_LOCAL, (2026, 5, 21, 14, 0), 120,
     "Hôtel de Rennes Métropole, salle 3", "Préparation des bilans ; coordination avec le PRE.", ()),
)  # fmt: skip


def demo_uid(key: str) -> str:
    return f"demo-2025-{key}@clas-local"


def _project(context, spec) -> Project:
    committee = context.committee
    project = db.session.scalar(
        select(Project).where(
            Project.committee_id == committee.id, Project.school_year == SCHOOL_YEAR, Project.name == spec["name"]
        )
    )
    if project is not None:
        return project
    porteur = context.partners[spec["porteur"]]
    project = Project(
        committee=committee,
        school_year=SCHOOL_YEAR,
        name=spec["name"],
        porteur=porteur,
        coordinator=porteur.contacts[0] if porteur.contacts else None,
        is_rural=spec["rural"],
    )
    for uai in spec["schools"]:
        school = context.partners[uai]
        # Every school's team oriented children that year (counts only).
        project.schools.append(ProjectSchool(partner=school, referent_contact=school.contacts[0] if school.contacts else None,
                                             oriented_children_count=spec["oriented"], oriented_on=date(2025, 10, 10)))  # fmt: skip
    for key, relation in spec["territory"]:
        project.territory_partners.append(ProjectPartner(partner=context.partners[key], relation=relation))
    for name, children, animateurs, sessions, minutes, weeks, place in spec["collectifs"]:
        project.collectifs.append(
            Collectif(name=name, children_count=children, animateurs_count=animateurs, weekly_sessions=sessions,
                      session_minutes=minutes, planned_weeks=weeks, place=place)  # fmt: skip
        )
    db.session.add(project)
    return project


def _meeting(context, projects, key, project_key, kind, start, minutes, place, text, absent_keys) -> Meeting:
    project = projects[project_key] if project_key else None
    starts_at = datetime(*start, tzinfo=PARIS).astimezone(timezone.utc)
    meeting = Meeting(
        committee=context.committee,
        project=project,
        kind=kind,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=minutes),
        place=place,
        status=MeetingStatus.HELD,
        uid=demo_uid(key),
        sequence=0,
    )
    if project is None:
        guests = [context.partners[name] for name in COMITE_INVITEES]
    else:
        guests = [context.partners[spec] for spec in _spec(project_key)["schools"]]
        guests.append(context.partners[_spec(project_key)["porteur"]])
    absent = {context.partners[name].id for name in absent_keys}
    answered_at = starts_at - timedelta(days=5)
    for guest in guests:
        came = guest.id not in absent
        meeting.invitations.append(
            Invitation(partner=guest, contact=None, answer=Answer.ACCEPTED if came else Answer.DECLINED,
                       answered_at=answered_at, answer_channel=AnswerChannel.LINK, sent_sequence=0,
                       last_sent_at=starts_at - timedelta(days=21))  # fmt: skip
        )
        attendance = Attendance(partner=guest, presence=Presence.PRESENT if came else Presence.EXCUSED, invited=True)
        if came and guest.contacts:
            contact = guest.contacts[0]
            attendance.people.append(Attendee(contact=contact, function=contact.function))
        meeting.attendances.append(attendance)
    meeting.minutes = Minutes(body=text)
    db.session.add(meeting)
    return meeting


def _spec(key: str) -> dict:
    return next(spec for spec in PROJECTS if spec["key"] == key)


def seed(context) -> None:
    projects = {spec["key"]: _project(context, spec) for spec in PROJECTS}
    db.session.flush()
    existing = set(db.session.scalars(select(Meeting.uid).where(Meeting.committee_id == context.committee.id)))
    for key, *rest in MEETINGS:
        if demo_uid(key) not in existing:
            _meeting(context, projects, key, *rest)
    db.session.flush()
