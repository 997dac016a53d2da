"""Writes on a project's activity figures: set them, flush, record an audit event; the view commits."""

from __future__ import annotations

from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS, ActivityFigures
from clas_local.audit.services import record
from clas_local.extensions import db


def _changes(figures: ActivityFigures | None, counts: dict, texts: dict) -> dict:
    """{field: [old, new]} for the counts, {field: "modifié"} for the headings (free text stays
    out of the audit log)."""
    changed: dict = {}
    for name in COUNT_FIELDS:
        old, new = getattr(figures, name, None), counts.get(name)
        if old != new:
            changed[name] = [old, new]
    for name in QUALITATIVE_FIELDS:
        if (getattr(figures, name, "") or "") != (texts.get(name) or ""):
            changed[name] = "modifié"
    return changed


def save_figures(project, figures: ActivityFigures | None, counts: dict, texts: dict) -> dict:
    """Create or update the project's figures; return what changed (empty: nothing saved)."""
    changed = _changes(figures, counts, texts)
    if not changed:
        return {}
    created = figures is None
    if created:
        figures = ActivityFigures(project_id=project.id)
        db.session.add(figures)
    for name in COUNT_FIELDS:
        setattr(figures, name, counts.get(name))
    for name in QUALITATIVE_FIELDS:
        setattr(figures, name, texts.get(name) or "")
    db.session.flush()
    record(
        "activity.create" if created else "activity.update", figures, committee=project.committee,
        summary=f"Bilan d'activité {'saisi' if created else 'modifié'} : {project.name} ({project.school_year})",
        project_id=project.id, changes=changed,
    )  # fmt: skip
    return changed
