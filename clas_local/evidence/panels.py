"""The evidence sections of the meeting page and of the project page."""

from __future__ import annotations

from flask import current_app, g, url_for

from clas_local import permissions
from clas_local.evidence import queries
from clas_local.evidence.forms import UploadForm


def _form(form: UploadForm | None) -> UploadForm:
    return form or UploadForm(formdata=None, max_mb=current_app.config.get("MAX_UPLOAD_MB", 10))


def meeting_context(meeting, user, form: UploadForm | None = None) -> dict:
    files = queries.meeting_files(meeting)
    can_upload = permissions.can_edit_meeting(user, meeting)
    committee = meeting.committee
    return {
        "committee": committee,
        "section_id": "evidence-meeting",
        "title": "Pièces justificatives",
        "files": files,
        "deletable": {f.id for f in files if permissions.can_delete_evidence(user, f)},
        "can_upload": can_upload,
        "upload_url": url_for("evidence.meeting_upload", slug=committee.slug, meeting_id=meeting.id),
        "form": _form(form) if can_upload else None,
        "other_files": [],
    }


def _project_files(project):
    """The project's own files and its meetings' files: from those the compliance panel has
    just loaded for the same page when it has (they include the comités' files too), else
    queried."""
    loaded = g.get("project_page_files", {}).get(project.id)
    if loaded is None:
        return queries.project_files(project)
    own = [f for f in loaded if f.meeting_id is None and f.project_id == project.id]
    on_meetings = [
        f for f in loaded if f.meeting_id is not None and (f.project_id == project.id or f.meeting.project_id == project.id)
    ]
    return own, on_meetings


def project_context(project, user, form: UploadForm | None = None) -> dict:
    files, meeting_files = _project_files(project)
    can_upload = permissions.can_edit_project(user, project)
    committee = project.committee
    return {
        "committee": committee,
        "section_id": "evidence-project",
        "title": "Pièces justificatives du projet",
        "files": files,
        "deletable": {f.id for f in files if permissions.can_delete_evidence(user, f)},
        "can_upload": can_upload,
        "upload_url": url_for("evidence.project_upload", slug=committee.slug, project_id=project.id),
        "form": _form(form) if can_upload else None,
        "other_files": meeting_files,
    }


def meeting_panel(meeting, user) -> dict | None:
    if not permissions.can_view_meeting_evidence(user, meeting):
        return None
    return meeting_context(meeting, user)


def project_panel(project, user) -> dict | None:
    if not permissions.can_view_project(user, project):
        return None
    return project_context(project, user)
