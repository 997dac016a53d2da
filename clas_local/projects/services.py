"""Writes on projects, their schools, territory partners and collectifs.

Each function changes the session, flushes and records an audit event; the view commits once.
"""

from __future__ import annotations

from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.partners.models import Contact, Partner, contact_reference
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

PROJECT_FIELDS = ("name", "school_year", "porteur_id", "coordinator_id", "is_rural", "description", "activity_start")
COLLECTIF_FIELDS = (
    "name",
    "children_count",
    "animateurs_count",
    "weekly_sessions",
    "session_minutes",
    "planned_weeks",
    "place",
)


def _changes(obj, fields: dict) -> dict:
    """Set the fields that differ; return {field: [old, new]} for the audit log."""
    changed = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changed[name] = [old, value]
            setattr(obj, name, value)
    return changed


def create_project(committee, **fields) -> Project:
    project = Project(committee=committee, **{k: fields[k] for k in PROJECT_FIELDS if k in fields})
    db.session.add(project)
    db.session.flush()
    record("project.create", project, committee=committee,
           summary=f"Projet créé : {project.name} ({project.school_year})")
    return project


def update_project(project: Project, **fields) -> dict:
    changed = _changes(project, {k: fields[k] for k in PROJECT_FIELDS if k in fields})
    if changed:
        db.session.flush()
        record("project.update", project, committee=project.committee,
               summary=f"Projet modifié : {project.name}", changes=sorted(changed))
    return changed


# -- schools -------------------------------------------------------------------------------


def link_school(project: Project, school: Partner, referent: Contact | None = None) -> ProjectSchool:
    link = ProjectSchool(partner=school, referent_contact=referent)
    project.schools.append(link)
    db.session.flush()
    record("project.school.add", project, committee=project.committee,
           summary=f"École liée au projet {project.name} : {school.name}", partner_id=school.id)
    return link


def set_referent(link: ProjectSchool, referent: Contact | None) -> bool:
    if link.referent_contact_id == (referent.id if referent else None):
        return False
    link.referent_contact = referent
    project = link.project
    project.updated_at = utcnow()  # the link has no timestamp: the dossier's version reads the project's
    db.session.flush()
    record("project.school.referent", project, committee=project.committee,
           summary=f"Contact référent de {link.partner.name} : {contact_reference(referent) if referent else 'aucun'}",
           partner_id=link.partner_id, contact_id=referent.id if referent else None)
    return True


def set_orientation(link: ProjectSchool, children: int | None, day) -> bool:
    """How many children the school's team oriented towards the Clas, and when (counts only)."""
    if (link.oriented_children_count, link.oriented_on) == (children, day):
        return False
    link.oriented_children_count, link.oriented_on = children, day
    project = link.project
    project.updated_at = utcnow()  # the dossier's « Bilan d'activité » shows the count: its version reads the project's
    db.session.flush()
    record("project.school.orientation", project, committee=project.committee,
           summary=f"Orientation des enfants par {link.partner.name} : {children if children is not None else 'non notée'}",
           partner_id=link.partner_id)  # fmt: skip
    return True


def unlink_school(link: ProjectSchool) -> None:
    project = link.project
    record("project.school.remove", project, committee=project.committee,
           summary=f"École retirée du projet {project.name} : {link.partner.name}", partner_id=link.partner_id)
    project.schools.remove(link)
    db.session.flush()


# -- territory partners ---------------------------------------------------------------------


def link_partner(project: Project, partner: Partner, relation: str, *, suggested: bool = False) -> ProjectPartner:
    """Link a territory partner; `suggested`: from the page's suggestion (it covers a school's commune)."""
    link = ProjectPartner(partner=partner, relation=relation)
    project.territory_partners.append(link)
    db.session.flush()
    record("project.partner.suggested" if suggested else "project.partner.add", project, committee=project.committee,
           summary=f"Partenaire lié au projet {project.name}{' (suggestion du territoire)' if suggested else ''} : "
                   f"{partner.name}", partner_id=partner.id)  # fmt: skip
    return link


def update_relation(link: ProjectPartner, relation: str) -> bool:
    if link.relation == relation:
        return False
    link.relation = relation
    project = link.project
    project.updated_at = utcnow()  # the link has no timestamp: the dossier's version reads the project's
    db.session.flush()
    record("project.partner.update", project, committee=project.committee,
           summary=f"Relation avec {link.partner.name} modifiée", partner_id=link.partner_id)
    return True


def unlink_partner(link: ProjectPartner) -> None:
    project = link.project
    record("project.partner.remove", project, committee=project.committee,
           summary=f"Partenaire retiré du projet {project.name} : {link.partner.name}", partner_id=link.partner_id)
    project.territory_partners.remove(link)
    db.session.flush()


# -- collectifs (counts only: no child's personal data) -------------------------------------


def add_collectif(project: Project, **fields) -> Collectif:
    collectif = Collectif(**{k: fields[k] for k in COLLECTIF_FIELDS if k in fields})
    project.collectifs.append(collectif)
    db.session.flush()
    record("project.collectif.add", collectif, committee=project.committee,
           summary=f"Collectif ajouté au projet {project.name} : {collectif.name}", project_id=project.id)
    return collectif


def update_collectif(collectif: Collectif, **fields) -> dict:
    changed = _changes(collectif, {k: fields[k] for k in COLLECTIF_FIELDS if k in fields})
    if changed:
        db.session.flush()
        project = collectif.project
        record("project.collectif.update", collectif, committee=project.committee,
               summary=f"Collectif modifié : {collectif.name}", project_id=project.id, changes=changed)
    return changed


def remove_collectif(collectif: Collectif) -> None:
    project = collectif.project
    record("project.collectif.remove", collectif, committee=project.committee,
           summary=f"Collectif retiré du projet {project.name} : {collectif.name}", project_id=project.id)
    project.collectifs.remove(collectif)
    db.session.flush()
