"""A realistic project year for the compliance and dossier tests, built with the models."""

from __future__ import annotations

import hashlib
import itertools
import secrets
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from flask import current_app

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import Contact, Partner, PartnerKind
from clas_local.projects.models import Project, ProjectPartner, ProjectSchool
from tests.factories import valid_uai


# UAIs of their own, counted, far from factories.py's: the 30 schools of the dashboard's
# query-count test, drawn at random among 8,000 numbers, shared a UAI about one run in twenty.
_uai_numbers = itertools.count(100_000)


def utc(year, month, day, hour=16, minute=30) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=timezone.utc)


def partner(committee, kind, name, *, contact: str | None = None) -> Partner:
    found = Partner(committee=committee, kind=kind, name=name)
    if kind in (PartnerKind.ECOLE, PartnerKind.COLLEGE, PartnerKind.LYCEE):
        found.uai = valid_uai(next(_uai_numbers))
    if contact:
        found.contacts.append(Contact(full_name=contact, function="Directrice", email=f"c{secrets.token_hex(4)}@exemple.fr"))
    db.session.add(found)
    db.session.flush()
    return found


def meeting(committee, project, kind, starts_at, *, status=MeetingStatus.HELD, present=(), absent=(), invited=(),
            minutes: str = "", title: str = "") -> Meeting:  # fmt: skip
    found = Meeting(committee=committee, project=project, kind=kind, starts_at=starts_at,
                    ends_at=starts_at + timedelta(hours=1, minutes=30), status=status, place="Salle 2", title=title)  # fmt: skip
    for guest in {*invited, *present, *absent}:
        answer = Answer.ACCEPTED if guest in present else Answer.DECLINED if guest in absent else Answer.PENDING
        found.invitations.append(
            Invitation(partner=guest, answer=answer, answer_channel=AnswerChannel.LINK if answer is not Answer.PENDING else None)
        )
    for guest in present:
        attendance = Attendance(partner=guest, presence=Presence.PRESENT, invited=True)
        attendance.people.append(Attendee(full_name=f"Personne de {guest.name}", function="Représentant·e"))
        found.attendances.append(attendance)
    for guest in absent:
        found.attendances.append(Attendance(partner=guest, presence=Presence.EXCUSED, invited=True))
    if minutes:
        found.minutes = Minutes(body=minutes)
    db.session.add(found)
    db.session.flush()
    return found


def evidence(committee, *, meeting=None, project=None, name="emargement.pdf", content: bytes | None = None,
             kind=EvidenceKind.SIGNIN_SHEET) -> EvidenceFile:  # fmt: skip
    content = content if content is not None else b"%PDF-1.4 preuve " + secrets.token_bytes(64)
    storage_name = secrets.token_hex(16)
    folder = Path(current_app.config["UPLOAD_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / storage_name).write_bytes(content)
    found = EvidenceFile(committee=committee, meeting=meeting, project=project, kind=kind, original_name=name,
                         storage_name=storage_name, content_type="application/pdf", size_bytes=len(content),
                         sha256=hashlib.sha256(content).hexdigest())  # fmt: skip
    db.session.add(found)
    db.session.flush()
    return found


def project_year(committee, *, name="Clas du Blosne", with_bilan=True, rural=False, porteur=None,
                 education_nationale=None, comite=None) -> dict:  # fmt: skip
    """A 2026-2027 project (pass the `comite` and `education_nationale` of an earlier one to share them): two schools with contacts
    that each oriented six children, a territory partner, the key moments held
    with the schools present (the bilan optional), and a comité local with the porteur and the
    Éducation nationale present."""
    porteur = porteur or partner(committee, PartnerKind.CENTRE_SOCIAL, f"Centre social de {name}", contact="Nadia Benali")
    volga = partner(committee, PartnerKind.ECOLE, f"École Volga ({name})", contact="Isabelle Caradec")
    champion = partner(committee, PartnerKind.ECOLE, f"École Champion ({name})", contact="Karim Haddad")
    pre = partner(committee, PartnerKind.PRE, f"PRE ({name})")
    education_nationale = education_nationale or partner(
        committee, PartnerKind.EDUCATION_NATIONALE, "Circonscription de Rennes Sud"
    )
    project = Project(committee=committee, school_year="2026-2027", name=name, porteur=porteur, is_rural=rural,
                      coordinator=porteur.contacts[0] if porteur.contacts else None)  # fmt: skip
    for school in (volga, champion):
        project.schools.append(ProjectSchool(partner=school, referent_contact=school.contacts[0], oriented_children_count=6,
                                             oriented_on=date(2026, 10, 20)))  # fmt: skip
    project.territory_partners.append(ProjectPartner(partner=pre, relation="Orientation croisée des familles."))
    db.session.add(project)
    db.session.flush()
    schools = (volga, champion)
    meetings = [
        meeting(committee, project, MeetingKind.DIAGNOSTIC, utc(2026, 10, 8), present=(porteur, *schools),
                minutes="Besoins repérés : méthodologie, lien avec les familles."),
        meeting(committee, project, MeetingKind.SUIVI, utc(2027, 2, 4), present=(porteur, volga), absent=(champion,)),
    ]  # fmt: skip
    if with_bilan:
        meetings.append(
            meeting(committee, project, MeetingKind.BILAN, utc(2027, 6, 10), present=(porteur, *schools, education_nationale),
                    minutes="Bilan partagé avec les équipes éducatives.")
        )  # fmt: skip
    if comite is None:
        comite = meeting(committee, None, MeetingKind.COMITE_LOCAL, utc(2026, 11, 19),
                         present=(porteur, education_nationale), title="Comité local d'automne")  # fmt: skip
    else:
        comite.invitations.append(Invitation(partner=porteur, answer=Answer.ACCEPTED))
        comite.attendances.append(Attendance(partner=porteur, presence=Presence.PRESENT, invited=True))
    db.session.commit()
    return {"project": project, "porteur": porteur, "schools": schools, "pre": pre,
            "education_nationale": education_nationale, "meetings": meetings, "comite": comite}  # fmt: skip
