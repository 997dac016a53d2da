"""The one way views fetch an object: by committee, then by permission.

Not a member, another committee's object, or an object the user may not see:
404 (its existence is not revealed). Visible but not allowed for this action: 403.
Each refusal is noted so the error handler can write it to the audit log.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from flask import abort, g
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Load

from clas_local import permissions
from clas_local.committees.models import Committee
from clas_local.extensions import db

T = TypeVar("T")


def refuse(status: int, what: str) -> None:
    g.refusal = {"status": status, "what": what}
    abort(status)


def load_account(user_id: int):
    """An account, for the instance admin's pages (anyone else: 404, as for /admin)."""
    from clas_local.auth.models import User

    if not permissions.can_manage_accounts(current_user):
        refuse(404, "accounts")
    user = db.session.get(User, user_id)
    if user is None:
        refuse(404, f"User {user_id}")
    return user


def load_committee(slug: str, allowed: Callable = permissions.can_view_committee) -> Committee:
    committee = db.session.scalar(select(Committee).where(Committee.slug == slug))
    if committee is None or not permissions.can_view_committee(current_user, committee):
        refuse(404, f"committee {slug}")
    if not allowed(current_user, committee):
        refuse(403, f"committee {slug}: {allowed.__name__}")
    g.committee = committee
    return committee


def load_in_committee(
    model: type[T],
    committee: Committee,
    object_id: int,
    *,
    can_view: Callable,
    allowed: Callable | None = None,
    options: tuple[Load, ...] = (),
    committee_column=None,
) -> T:
    """Fetch `model` #object_id inside `committee`, then check the user may see it and act on it."""
    column = committee_column if committee_column is not None else model.committee_id
    query = select(model).where(model.id == object_id, column == committee.id).options(*options)
    obj = db.session.scalar(query)
    if obj is None or not can_view(current_user, obj):
        refuse(404, f"{model.__name__} {object_id}")
    if allowed is not None and not allowed(current_user, obj):
        refuse(403, f"{model.__name__} {object_id}: {allowed.__name__}")
    return obj


def load_project(committee: Committee, project_id: int, allowed: Callable | None = None, options=()):
    from clas_local.projects.models import Project

    return load_in_committee(
        Project, committee, project_id, can_view=permissions.can_view_project, allowed=allowed, options=options
    )


def load_meeting(committee: Committee, meeting_id: int, allowed: Callable | None = None, options=()):
    from clas_local.meetings.models import Meeting

    return load_in_committee(
        Meeting, committee, meeting_id, can_view=permissions.can_view_meeting, allowed=allowed, options=options
    )


def load_partner(committee: Committee, partner_id: int, allowed: Callable | None = None, options=()):
    from clas_local.partners.models import Partner

    def can_view(user, _partner):
        return permissions.can_view_directory(user, committee)

    return load_in_committee(Partner, committee, partner_id, can_view=can_view, allowed=allowed, options=options)


def load_contact(committee: Committee, contact_id: int, allowed: Callable | None = None):
    from clas_local.partners.models import Contact, Partner

    def can_view(user, _contact):
        return permissions.can_view_directory(user, committee)

    query = (
        select(Contact)
        .join(Partner, Contact.partner_id == Partner.id)
        .where(Contact.id == contact_id, Partner.committee_id == committee.id)
    )
    contact = db.session.scalar(query)
    if contact is None or not can_view(current_user, contact):
        refuse(404, f"Contact {contact_id}")
    if allowed is not None and not allowed(current_user, contact):
        refuse(403, f"Contact {contact_id}")
    return contact


def load_evidence(committee: Committee, evidence_id: int, allowed: Callable | None = None):
    from clas_local.evidence.models import EvidenceFile

    return load_in_committee(
        EvidenceFile, committee, evidence_id, can_view=permissions.can_view_evidence, allowed=allowed
    )


def load_department(code: str):
    """A département's pages: its department users only; any other code, or any other user, 404."""
    from clas_local.department.models import DEPARTEMENTS, Department

    normalised = (code or "").upper()
    if normalised not in DEPARTEMENTS or not permissions.can_view_department(current_user, normalised):
        refuse(404, f"département {code}")
    access = permissions.department_access(current_user)
    return Department(normalised, DEPARTEMENTS[normalised], access.function)


def load_difficulty(department, difficulty_id: int):
    """A difficulty flagged about a committee of `department` (another département's: 404)."""
    from clas_local.department.models import Difficulty

    difficulty = db.session.scalar(
        select(Difficulty)
        .join(Committee, Difficulty.committee_id == Committee.id)
        .where(Difficulty.id == difficulty_id, Committee.departement_code == department.code)
    )
    if difficulty is None:
        refuse(404, f"Difficulty {difficulty_id}")
    return difficulty
