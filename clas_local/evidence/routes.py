"""Evidence files: upload on a meeting or a project, download under the original name, delete."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, make_response, request, url_for
from flask_login import current_user, login_required

from clas_local import htmx, permissions
from clas_local.evidence import services, storage
from clas_local.evidence.forms import UploadForm
from clas_local.evidence.models import EvidenceKind
from clas_local.evidence.panels import meeting_context, project_context
from clas_local.extensions import db
from clas_local.loaders import load_committee, load_evidence, load_meeting, load_project
from clas_local.meetings.urls import meeting_url
from clas_local.security import mark_download

bp = Blueprint("evidence", __name__)


def project_url(project) -> str:
    return url_for("projects.detail", slug=project.committee.slug, project_id=project.id)


def _upload(committee, form: UploadForm, *, meeting=None, project=None):
    """Validate and file the upload; returns True when kept (the caller then redirects)."""
    if not form.validate():
        return False
    upload = form.file.data
    try:
        evidence = services.file_upload(
            committee,
            upload.stream,
            upload.filename,
            EvidenceKind(form.kind.data),
            meeting=meeting,
            project=project,
            user=current_user,
        )
    except storage.FileTooLarge:
        upload.close()  # the spooled temporary file, before the 413 page
        abort(413)
    except services.EvidenceRefused as exc:
        db.session.commit()  # the refusal's audit record
        form.file.errors.append(str(exc))
        return False
    try:
        db.session.commit()
    except Exception:
        storage.remove(evidence.storage_name)
        raise
    flash(f"Pièce « {evidence.original_name} » enregistrée.", "success")
    return True


@bp.route("/c/<slug>/meetings/<int:meeting_id>/evidence", methods=["GET", "POST"])
@login_required
def meeting_upload(slug: str, meeting_id: int):
    committee = load_committee(slug)
    posting = request.method == "POST"
    meeting = load_meeting(
        committee, meeting_id, allowed=permissions.can_edit_meeting if posting else permissions.can_view_meeting_evidence
    )
    return _upload_page(
        committee, f"Pièces justificatives : {meeting.display_title}", meeting_url(meeting), "#evidence-meeting",
        lambda form: meeting_context(meeting, current_user, form), meeting=meeting,
    )  # fmt: skip


@bp.route("/c/<slug>/projects/<int:project_id>/evidence", methods=["GET", "POST"])
@login_required
def project_upload(slug: str, project_id: int):
    committee = load_committee(slug)
    posting = request.method == "POST"
    project = load_project(committee, project_id, allowed=permissions.can_edit_project if posting else None)
    return _upload_page(
        committee, f"Pièces justificatives : {project.name}", project_url(project), "#evidence-project",
        lambda form: project_context(project, current_user, form), project=project,
    )  # fmt: skip


def _upload_page(committee, heading: str, back_url: str, anchor: str, context_for, **owner):
    """The evidence page of a meeting or a project (`owner`); a POST files the upload there
    and goes back to its page, or shows the form again with its errors (422)."""
    form, status = None, 200
    if request.method == "POST":
        form = UploadForm(max_mb=current_app.config.get("MAX_UPLOAD_MB", 10))
        if _upload(committee, form, **owner):
            return htmx.redirect(back_url + anchor)
        status = 422
    return htmx.render(
        "evidence/page.html",
        status=status,
        heading=heading,
        back_url=back_url,
        panel_context=context_for(form),
        committee=committee,
    )


def content_disposition(name: str) -> str:
    """attachment with an ASCII fallback and the exact UTF-8 name (RFC 6266 / RFC 5987)."""
    # ASCII fallback: accents dropped (é → e), anything else unsafe in a quoted string becomes "_".
    decomposed = unicodedata.normalize("NFKD", name)
    fallback = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    fallback = re.sub(r"[^A-Za-z0-9._ ()-]", "_", fallback).strip() or "fichier"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@bp.get("/c/<slug>/evidence/<int:evidence_id>")
@login_required
def download(slug: str, evidence_id: int):
    committee = load_committee(slug)
    evidence = load_evidence(committee, evidence_id)
    path = storage.existing_path(evidence.storage_name)
    if path is None:
        current_app.logger.warning("Evidence %s: no file in storage under its name", evidence.id)
        abort(404)
    # Files are small (MAX_UPLOAD_MB): read at once, so no file handle outlives the request.
    response = make_response(path.read_bytes())
    response.headers["Content-Type"] = evidence.content_type
    response.headers["Content-Disposition"] = content_disposition(evidence.original_name)
    response.headers["Cache-Control"] = "private, no-store"
    return mark_download(response)


@bp.post("/c/<slug>/evidence/<int:evidence_id>/delete")
@login_required
def delete(slug: str, evidence_id: int):
    committee = load_committee(slug)
    evidence = load_evidence(committee, evidence_id, allowed=permissions.can_delete_evidence)
    meeting, project = evidence.meeting, evidence.project
    name = evidence.original_name
    storage_name = services.delete_evidence(evidence)
    db.session.commit()
    storage.remove(storage_name)  # only once the record is gone: never a record without its file
    flash(f"Pièce « {name} » supprimée.", "success")
    if meeting is not None:
        return htmx.redirect(meeting_url(meeting, "#evidence-meeting"))
    return htmx.redirect(project_url(project) + "#evidence-project")
