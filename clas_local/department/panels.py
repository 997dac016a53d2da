"""The project page's « Visites de terrain » section: what the département recorded (one query)."""

from __future__ import annotations

from clas_local import permissions
from clas_local.department.queries import project_field_visits


def project_panel(project, user) -> dict | None:
    """The project's field visits, for whoever reads the project (the committee, the département);
    nothing when there is none and the reader cannot record one."""
    visits = project_field_visits(project)
    can_record = permissions.can_record_for_department(user, project.committee)
    if not visits and not can_record:
        return None
    return {"visits": visits, "can_record": can_record, "project": project}
