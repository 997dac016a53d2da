"""The demo's département (Ille-et-Vilaine): a second committee, Fougères, with two projects
and their activity figures, the CAF conseillère who follows both committees, and a field visit
she made to the Blosne project."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clas_local.activity.models import ActivityFigures
from clas_local.auth import services
from clas_local.auth.passwords import hash_password
from clas_local.committees.models import Committee, HolidayZone
from clas_local.demo import DEMO_PASSWORD
from clas_local.demo.directory import EXPORT
from clas_local.department.models import DepartmentAccess, DepartmentFunction, FieldVisit
from clas_local.extensions import db
from clas_local.partners.importer import import_schools
from clas_local.partners.models import Partner, PartnerKind
from clas_local.projects.models import Collectif, Project, ProjectSchool

DEPARTEMENT = "35"
SECOND_SLUG = "demo-fougeres"
FOUGERES = "35115"
SCHOOL_YEAR = "2026-2027"
DEPARTMENT_EMAIL = "conseillere.caf@demo.clas-local.fr"

# (name, porteur, school UAI, collectif, figures)
PROJECTS = (
    ("Clas de Bonabry", "Centre social de Fougères", "0350256N",
     ("CE2–CM2 Odile Gautry", 11, 2, 2, 90, 28),
     {"children_elementaire": 11, "children_college": 0, "children_lycee": 0, "collectifs_count": 1,
      "sessions_held": 18, "weeks_run": 9, "paid_intervenants": 1, "volunteer_intervenants": 2, "parent_actions": 2}),
    ("Clas collège Gandhi", "Association Fougères Solidarité", "0350967L",
     ("6e–5e Gandhi", 12, 2, 2, 90, 27),
     {"children_elementaire": 0, "children_college": 12, "children_lycee": 0, "collectifs_count": 1,
      "sessions_held": 16, "weeks_run": 8, "paid_intervenants": 1, "volunteer_intervenants": 3, "parent_actions": 1}),
)  # fmt: skip


def _second_committee() -> Committee:
    committee = db.session.scalar(select(Committee).where(Committee.slug == SECOND_SLUG))
    if committee is None:
        committee = Committee(
            slug=SECOND_SLUG, name="Comité local Clas de Fougères Agglomération",
            host_organisation="Fougères Agglomération – service Jeunesse", insee_codes=[FOUGERES],
            holiday_zone=HolidayZone.B, timezone="Europe/Paris", departement_code=DEPARTEMENT,
        )  # fmt: skip
        db.session.add(committee)
        db.session.flush()
    return committee


def _projects(committee: Committee) -> None:
    import_schools(committee, EXPORT.read_bytes(), communes=(FOUGERES,), audit=False)
    partners = {p.uai or p.name: p for p in db.session.scalars(select(Partner).where(Partner.committee_id == committee.id))}
    existing = set(db.session.scalars(select(Project.name).where(Project.committee_id == committee.id)))
    for name, porteur_name, uai, collectif, figures in PROJECTS:
        if name in existing:
            continue
        porteur = partners.get(porteur_name)
        if porteur is None:
            kind = PartnerKind.CENTRE_SOCIAL if porteur_name.startswith("Centre") else PartnerKind.ASSOCIATION
            porteur = partners[porteur_name] = Partner(committee=committee, kind=kind, name=porteur_name,
                                                       commune_name="Fougères")  # fmt: skip
        project = Project(committee=committee, school_year=SCHOOL_YEAR, name=name, porteur=porteur)
        project.schools.append(ProjectSchool(partner=partners[uai]))
        label, children, animateurs, sessions, minutes, weeks = collectif
        project.collectifs.append(Collectif(name=label, children_count=children, animateurs_count=animateurs,
                                            weekly_sessions=sessions, session_minutes=minutes, planned_weeks=weeks))  # fmt: skip
        db.session.add(project)
        db.session.flush()
        db.session.add(ActivityFigures(project_id=project.id, **figures))


def _department_user(context) -> None:
    user = services.find_user(DEPARTMENT_EMAIL) or services.create_user(
        DEPARTMENT_EMAIL, "Anne Martin (CAF d'Ille-et-Vilaine)"
    )
    if user.password_hash is None:
        user.password_hash = hash_password(DEMO_PASSWORD)
    db.session.flush()
    if db.session.scalar(select(DepartmentAccess).where(DepartmentAccess.user_id == user.id)) is None:
        db.session.add(DepartmentAccess(user_id=user.id, departement_code=DEPARTEMENT, function=DepartmentFunction.CAF))
    context.users["department"] = user
    context.logins.append(("department", DEPARTMENT_EMAIL, DEMO_PASSWORD))
    blosne = context.projects.get("blosne")
    if blosne is not None and db.session.scalar(select(FieldVisit.id).where(FieldVisit.project_id == blosne.id)) is None:
        db.session.add(FieldVisit(
            committee_id=context.committee.id, project=blosne, visited_on=date(2026, 11, 19), recorded_by_id=user.id,
            visitors="Anne Martin, conseillère CAF ; Yann Pellerin, animateur REAAP",
            notes="Séance du jeudi observée au centre social : accueil soigné, un collectif de CP–CE1 attentif. "
                  "Les parents sont invités au goûter de fin de période ; l'équipe souhaite un second bénévole.",
        ))  # fmt: skip


def seed(context) -> None:
    if context.committee.departement_code is None:
        context.committee.departement_code = DEPARTEMENT
    _projects(_second_committee())
    _department_user(context)
