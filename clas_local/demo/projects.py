"""Demo projects of the 2026-2027 school year: two urban, one rural."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

SCHOOL_YEAR = "2026-2027"
# When the schools' teams oriented children towards the Clas. Per project, the children each
# school oriented: all of them (Blosne), one of two (Maurepas), none yet (Verger), so the
# orientation obligation shows met, partly met and missing.
ORIENTED_ON = date(2026, 11, 3)

PROJECTS = (
    {
        "key": "blosne",
        "name": "Clas du Blosne – « Coup de pouce »",
        "porteur": "ts-blosne",
        "rural": False,
        "schools": ("0352258P", "0352199A", "0350963G"),
        "oriented": {"0352258P": 10, "0352199A": 7, "0350963G": 12},
        "territory": (
            ("pre-rennes", "Orientation croisée des familles suivies par le PRE."),
            ("cite-maurepas", "Actions parentalité cofinancées par la Cité éducative."),
            ("champs-libres", "Une sortie culturelle par trimestre avec les parents."),
        ),
        "collectifs": (
            ("CP–CE1 Volga", 10, 2, 2, 90, 28, "Centre social Ty-Blosne, salle 2"),
            ("Collégiens Hautes Ourmes", 12, 2, 2, 90, 28, "Centre social Ty-Blosne, salle 1"),
        ),
    },
    {
        "key": "maurepas",
        "name": "Clas Maurepas – Gantelles",
        "porteur": "paul-bert",
        "rural": False,
        "schools": ("0352668K", "0352209L"),
        "oriented": {"0352668K": 9},
        "territory": (("pedt-rennes", "Le Clas est inscrit au volet périscolaire du PEDT."),),
        "collectifs": (("CM1–CM2 Gantelles", 9, 2, 2, 90, 27, "Maison de quartier de Maurepas"),),
    },
    {
        "key": "verger",
        "name": "Clas rural du Verger",
        "porteur": "familles-verger",
        "rural": True,
        "schools": ("0350671P",),
        "oriented": {},
        "territory": (("alsh-verger", "Locaux partagés et transport assuré par l'accueil de loisirs."),),
        "collectifs": (("Élémentaire du Rohuel", 6, 1, 1, 120, 27, "Salle des associations du Verger"),),
    },
)


def seed(context) -> None:
    committee = context.committee
    existing = {
        p.name: p
        for p in db.session.scalars(
            select(Project).where(Project.committee_id == committee.id, Project.school_year == SCHOOL_YEAR)
        )
    }
    for spec in PROJECTS:
        project = existing.get(spec["name"])
        if project is None:
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
                oriented = spec["oriented"].get(uai)
                project.schools.append(
                    ProjectSchool(partner=school, referent_contact=school.contacts[0] if school.contacts else None,
                                  oriented_children_count=oriented, oriented_on=ORIENTED_ON if oriented else None)  # fmt: skip
                )
            for key, relation in spec["territory"]:
                project.territory_partners.append(ProjectPartner(partner=context.partners[key], relation=relation))
            for name, children, animateurs, sessions, minutes, weeks, place in spec["collectifs"]:
                project.collectifs.append(
                    Collectif(
                        name=name,
                        children_count=children,
                        animateurs_count=animateurs,
                        weekly_sessions=sessions,
                        session_minutes=minutes,
                        planned_weeks=weeks,
                        place=place,
                    )
                )
            db.session.add(project)
        context.projects[spec["key"]] = project
