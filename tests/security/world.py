"""A small, complete committee world that every route of the app can be pointed at.

Committee A ("rennes") holds a project of porteur P (with a linked school S, a territory
partner T and a collectif), another project of porteur Q, a meeting of P's project to
which S is invited (with attendance, an uninvited attendee, minutes, an outgoing
message and an evidence file), and a comité local meeting. Committee B ("brest") has its
own host. Rennes lies in Ille-et-Vilaine (35), Brest in Finistère (29): the department user
of 35 reads Rennes, that of 29 reads Brest only; a difficulty is flagged about Rennes.
Users: one per actor of the permission matrix, plus an extra member (whom a host may remove)
and the instance admin.

Objects are created directly (no password hashing: users are signed in by session),
so that a fresh world costs a few milliseconds and can be rebuilt between actors.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from flask import current_app
from sqlalchemy import text

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.auth.models import Membership, Role, User
from clas_local.committees.models import Committee, HolidayZone
from clas_local.department.models import DepartmentAccess, DepartmentFunction, Difficulty
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.meetings.models import Meeting, MeetingKind, Minutes
from clas_local.partners.models import Contact, Partner, PartnerKind, uai_check_letter
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

ACTORS = ("anonymous", "admin", "host_a", "host_b", "porteur", "other_porteur", "school", "viewer", "department",
          "other_department")

_run = itertools.count(1)

EVIDENCE_BYTES = b"%PDF-1.4\n% feuille d'emargement\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@dataclass
class World:
    committee: Committee
    other_committee: Committee
    users: dict[str, User | None]
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.committee.slug


def _uai(n: int) -> str:
    digits = f"{350000 + n:07d}"
    return digits + uai_check_letter(digits)


def _save(*objects):
    db.session.add_all(objects)
    db.session.flush()
    return objects[0]


def build_world() -> World:
    n = next(_run) * 100 + os.getpid() % 97
    committee = _save(Committee(slug="rennes", name="Comité local de Rennes", holiday_zone=HolidayZone.B,
                                departement_code="35"))
    brest = _save(Committee(slug="brest", name="Comité local de Brest", holiday_zone=HolidayZone.B,
                            departement_code="29"))

    porteur_org = _save(Partner(committee=committee, kind=PartnerKind.ASSOCIATION, name="Association Porteuse"))
    other_org = _save(Partner(committee=committee, kind=PartnerKind.CENTRE_SOCIAL, name="Centre social voisin"))
    school = _save(Partner(committee=committee, kind=PartnerKind.ECOLE, name="École Jules-Ferry", uai=_uai(n)))
    territory = _save(Partner(committee=committee, kind=PartnerKind.PRE, name="Programme de réussite éducative"))
    brest_partner = _save(Partner(committee=brest, kind=PartnerKind.ASSOCIATION, name="Association brestoise"))
    contact = _save(Contact(partner=school, full_name="Claire Directrice", function="Directrice",
                            email=f"direction{n}@ecole.fr"))

    project = Project(committee=committee, school_year="2026-2027", name="Clas du Blosne", porteur=porteur_org)
    school_link = ProjectSchool(partner=school, referent_contact=contact)
    project.schools.append(school_link)
    _save(project)
    partner_link = _save(ProjectPartner(project=project, partner=territory, relation="Orientation des familles."))
    collectif = _save(Collectif(project=project, name="Collectif CP", children_count=10, animateurs_count=2,
                                weekly_sessions=2, session_minutes=90, planned_weeks=27))
    other_project = _save(Project(committee=committee, school_year="2026-2027", name="Clas de Maurepas",
                                  porteur=other_org))

    start = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(days=10)
    meeting = _save(Meeting(committee=committee, project=project, kind=MeetingKind.SUIVI, title="Suivi du Blosne",
                            starts_at=start, ends_at=start + timedelta(hours=1, minutes=30), place="Salle 1"))
    local_meeting = _save(Meeting(committee=committee, project=None, kind=MeetingKind.COMITE_LOCAL,
                                  title="Comité local", starts_at=start + timedelta(days=1),
                                  ends_at=start + timedelta(days=1, hours=2), place="Mairie"))
    other_meeting = _save(Meeting(committee=committee, project=other_project, kind=MeetingKind.SUIVI,
                                  title="Suivi de Maurepas", starts_at=start, ends_at=start + timedelta(hours=1)))
    invitation = _save(Invitation(meeting=meeting, partner=school, contact=contact))
    attendance = _save(Attendance(meeting=meeting, partner=school, presence=Presence.PRESENT, invited=True))
    uninvited = _save(Attendance(meeting=meeting, partner=None, organisation_label="Bibliothèque du quartier",
                                 presence=Presence.PRESENT, invited=False))
    attendee = _save(Attendee(attendance=uninvited, full_name="Paul Bibliothécaire", function="Médiateur"))
    minutes = _save(Minutes(meeting=meeting, body="Compte rendu de la réunion de suivi."))
    message = _save(OutgoingMessage(committee_id=committee.id, meeting_id=meeting.id, invitation_id=invitation.id,
                                    kind=MessageKind.INVITATION, recipient=contact.email, subject="Invitation",
                                    raw=b"Subject: Invitation\r\n\r\nBonjour\r\n", status=MessageStatus.FAILED,
                                    attempts=3, last_error="Connexion refusée"))

    storage_name = secrets.token_hex(16)
    folder = current_app.config["UPLOAD_FOLDER"]
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, storage_name), "wb") as handle:
        handle.write(EVIDENCE_BYTES)
    evidence = _save(EvidenceFile(committee=committee, meeting=meeting, kind=EvidenceKind.SIGNIN_SHEET,
                                  original_name="emargement.pdf", storage_name=storage_name,
                                  content_type="application/pdf", size_bytes=len(EVIDENCE_BYTES),
                                  sha256=hashlib.sha256(EVIDENCE_BYTES).hexdigest()))

    def member(key: str, role: Role | None, target: Committee | None = committee, partner=None, **fields) -> User:
        fields.setdefault("email", f"{key.replace('_', '-')}{n}@exemple.fr")
        user = _save(User(full_name=key, **fields))
        if role is not None:
            _save(Membership(user=user, committee=target, role=role, partner_id=partner.id if partner else None))
        return user

    def department_user(key: str, code: str) -> User:
        user = member(key, None)
        _save(DepartmentAccess(user_id=user.id, departement_code=code, function=DepartmentFunction.CAF))
        return user

    users: dict[str, User | None] = {
        "anonymous": None,
        "admin": member("admin", None, is_admin=True),
        "host_a": member("host_a", Role.HOST),
        "host_b": member("host_b", Role.HOST, brest),
        "porteur": member("porteur", Role.PORTEUR, partner=porteur_org),
        "other_porteur": member("other_porteur", Role.PORTEUR, partner=other_org),
        # The school's director, invited by name: her account has the contact's address.
        "school": member("school", Role.SCHOOL, partner=school, email=contact.email),
        "viewer": member("viewer", Role.VIEWER),
        "department": department_user("department", "35"),
        "other_department": department_user("other_department", "29"),
    }
    extra = member("extra", Role.VIEWER)
    extra_membership = db.session.query(Membership).filter_by(user_id=extra.id).one()

    holiday = _save(SchoolHolidayPeriod(committee=committee, school_year="2029-2030", name="Vacances de Noël",
                                        first_day=date(2029, 12, 22), last_day=date(2030, 1, 6)))  # fmt: skip

    difficulty = _save(Difficulty(committee_id=committee.id, project_id=project.id, noted_on=date(2026, 11, 2),
                                  text="Le local n'est plus disponible le jeudi."))  # fmt: skip

    world = World(committee=committee, other_committee=brest, users=users)
    world.ids = {
        "project": project.id,
        "other_project": other_project.id,
        "meeting": meeting.id,
        "local_meeting": local_meeting.id,
        "other_meeting": other_meeting.id,
        "school": school.id,
        "porteur_org": porteur_org.id,
        "territory": territory.id,
        "brest_partner": brest_partner.id,
        "contact": contact.id,
        "school_link": school_link.id,
        "partner_link": partner_link.id,
        "collectif": collectif.id,
        "invitation": invitation.id,
        "attendance": attendance.id,
        "uninvited": uninvited.id,
        "attendee": attendee.id,
        "minutes": minutes.id,
        "message": message.id,
        "evidence": evidence.id,
        "membership": extra_membership.id,
        "extra_user": extra.id,
        "holiday": holiday.id,
        "difficulty": difficulty.id,
    }
    db.session.commit()

    from clas_local.auth import password_links
    from clas_local.calendar.feeds import regenerate_feed
    from clas_local.invitations.tokens import make_token

    world.tokens = {
        "password": password_links.issue(extra),
        "rsvp": make_token(invitation),
        "feed": regenerate_feed(users["host_a"], committee),
    }
    db.session.commit()
    return world


def reset_database() -> None:
    """Empty every table but the (append-only) audit log, for a fresh world."""
    db.session.remove()
    tables = [t for t in reversed(db.metadata.sorted_tables) if t.name != "audit_event"]
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                connection.execute(table.delete())
