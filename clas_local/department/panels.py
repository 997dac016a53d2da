"""The project page's « Visites de terrain » section: what the département recorded (loaded with
the project by projects.queries.DETAIL_OPTIONS: no query of its own)."""

from __future__ import annotations

from clas_local import permissions


def project_panel(project, user) -> dict | None:
    """The project's field visits, for whoever reads the project (the committee, the département);
    nothing when there is none and the reader cannot record one."""
    visits = project.field_visits
    can_record = permissions.can_record_for_department(user, project.committee)
    if not visits and not can_record:
        return None
    return {"visits": visits, "can_record": can_record, "project": project}
