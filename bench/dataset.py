"""A deterministic department-sized dataset for the benchmark and the query-budget tests.

`build(scale)` fills an empty, migrated database with the same rows every time
(seeded random, explicit ids) through bulk Core inserts, writes the evidence files
into UPLOAD_FOLDER, and returns a `BenchData`: the row counts, and for the first
committees the "targets" the benchmark opens (a busy project, a meeting with its
invitations, attendance and evidence, users of each role, plain feed tokens).

Scales:
- `department`: 40 committees, 400 projects a year over 3 school years, 3,000 partners
  (2,000 schools), 6,000 contacts, 25,000 meetings, 150,000 invitations, attendance for
  every held meeting, 10,000 evidence files. The first committee is the busiest (about
  1,000 meetings, so its calendar feeds carry 1,000 events).
- `small`: 2 committees for the tests, the second three times the first, so a test can
  check that a page's query count does not grow with its rows.
"""

from __future__ import annotations

import hashlib
import random
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.auth.models import Membership, Role, User
from clas_local.calendar.feeds import hash_token
from clas_local.calendar.models import CalendarFeed
from clas_local.committees.models import Committee, HolidayZone
from clas_local.department.models import DepartmentAccess, DepartmentFunction, FieldVisit
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import (
    TERRITORY_KINDS,
    Contact,
    EducationPrioritaire,
    Partner,
    PartnerKind,
    Sector,
    uai_check_letter,
)
from clas_local.partners.validation import search_text as _search_text  # search finds generated partners like real ones
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

SEED = 20261127
SCHOOL_YEARS = ("2024-2025", "2025-2026", "2026-2027")
# Meetings before this instant are in the past (held, cancelled or left planned); a fixed
# date, not the clock, so that the dataset is the same whenever it is built.
REFERENCE_NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)
BENCH_PASSWORD = "Bench-Clas-Local-2026"
BATCH = 5_000
FLUSH_ROWS = 200_000  # invitation rows held in memory before they are written
DOSSIER_MEETINGS, DOSSIER_FILES = 20, 30  # issue 6: the dossier of 20 meetings and 30 files, built in < 3 s
PARIS = ZoneInfo("Europe/Paris")

# (scale name, plain-token purpose) are not secrets: this dataset is for benchmarks only.
COMMUNES = (
    "Rennes", "Saint-Malo", "Fougères", "Vitré", "Cesson-Sévigné", "Bruz", "Redon",
    "Saint-Jacques-de-la-Lande", "Pacé", "Betton", "Chantepie", "Le Rheu", "Thorigné-Fouillard",
    "Vern-sur-Seiche", "Guichen", "Dinard", "Montfort-sur-Meu", "Châteaugiron", "Bain-de-Bretagne",
    "Janzé", "Liffré", "Combourg", "Saint-Grégoire", "Mordelles", "Melesse",
    "Noyal-Châtillon-sur-Seiche", "Pleurtuit", "Cancale", "Acigné", "La Guerche-de-Bretagne",
    "Retiers", "Châteaubourg", "Saint-Aubin-du-Cormier", "Montauban-de-Bretagne", "Dol-de-Bretagne",
    "Bréal-sous-Montfort", "Laillé", "Orgères", "Gévezé", "Romillé",
)  # fmt: skip
SCHOOL_NAMES = (
    "Jules Ferry", "Jean Moulin", "Paul Bert", "Louise Michel", "Jacques Prévert", "Victor Hugo",
    "Marie Curie", "Jean Jaurès", "Anne de Bretagne", "Les Gantelles", "Le Landry", "Clôteaux",
    "Champion de Cicé", "Albert de Mun", "Simone Veil", "Colette", "Pierre Perret", "Les Hautes-Ourmes",
    "Guillevic", "Émile Zola", "Suzanne Lacore", "Joséphine Baker", "Camille Claudel", "Théodore Monod",
)  # fmt: skip
FIRST_NAMES = (
    "Nadia", "Julien", "Anne", "Sophie", "Marc", "Claire", "Yann", "Hélène", "Thomas", "Léa", "Paul",
    "Isabelle", "Karim", "Martine", "Élodie", "François", "Gwenaëlle", "Aurélie", "Mathieu", "Fatou",
    "Loïc", "Chloé", "Youssef", "Maëlle", "Erwan", "Inès", "Benoît", "Zoé", "Ronan", "Amina",
)  # fmt: skip
LAST_NAMES = (
    "Benali", "Le Goff", "Rouxel", "Martin", "Guillou", "Dubois", "Pellerin", "Marchand", "Le Bihan",
    "Morvan", "Hamon", "Caradec", "Haddad", "Le Floch", "Bréhier", "Lemoine", "Tanguy", "Riou",
    "Gicquel", "Diallo", "Kerhervé", "Le Roux", "Nguyen", "Bouvier", "Lebreton", "Chevalier",
)  # fmt: skip
SCHOOL_FUNCTIONS = ("Directrice", "Directeur", "Conseillère principale d'éducation", "Enseignant de CM2")
TERRITORY_FUNCTIONS = ("Coordinatrice Clas", "Coordinateur jeunesse", "Chargée de mission", "Référent familles")
RELATIONS = (
    "Orientation croisée des familles et bilan commun en juin.",
    "Accueil des collectifs dans ses locaux deux soirs par semaine.",
    "Participation aux comités de suivi et prêt d'ouvrages.",
    "Repérage des enfants et lien avec les parcours individualisés.",
)
# Organisations that hold Clas projects.
PORTEUR_KINDS = (PartnerKind.ASSOCIATION, PartnerKind.CENTRE_SOCIAL, PartnerKind.COLLECTIVITE)


