"""Writes of the département level: each flushes and records an audit event; the view commits."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.department.models import (
    DepartmentAccess,
    DepartmentFunction,
    Difficulty,
    DifficultyStatus,
    FieldVisit,
    departement_label,
)
from clas_local.extensions import db
from clas_local.i18n import format_day


def record_field_visit(project, *, visited_on: date, visitors: str, notes: str, user) -> FieldVisit:
    visit = FieldVisit(committee_id=project.committee_id, project=project, visited_on=visited_on,
                       visitors=visitors, notes=notes or "", recorded_by_id=user.id)  # fmt: skip
    db.session.add(visit)
    db.session.flush()
    record("department.visit", visit, committee_id=project.committee_id,
           summary=f"{project.name} : visite du {format_day(visited_on, weekday=False)}")  # fmt: skip
    return visit


def flag_difficulty(committee, project, *, text: str, noted_on: date, user) -> Difficulty:
    difficulty = Difficulty(committee=committee, project=project, text=text, noted_on=noted_on,
                            status=DifficultyStatus.OPEN, recorded_by_id=user.id)  # fmt: skip
    db.session.add(difficulty)
    db.session.flush()
    record("department.difficulty.flag", difficulty, committee=committee,
           summary=project.name if project is not None else committee.name)
    return difficulty


def close_difficulty(difficulty: Difficulty) -> bool:
    """Close an open difficulty; False when it was already closed (nothing changes)."""
    if difficulty.status is DifficultyStatus.CLOSED:
        return False
    difficulty.status = DifficultyStatus.CLOSED
    difficulty.closed_at = utcnow()
    db.session.flush()
    record("department.difficulty.close", difficulty, committee_id=difficulty.committee_id,
           summary=difficulty.project.name if difficulty.project is not None else difficulty.committee.name)
    return True


def set_department_access(user, code: str | None, function: DepartmentFunction | None) -> str:
    """Grant (or change, or withdraw when `code` is None) an account's department access; a French summary."""
    access = db.session.scalar(select(DepartmentAccess).where(DepartmentAccess.user_id == user.id))
    if code is None:
        if access is None:
            return "Aucun accès départemental : rien n'a changé."
        db.session.delete(access)
        summary = f"Accès départemental retiré ({departement_label(access.departement_code)})"
    else:
        if access is None:
            access = DepartmentAccess(user_id=user.id, departement_code=code, function=function)
            db.session.add(access)
        elif access.departement_code == code and access.function is function:
            return "Rien n'a changé."
        else:
            access.departement_code, access.function = code, function
        summary = f"Accès départemental : {departement_label(code)}, {function.label.lower()}"
    db.session.flush()
    record("user.department", user, summary=f"{user.email} : {summary}")
    return summary + "."


def set_committee_departement(committee, code: str | None) -> bool:
    if committee.departement_code == code:
        return False
    before = committee.departement_code
    committee.departement_code = code
    db.session.flush()
    record("committee.departement", committee, committee=committee,
           summary=f"Département : {departement_label(before)} → {departement_label(code)}")
    return True
