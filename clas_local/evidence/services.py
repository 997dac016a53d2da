"""Filing and deleting evidence files. Every refusal and every change is audited."""

from __future__ import annotations

import unicodedata
from pathlib import PurePosixPath

from clas_local.audit.services import record
from clas_local.evidence import filetypes, scanning, storage
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db

NAME_MAX = 255


class EvidenceRefused(ValueError):
    """The upload is not kept; the message is French and shown next to the file field."""


def clean_name(name: str | None) -> str:
    """The original file name as shown and offered on download: no path, no control characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        return "fichier"
    if len(name) > NAME_MAX:
        suffix = PurePosixPath(name).suffix[:16]
        name = name[: NAME_MAX - len(suffix)] + suffix
    return name


def _refuse(message: str, reason: str, committee, incoming, original_name: str, **details) -> None:
    record(
        "evidence.refused",
        committee=committee,
        summary=f"{original_name} : {reason}",
        reason=reason,
        sha256=incoming.sha256 if incoming else None,
        size=incoming.size if incoming else None,
        **details,
    )
    raise EvidenceRefused(message)


def file_upload(
    committee,
    stream,
    filename: str | None,
    kind: EvidenceKind,
    *,
    meeting=None,
    project=None,
    user=None,
) -> EvidenceFile:
    """Check and keep an uploaded file. Raises storage.FileTooLarge (→ 413) or EvidenceRefused."""
    if (meeting is None) == (project is None):
        raise ValueError("a file belongs to a meeting or to a project")
    original_name = clean_name(filename)
    incoming = storage.receive(stream)
    try:
        if incoming.size == 0:
            raise EvidenceRefused("Le fichier est vide.")
        result = scanning.scan(incoming.path)
        if result is not None and not result.clean:
            if result.scanner_failed:
                _refuse(
                    "L'analyse antivirus n'a pas pu être faite : le fichier n'a pas été enregistré. Réessayez plus tard.",
                    "antivirus-failed", committee, incoming, original_name, detail=result.detail,
                )
            _refuse(
                "L'antivirus a détecté une menace dans ce fichier : il a été refusé et supprimé.",
                "virus", committee, incoming, original_name, detail=result.detail,
            )
        found = filetypes.detect(incoming.path)
        if found is None:
            _refuse(
                f"Ce fichier est {filetypes.described(incoming.path)}, pas un document accepté : "
                f"seuls les fichiers {filetypes.ACCEPTED_LABEL} le sont (c'est le contenu qui est vérifié, pas le nom).",
                "type", committee, incoming, original_name,
            )
        if found.content_type in filetypes.ZIP_BASED:
            problem = filetypes.archive_problem(incoming.path)
            if problem:
                _refuse(problem, "archive", committee, incoming, original_name)
        suffix = PurePosixPath(original_name).suffix.lower()
        if not suffix:
            original_name = clean_name(original_name + found.extensions[0])
        elif suffix not in found.extensions:
            _refuse(
                f"Le contenu de ce fichier est un {found.label}, mais son nom se termine par « {suffix} » : "
                f"renommez-le en {found.extensions[0]} avant de le déposer.",
                "extension", committee, incoming, original_name,
            )
        storage.keep(incoming)
    except BaseException:
        storage.discard(incoming)
        raise
    evidence = EvidenceFile(
        committee_id=committee.id,
        meeting_id=meeting.id if meeting is not None else None,
        project_id=project.id if project is not None else None,
        kind=kind,
        original_name=original_name,
        storage_name=incoming.storage_name,
        content_type=found.content_type,
        size_bytes=incoming.size,
        sha256=incoming.sha256,
        uploaded_by_id=getattr(user, "id", None),
    )
    db.session.add(evidence)
    db.session.flush()
    record(
        "evidence.upload",
        evidence,
        committee_id=committee.id,
        summary=f"{kind.label} : {original_name}",
        sha256=incoming.sha256,
        meeting_id=evidence.meeting_id,
        project_id=evidence.project_id,
    )
    return evidence


def store_generated(committee, data: bytes, filename: str, kind: EvidenceKind, *, meeting=None, project=None, user=None):
    """File a document the application produced itself (e.g. the demo's sign-in sheet)."""
    import io

    return file_upload(committee, io.BytesIO(data), filename, kind, meeting=meeting, project=project, user=user)


def delete_evidence(evidence: EvidenceFile) -> str:
    """Delete the record (audited); returns the storage name to remove from disk once committed."""
    record(
        "evidence.delete",
        evidence,
        committee_id=evidence.committee_id,
        summary=f"{evidence.kind.label} : {evidence.original_name}",
        sha256=evidence.sha256,
        meeting_id=evidence.meeting_id,
        project_id=evidence.project_id,
    )
    storage_name = evidence.storage_name
    db.session.delete(evidence)
    db.session.flush()
    return storage_name