# The titles of the meetings without a project.
PROJECTLESS_TITLES = {
    MeetingKind.COMITE_LOCAL: "Comité local",
    MeetingKind.INSTANCE: "Commission PEDT",
    MeetingKind.AUTRE: "Réunion des partenaires",
}


@dataclass(frozen=True)
class CommitteeSize:
    schools: int
    territory: int
    contacts_per_partner: int
    projects_per_year: int
    meetings: int
    invited_partners: int  # partner-level invitation rows per meeting
    invited_contacts: int  # contact-level rows per meeting (each with its answer link)
    evidence: int
    schools_per_project: int = 3
    partners_per_project: int = 2


@dataclass(frozen=True)
class Scale:
    name: str
    committees: tuple[CommitteeSize, ...]
    # Committees of one département, in order: a department dataset is one département of 40
    # committees, a national one ten of them; each département has its department user.
    committees_per_departement: int = 40


# The départements the datasets' committees belong to, in order.
DEPARTEMENT_CODES = ("35", "22", "29", "56", "44", "49", "53", "72", "85", "50")


def _department() -> Scale:
    # 40 × 75 partners = 3,000 (2,000 schools); 2 contacts each = 6,000; 10 projects a year each
    # = 400; 6 invitation rows per meeting × 25,000 = 150,000; 250 evidence files each = 10,000.
    busiest_meetings = 1_025
    others = 39
    rest, extra = divmod(25_000 - busiest_meetings, others)
    sizes = [CommitteeSize(50, 25, 2, 10, busiest_meetings, 4, 2, 250)]
    sizes += [CommitteeSize(50, 25, 2, 10, rest + (1 if i < extra else 0), 4, 2, 250) for i in range(others)]
    return Scale("department", tuple(sizes))


def _national() -> Scale:
    # Ten departments: 400 committees, 12,000 projects over 3 school years, 250,000 meetings,
    # 1.5 million invitation rows. Every committee is a department one; evidence files are
    # written for the first 40 only (10,000 files; the rows, not the files, are what scale).
    department = _department().committees
    sizes = [
        replace(department[n % len(department)], evidence=department[0].evidence if n < 40 else 0)
        for n in range(400)
    ]
    return Scale("national", tuple(sizes))


SCALES = {
    "department": _department(),
    "national": _national(),
    # The second committee holds three times the rows of the first, meeting for meeting.
    "small": Scale(
        "small",
        (
            CommitteeSize(8, 16, 2, 2, 24, 3, 1, 8, schools_per_project=2, partners_per_project=2),
            CommitteeSize(24, 48, 2, 6, 72, 9, 3, 24, schools_per_project=6, partners_per_project=6),
        ),
        # One committee per département: the second département's pages read three times the rows.
        committees_per_departement=1,
    ),
}


@dataclass
class BenchData:
    scale: str
    counts: dict[str, int] = field(default_factory=dict)
    # One dict per committee among the first two: ids, users' session tokens, plain feed tokens.
    targets: list[dict] = field(default_factory=list)
    password: str = BENCH_PASSWORD

    def to_json(self) -> dict:
        return asdict(self)


class DatabaseNotEmpty(Exception):
    pass


# -- helpers ------------------------------------------------------------------------------


def _token(rng: random.Random, nbytes: int = 24) -> str:
    return rng.getrandbits(nbytes * 8).to_bytes(nbytes, "big").hex()


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), PARIS).astimezone(timezone.utc)


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF of a few lines of text: small, valid, different for every record."""

    def escape(line: str) -> str:
        line = line.encode("latin-1", "replace").decode("latin-1")
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    stream = "BT /F1 11 Tf 56 780 Td 14 TL " + " ".join(f"({escape(line)}) '" for line in lines) + " ET"
    stream_bytes = stream.encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream_bytes)).encode() + b" >>\nstream\n" + stream_bytes + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def evidence_path(upload_folder: str | Path, storage_name: str) -> Path:
    """Where the evidence domain reads a stored file (evidence.storage.path_for: flat, in UPLOAD_FOLDER)."""
    return Path(upload_folder) / storage_name


class _Ids:
    """Explicit primary keys, continuing after what a --force run finds in the tables."""

    def __init__(self):
        self._next: dict[str, int] = {model.__tablename__: 1 for model in MODELS}

    def start(self, model) -> None:
        self._next[model.__tablename__] = (db.session.scalar(select(func.max(model.id))) or 0) + 1

    def take(self, model) -> int:
        value = self._next[model.__tablename__]
        self._next[model.__tablename__] = value + 1
        return value


MODELS = (
    Committee, User, Partner, Contact, Membership, Project, ProjectSchool, ProjectPartner, Collectif,
    Meeting, Minutes, Invitation, Attendance, Attendee, EvidenceFile, CalendarFeed, DepartmentAccess, FieldVisit,
)  # fmt: skip


def database_is_empty() -> bool:
    return all(db.session.scalar(select(model.id).limit(1)) is None for model in (Committee, User, Partner))


# -- the generator ------------------------------------------------------------------------


class _Builder:
    def __init__(self, scale: Scale, upload_folder: str, seed: int, suffix: str = ""):
        self.scale = scale
        self.suffix = suffix
        self.rng = random.Random(seed)
        self.upload_folder = Path(upload_folder)
        self.ids = _Ids()
        self.rows: dict[type, list[dict]] = {model: [] for model in MODELS}
        self.written: dict[type, int] = {model: 0 for model in MODELS}
        self.data = BenchData(scale=scale.name)
        stamp = REFERENCE_NOW - timedelta(days=400)
        self.stamps = {"created_at": stamp, "updated_at": stamp}
        self.password_hash = None
        self.uai_counter = 0

    # Each add() returns the new row's id.
    def add(self, model, **values) -> int:
        values["id"] = self.ids.take(model)
        if hasattr(model, "updated_at"):
            values = {**self.stamps, **values}
        self.rows[model].append(values)
        return values["id"]

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def run(self) -> BenchData:
        for model in MODELS:
            self.ids.start(model)
        with _revisions_counted_once():
            self.generate()
            self.flush()
        return self.data

    def generate(self) -> BenchData:
        from argon2 import PasswordHasher

        # A fixed salt: the same dataset, byte for byte, on every build.
        self.password_hash = PasswordHasher().hash(BENCH_PASSWORD, salt=hashlib.sha256(b"clas-bench").digest()[:16])
        self.upload_folder.mkdir(parents=True, exist_ok=True)
        users_by_committee = []
        for index, size in enumerate(self.scale.committees):
            users_by_committee.append(self.committee(index, size))
            if len(self.rows[Invitation]) > FLUSH_ROWS:
                self.flush(final=False)  # a national dataset does not fit in memory at once
        self.cross_committee_roles(users_by_committee)
        self.department_users(users_by_committee)
        self.data.counts = {model.__tablename__: self.written[model] + len(self.rows[model]) for model in MODELS}
        return self.data

    def committee(self, index: int, size: CommitteeSize) -> dict:
        rng = self.rng
        commune = COMMUNES[index % len(COMMUNES)]
        suffix = f"-{index // len(COMMUNES) + 1}" if index >= len(COMMUNES) else ""
        slug = _slugify(commune) + suffix + self.suffix
        departement_code = DEPARTEMENT_CODES[(index // self.scale.committees_per_departement) % len(DEPARTEMENT_CODES)]
        committee_id = self.add(
            Committee,
            slug=slug,
            name=f"Comité local d'accompagnement à la scolarité de {commune}",
            host_organisation=f"Mairie de {commune}",
            insee_codes=[f"35{index + 1:03d}"],
            epci_siren=None,
            holiday_zone=HolidayZone.B,
            timezone="Europe/Paris",
            sender_email=None,
            departement_code=departement_code,
        )
        # Directory: schools (UAI with its check letter, a REP/REP+ share), then territory partners.
        schools, territory, contacts_of = [], [], {}
        for n in range(size.schools):
            kind = PartnerKind.ECOLE if n % 10 < 7 else (PartnerKind.COLLEGE if n % 10 < 9 else PartnerKind.LYCEE)
            self.uai_counter += 1
            # 035xxxx for the first 10,000 schools, then 036xxxx… (a national dataset has 20,000).
            digits = f"{35 + self.uai_counter // 10_000:03d}{self.uai_counter % 10_000:04d}"
            uai = digits + uai_check_letter(digits)
            label = {"ecole": "École élémentaire", "college": "Collège", "lycee": "Lycée"}[kind.value]
            name = f"{label} {SCHOOL_NAMES[n % len(SCHOOL_NAMES)]}" + (f" {n // len(SCHOOL_NAMES) + 1}" if n >= len(SCHOOL_NAMES) else "")
            draw = rng.random()
            ep = EducationPrioritaire.REP_PLUS if draw < 0.08 else (EducationPrioritaire.REP if draw < 0.25 else EducationPrioritaire.NONE)
            schools.append(self.partner(committee_id, kind, name, commune, uai=uai, ep=ep,
                                        sector=Sector.PRIVATE if n % 8 == 7 else Sector.PUBLIC))
        territory_kinds = sorted(TERRITORY_KINDS, key=lambda kind: kind.value)
        for n in range(size.territory):
            # Every kind once, then more porteur-type organisations.
            kind = territory_kinds[n] if n < len(territory_kinds) else PORTEUR_KINDS[n % len(PORTEUR_KINDS)]
            name = f"{kind.label.split(' (')[0]} de {commune}" + (f" n° {n + 1}" if n >= len(territory_kinds) or kind in PORTEUR_KINDS else "")
            territory.append(self.partner(committee_id, kind, name, commune))
        for partner_id, kind in schools + territory:
            functions = SCHOOL_FUNCTIONS if kind.is_school else TERRITORY_FUNCTIONS
            contacts_of[partner_id] = []
            for k in range(size.contacts_per_partner):
                person = self.person()
                email = f"{_slugify(person)}.{partner_id}.{k}@bench.example.org"
                contacts_of[partner_id].append(
                    self.add(Contact, partner_id=partner_id, full_name=person, function=functions[k % len(functions)],
                             email=email, phone="", anonymised_at=None)
                )
        porteurs = [pid for pid, kind in territory if kind in PORTEUR_KINDS]
        others = [pid for pid, kind in territory if kind not in PORTEUR_KINDS]
        education = [pid for pid, kind in territory if kind is PartnerKind.EDUCATION_NATIONALE]
        school_ids = [pid for pid, _ in schools]

        # Users: a host, a viewer, a porteur per porteur organisation, three school users.
        users = {"committee_id": committee_id, "slug": slug, "departement_code": departement_code}
        users["host"] = self.user(f"hote@{slug}.bench.example.fr", f"Hôte {commune}", committee_id, Role.HOST)
        users["viewer"] = self.user(f"caf@{slug}.bench.example.fr", f"Conseillère CAF {commune}", committee_id, Role.VIEWER)
        users["porteurs"] = {
            pid: self.user(f"porteur{n}@{slug}.bench.example.fr", self.person(), committee_id, Role.PORTEUR, pid)
            for n, pid in enumerate(porteurs)
        }
        users["school_ids"] = set(school_ids)
        users["schools"] = {
            pid: self.user(f"ecole{n}@{slug}.bench.example.fr", self.person(), committee_id, Role.SCHOOL, pid)
            for n, pid in enumerate(school_ids[:3])
        }

        # Projects, over the three school years.
        projects = []
        for year in SCHOOL_YEARS:
            for n in range(size.projects_per_year):
                porteur = porteurs[n % len(porteurs)]
                project_schools = _rotate(school_ids, n * size.schools_per_project, size.schools_per_project)
                # The first project's first school is one of the school users' schools.
                project_partners = _rotate(others, n * size.partners_per_project, size.partners_per_project)
                project_id = self.add(
                    Project, committee_id=committee_id, school_year=year,
                    name=f"Clas {SCHOOL_NAMES[(n + index) % len(SCHOOL_NAMES)]} – {commune} ({n + 1})",
                    porteur_id=porteur, coordinator_id=contacts_of[porteur][0], is_rural=n % 5 == 4,
                    description="Accompagnement à la scolarité des élèves du CP à la 3e et de leurs parents.",
                )
                for k, school in enumerate(project_schools):
                    referent = contacts_of[school][0] if (n + k) % 9 else None
                    self.add(ProjectSchool, project_id=project_id, partner_id=school, referent_contact_id=referent)
                for k, partner in enumerate(project_partners):
                    self.add(ProjectPartner, project_id=project_id, partner_id=partner,
                             relation=RELATIONS[(n + k) % len(RELATIONS)])
                for k in range(1 + n % 2):
                    children = 5 + (n + k) % 9
                    self.add(Collectif, project_id=project_id, name=f"Collectif {'ABC'[k]}", children_count=children,
                             animateurs_count=1 + (children >= 8), weekly_sessions=2 - (n % 5 == 4),
                             session_minutes=120 if n % 5 == 4 else 90, planned_weeks=27 - (n % 4),
                             place=f"Salle polyvalente, {commune}")
                projects.append({"id": project_id, "year": year, "porteur": porteur, "schools": project_schools,
                                 "partners": project_partners, "meetings": []})

        # A field visit of the département to this year's first project, and one to last year's.
        for year, day in ((SCHOOL_YEARS[2], date(2026, 11, 19)), (SCHOOL_YEARS[1], date(2026, 3, 12))):
            visited = next((p for p in projects if p["year"] == year), None)
            if visited is not None:
                self.add(FieldVisit, committee_id=committee_id, project_id=visited["id"], visited_on=day,
                         visitors="Conseillère CAF, animateur REAAP", notes="Séance observée avec l'équipe.",
                         recorded_by_id=None)  # fmt: skip

        # Meetings: each project's key moments first, the rest suivi and comité local meetings.
        meetings = self.meetings(committee_id, size, projects, users["host"]["id"])
        # Invitations, answers, attendance, minutes.
        for meeting in meetings:
            self.invite_and_attend(meeting, size, porteurs, education, others, school_ids, contacts_of)
        # Files come from the host and every porteur: a page that lazy-loads each uploader shows up.
        uploaders = [users["host"]["id"], *(user["id"] for user in users["porteurs"].values())]
        self.evidence(committee_id, size, meetings, projects, uploaders, commune,
                      dossier_projects(projects) if index < 2 else ())
        if index < 2:
            self.data.targets.append(self.targets(users, projects, meetings, contacts_of))
        return users

    def partner(self, committee_id, kind, name, commune, uai=None, ep=EducationPrioritaire.NONE, sector=None):
        partner_id = self.add(
            Partner, committee_id=committee_id, kind=kind, name=name, uai=uai, education_prioritaire=ep,
            sector=sector, address=f"{1 + self.rng.randrange(120)} rue de la République", postcode="35000",
            commune_code="35238", commune_name=commune, phone="", email=f"contact{self.ids._next['partner']}@bench.example.org",
            website="", circonscription="", is_open=True, notes="",
            search_text=_search_text(name, commune, uai),
        )
        return partner_id, kind

    def user(self, email, full_name, committee_id, role, partner_id=None) -> dict:
        session_token = _token(self.rng, 24)
        user_id = self.add(User, email=email, full_name=full_name, password_hash=self.password_hash, is_admin=False,
                           is_active_account=True, session_token=session_token, last_login_at=None)
        self.add(Membership, user_id=user_id, committee_id=committee_id, role=role, partner_id=partner_id)
        return {"id": user_id, "email": email, "session_token": session_token, "partner_id": partner_id}

    def meetings(self, committee_id, size, projects, host_id) -> list[dict]:
        rng = self.rng
        key_moments = ((MeetingKind.DIAGNOSTIC, 9, 20), (MeetingKind.LANCEMENT, 11, 10), (MeetingKind.BILAN, 6, 10))
        plan = []  # (kind, project or None, day)
        for project in projects:
            first = int(project["year"][:4])
            for kind, month, day in key_moments:
                year = first if month >= 9 else first + 1
                plan.append((kind, project, date(year, month, day) + timedelta(days=rng.randrange(14))))
        remaining = max(size.meetings - len(plan), 0)
        for n in range(remaining):
            year = SCHOOL_YEARS[n % len(SCHOOL_YEARS)]
            first = int(year[:4])
            start = date(first, 9, 1) + timedelta(days=rng.randrange(300))
            if n % 6 == 0:
                kind = MeetingKind.AUTRE if n % 12 else MeetingKind.INSTANCE if n % 24 else MeetingKind.COMITE_LOCAL
                plan.append((kind, None, start))
            else:
                year_projects = [p for p in projects if p["year"] == year]
                plan.append((MeetingKind.SUIVI, rng.choice(year_projects), start))
        plan = plan[: size.meetings]
        meetings = []
        for kind, project, day in plan:
            while day.weekday() >= 5:
                day += timedelta(days=1)
            hour = 17 if rng.random() < 0.6 else 14
            starts_at = _local(day, hour, 30 if rng.random() < 0.3 else 0)
            ends_at = starts_at + timedelta(minutes=90)
            draw = rng.random()
            if starts_at < REFERENCE_NOW:
                status = MeetingStatus.CANCELLED if draw < 0.06 else (MeetingStatus.PLANNED if draw < 0.1 else MeetingStatus.HELD)
            else:
                status = MeetingStatus.CANCELLED if draw < 0.05 else MeetingStatus.PLANNED
            meeting_id = self.ids._next["meeting"]
            self.add(
                Meeting, committee_id=committee_id, project_id=project["id"] if project else None, kind=kind,
                title="" if project else PROJECTLESS_TITLES[kind],
                starts_at=starts_at, ends_at=ends_at, place="Salle du conseil, mairie", online_url="",
                agenda="1. Tour de table\n2. Suivi des collectifs\n3. Questions diverses",
                status=status, uid=f"bench-{meeting_id}@clas-local", sequence=rng.randrange(3),
                created_by_id=host_id,
                cancelled_at=starts_at - timedelta(days=3) if status is MeetingStatus.CANCELLED else None,
            )
            meeting = {"id": meeting_id, "kind": kind, "project": project, "status": status,
                       "starts_at": starts_at, "invited": [], "contacts": [], "attendance": []}
            if project:
                project["meetings"].append(meeting)
            meetings.append(meeting)
        return meetings

    def invite_and_attend(self, meeting, size, porteurs, education, others, school_ids, contacts_of):
        rng = self.rng
        project = meeting["project"]
        if project:
            pool = [project["porteur"], *project["schools"], *project["partners"]]
        else:
            pool = [*education, *porteurs]
        pool = list(dict.fromkeys(pool))
        extra = [pid for pid in others + school_ids if pid not in pool]
        while len(pool) < size.invited_partners and extra:
            pool.append(extra.pop(rng.randrange(len(extra))))
        invited = pool[: size.invited_partners]
        held = meeting["status"] is MeetingStatus.HELD
        past = meeting["starts_at"] < REFERENCE_NOW
        for n, partner_id in enumerate(invited):
            answer, answered_at, channel = self.answer(past, meeting["starts_at"])
            self.add(Invitation, meeting_id=meeting["id"], partner_id=partner_id, contact_id=None, answer=answer,
                     answered_at=answered_at, answer_channel=channel, comment="", rsvp_nonce=_token(self.rng, 9),
                     sent_sequence=0, last_sent_at=meeting["starts_at"] - timedelta(days=21), reminded_at=None)
            meeting["invited"].append(partner_id)
            if n < size.invited_contacts:
                contact_id = contacts_of[partner_id][0]
                invitation_id = self.add(
                    Invitation, meeting_id=meeting["id"], partner_id=partner_id, contact_id=contact_id, answer=answer,
                    answered_at=answered_at, answer_channel=channel, comment="", rsvp_nonce=_token(self.rng, 9),
                    sent_sequence=0, last_sent_at=meeting["starts_at"] - timedelta(days=21), reminded_at=None,
                )
                meeting["contacts"].append(invitation_id)
            if held:
                draw = rng.random()
                presence = Presence.PRESENT if draw < 0.75 else (Presence.EXCUSED if draw < 0.9 else Presence.ABSENT)
                attendance_id = self.add(Attendance, meeting_id=meeting["id"], partner_id=partner_id,
                                         organisation_label="", presence=presence, invited=True)
                meeting["attendance"].append(attendance_id)
                if presence is Presence.PRESENT:
                    self.add(Attendee, attendance_id=attendance_id, contact_id=contacts_of[partner_id][0],
                             full_name="", function="")
                    if n % 3 == 0:
                        self.add(Attendee, attendance_id=attendance_id, contact_id=None, full_name=self.person(),
                                 function="Animatrice Clas")
        if held:
            if rng.random() < 0.2:  # someone came who was not invited
                attendance_id = self.add(Attendance, meeting_id=meeting["id"], partner_id=None,
                                         organisation_label="Association de parents d'élèves",
                                         presence=Presence.PRESENT, invited=False)
                self.add(Attendee, attendance_id=attendance_id, contact_id=None, full_name=self.person(),
                         function="Parent délégué")
            if rng.random() < 0.6:
                self.add(Minutes, meeting_id=meeting["id"], updated_by_id=None,
                         body="Présents : voir la feuille d'émargement.\n\nPoints abordés : orientation des "
                              "élèves, assiduité des collectifs, lien avec les familles.\n\nDécisions : "
                              "prochain point au trimestre suivant.")

    def answer(self, past: bool, starts_at: datetime):
        draw = self.rng.random()
        if draw < (0.15 if past else 0.45):
            return Answer.PENDING, None, None
        answer = Answer.ACCEPTED if draw < 0.8 else (Answer.DECLINED if draw < 0.93 else Answer.TENTATIVE)
        channel = (AnswerChannel.LINK, AnswerChannel.PAGE, AnswerChannel.ORGANISER)[int(draw * 1000) % 3]
        return answer, starts_at - timedelta(days=1 + int(draw * 10)), channel

    def evidence(self, committee_id, size, meetings, projects, uploaders, commune, focus=()):
        """`focus`: the projects whose dossiers the benchmark prints get DOSSIER_FILES files
        each, the committee's first ones, and no other."""
        taken = {project["id"] for project in focus}
        held = [m for m in meetings if m["status"] is MeetingStatus.HELD and (m["project"] or {}).get("id") not in taken]
        others = [project for project in projects if project["id"] not in taken] or projects
        for n in range(size.evidence):
            owner = focus[n // DOSSIER_FILES] if n < DOSSIER_FILES * len(focus) else None
            candidates = [m for m in owner["meetings"] if m["status"] is MeetingStatus.HELD] if owner else held
            if n % 5 == 4 or not candidates:
                project = owner or others[n % len(others)]
                meeting, project_id, kind = None, project["id"], EvidenceKind.CONVENTION
                label = f"Convention de partenariat – projet n° {project_id}"
            else:
                meeting = candidates[n % len(candidates)] if owner else held[(n * 7) % len(held)]
                project, project_id = None, None
                kind = EvidenceKind.SIGNIN_SHEET if n % 2 else EvidenceKind.MINUTES
                label = f"{kind.label} – réunion n° {meeting['id']}"
            content = minimal_pdf([label, f"Comité local de {commune}", f"Pièce n° {n + 1}"])
            storage_name = _token(self.rng, 16)
            path = evidence_path(self.upload_folder, storage_name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            evidence_id = self.add(
                EvidenceFile, committee_id=committee_id, meeting_id=meeting["id"] if meeting else None,
                project_id=project_id, kind=kind, original_name=_slugify(label)[:80] + ".pdf", storage_name=storage_name,
                content_type="application/pdf", size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by_id=uploaders[n % len(uploaders)], created_at=self.stamps["created_at"],
            )
            (meeting or project).setdefault("evidence", []).append(evidence_id)

    def cross_committee_roles(self, users_by_committee) -> None:
        """The first two committees' hosts read each other's committee (a person's feed spans
        committees); feeds with plain tokens the benchmark knows."""
        if not users_by_committee:
            return
        if len(users_by_committee) > 1:  # each of the first two hosts reads the other committee
            first, second = users_by_committee[0], users_by_committee[1]
            self.add(Membership, user_id=first["host"]["id"], committee_id=second["committee_id"],
                     role=Role.VIEWER, partner_id=None)
            self.add(Membership, user_id=second["host"]["id"], committee_id=first["committee_id"],
                     role=Role.VIEWER, partner_id=None)
        for position, users in enumerate(users_by_committee[:2]):
            owner = users["host"]
            person_token, committee_token = _token(self.rng, 24), _token(self.rng, 24)
            self.add(CalendarFeed, user_id=owner["id"], committee_id=None, token_hash=feed_hash(person_token),
                     created_at=self.stamps["created_at"], last_used_at=None)
            self.add(CalendarFeed, user_id=owner["id"], committee_id=users["committee_id"],
                     token_hash=feed_hash(committee_token), created_at=self.stamps["created_at"], last_used_at=None)
            self.data.targets[position]["person_feed_token"] = person_token
            self.data.targets[position]["committee_feed_token"] = committee_token

    def department_users(self, users_by_committee) -> None:
        """One department user (a CAF conseillère) per département, no membership anywhere: the
        benchmark opens the département's pages as that of each target's committee."""
        accounts = {}
        for users in users_by_committee:
            code = users["departement_code"]
            if code in accounts:
                continue
            session_token = _token(self.rng, 24)
            user_id = self.add(User, email=f"caf-{code}{self.suffix}@departement.bench.example.fr",
                               full_name=f"Conseillère CAF ({code})", password_hash=self.password_hash, is_admin=False,
                               is_active_account=True, session_token=session_token, last_login_at=None)  # fmt: skip
            self.add(DepartmentAccess, user_id=user_id, departement_code=code, function=DepartmentFunction.CAF)
            accounts[code] = {"id": user_id, "session_token": session_token, "partner_id": None}
        for position, users in enumerate(users_by_committee[:2]):
            self.data.targets[position]["department"] = accounts[users["departement_code"]]
            self.data.targets[position]["departement_code"] = users["departement_code"]

    def targets(self, users, projects, meetings, contacts_of) -> dict:
        """What the benchmark opens in this committee: the fullest objects, so the pages do the most work."""
        sized, project = dossier_projects(projects)
        held = [m for m in meetings if m["status"] is MeetingStatus.HELD and m["project"] and m["attendance"]]
        held = held or [m for m in meetings if m["attendance"]] or meetings
        meeting = max(held, key=lambda m: (len(m["invited"]), len(m.get("evidence", [])), -m["id"]))
        upcoming = [m for m in meetings if m["starts_at"] > REFERENCE_NOW and m["status"] is MeetingStatus.PLANNED
                    and m["contacts"]]
        answer_meeting = max(upcoming, key=lambda m: (len(m["invited"]), -m["id"])) if upcoming else meeting
        school_id = project["schools"][0]
        porteur = users["porteurs"][project["porteur"]]
        # The school user's school is invited to the meeting the benchmark opens.
        invited_school = next((pid for pid in meeting["invited"] if pid in contacts_of and pid in users["school_ids"]), None)
        if invited_school is None:
            school_user = next(iter(users["schools"].values()))
        elif invited_school in users["schools"]:
            school_user = users["schools"][invited_school]
        else:
            school_user = self.user(f"ecole-cible@{users['slug']}.bench.example.fr", self.person(),
                                    users["committee_id"], Role.SCHOOL, invited_school)
        return {
            "slug": users["slug"],
            "committee_id": users["committee_id"],
            "host": users["host"],
            "viewer": users["viewer"],
            "porteur": porteur,
            "school": school_user,
            "partner_id": school_id,
            "project_id": project["id"],
            "dossier_project_id": sized["id"],
            # What each printed dossier holds (run.py notes it beside dossier.pdf).
            "dossiers": {str(p["id"]): dossier_size(p) for p in (sized, project)},
            "meeting_id": meeting["id"],
            "meeting_invited": len(meeting["invited"]),
            "attendance_id": meeting["attendance"][0] if meeting["attendance"] else None,
            # attendance rows follow the invited partners, in order
            "attendance_partner_id": meeting["invited"][0] if meeting["attendance"] else None,
            "answer_meeting_id": answer_meeting["id"],
            "invitation_id": answer_meeting["contacts"][0],
            "school_year": project["year"],
        }

    def flush(self, final: bool = True) -> None:
        """Write the rows held so far (parents first: each committee's rows come together)."""
        for model in MODELS:
            rows = self.rows[model]
            table = model.__table__
            for start in range(0, len(rows), BATCH):
                db.session.execute(table.insert(), rows[start : start + BATCH])
            self.written[model] += len(rows)
            self.rows[model] = []
        if final:
            _reset_sequences()


def kept_meetings(project: dict) -> list[dict]:
    """The meetings a project's dossier shows: all but the cancelled ones."""
    return [m for m in project["meetings"] if m["status"] is not MeetingStatus.CANCELLED]


def dossier_projects(projects: list[dict]) -> tuple[dict, dict]:
    """The projects of last school year the benchmark opens: the one closest to issue 6's
    dossier (at least DOSSIER_MEETINGS meetings) and the busiest (the project page's)."""
    finished = [p for p in projects if p["year"] == SCHOOL_YEARS[1]] or projects
    busiest = max(finished, key=lambda p: (len(p["meetings"]), -p["id"]))
    sized = [p for p in finished if p is not busiest and len(kept_meetings(p)) >= DOSSIER_MEETINGS]
    return min(sized, key=lambda p: (len(kept_meetings(p)), p["id"]), default=busiest), busiest


def dossier_size(project: dict) -> dict:
    meetings = kept_meetings(project)
    files = len(project.get("evidence", [])) + sum(len(m.get("evidence", [])) for m in meetings)
    return {"meetings": len(meetings), "files": files}


def feed_hash(token: str) -> str:
    """The CalendarFeed.token_hash of a plain token."""
    return hash_token(token)


@contextmanager
def _revisions_counted_once():
    """The committees' revisions (clas_local.revisions) moved once for the whole load. On
    PostgreSQL their triggers are off meanwhile: deferred to the commit, a national dataset's
    rows would queue millions of trigger events. SQLite counts each row as it goes."""
    postgres = db.engine.dialect.name == "postgresql"
    triggers = (
        db.session.execute(
            text("SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE tgname LIKE 'committee_revision_%'")
        ).all()
        if postgres
        else []
    )
    for table, trigger in triggers:
        db.session.execute(text(f'ALTER TABLE {table} DISABLE TRIGGER "{trigger}"'))
    yield
    for table, trigger in triggers:
        db.session.execute(text(f'ALTER TABLE {table} ENABLE TRIGGER "{trigger}"'))
    db.session.execute(text("UPDATE committee_revision SET revision = revision + 1"))
    db.session.execute(text("INSERT INTO committee_revision (committee_id, revision) SELECT id, 1 FROM committee "
                            "WHERE id NOT IN (SELECT committee_id FROM committee_revision)"))  # fmt: skip


def _reset_sequences() -> None:
    """PostgreSQL: move each serial sequence past the explicit ids written above."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in MODELS:
        name = model.__tablename__
        db.session.execute(
            text(f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "  # noqa: S608 (table names are ours)
                 f"COALESCE((SELECT MAX(id) FROM \"{name}\"), 1))")
        )


def _rotate(items: list[int], offset: int, count: int) -> list[int]:
    if not items:
        return []
    count = min(count, len(items))
    return [items[(offset + k) % len(items)] for k in range(count)]


def _slugify(value: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", value)
    ascii_only = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    return "-".join("".join(char if char.isalnum() else " " for char in ascii_only).split())


def build(scale: str | Scale, upload_folder: str, *, force: bool = False, seed: int = SEED) -> BenchData:
    """Fill the current database with the dataset. Flushes; the caller commits."""
    if isinstance(scale, str):
        scale = SCALES[scale]
    existing = db.session.scalar(select(func.max(Committee.id))) or 0
    if existing and not force:
        raise DatabaseNotEmpty(
            "La base contient déjà des données : bench-data ne remplit qu'une base vide "
            "(ajoutez --force pour ajouter le jeu de données malgré tout)."
        )
    if not force and not database_is_empty():
        raise DatabaseNotEmpty(
            "La base contient déjà des comptes ou des partenaires : bench-data ne remplit qu'une base vide "
            "(ajoutez --force pour ajouter le jeu de données malgré tout)."
        )
    # A second dataset next to a first one gets its own slugs, e-mails and tokens.
    return _Builder(scale, upload_folder, seed + existing, suffix=f"-{existing + 1}" if existing else "").run()

