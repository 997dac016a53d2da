"""The dossier's PDF, built once per version of its content and kept on disk.

The version is a stamp read in the same query as the project (`with_expression` on
`Project.dossier_stamp`, through `load_project`): for every table the dossier reads, the
number of its rows, their highest id and their latest `updated_at`. An insert raises a count
and an id, a deletion lowers a count, an edit moves an `updated_at`; rows without a timestamp
(attendees, the project's school and partner links) are only ever added or removed, or touch
their project when edited (projects.services). The activity figures are one row per project:
their `updated_at` moves at every edit. The committee's date is part of the version (a
key moment's state depends on it), so is the number of its meetings already over (a meeting
still planned is « à compléter » from its end on, that very day), and so are the templates
and the stylesheet.

The files live under DOSSIER_CACHE_FOLDER (instance/dossier-cache by default), one per
project, written to a temporary name and renamed (atomic on POSIX: a worker reading the
old file keeps reading it whole), under a per-project lock so that two workers asked for the
same new version build it once. Every worker of every engine sees the same files.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.metadata
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy import String, and_, cast, func, literal, or_, select
from sqlalchemy.orm import with_expression

from clas_local.activity.models import ActivityFigures
from clas_local.attendance.models import Attendance, Attendee
from clas_local.db import utcnow
from clas_local.evidence.models import EvidenceFile
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import CONCERTATION_KINDS, Meeting, Minutes
from clas_local.partners.models import Contact, Partner
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool
from clas_local.school_year import committee_today

SOURCES = ("templates/dossier/pdf.html", "templates/dossier/_content.html",
           "templates/compliance/_checklist.html", "templates/activity/_figures.html", "templates/macros/ui.html",
           "templates/pdf/dossier.typ", "templates/pdf/html.typ", "clas_local/pdf.py")  # fmt: skip
ROOT = Path(__file__).resolve().parent.parent.parent
_render_version: str | None = None


def _text(value):
    return func.coalesce(cast(value, String), literal(""))


def _summary(*columns, where, join=None):
    """One scalar subquery: « count/max(column)/… » of the rows matching `where`."""
    parts = [cast(func.count(), String)]
    for column in columns:
        parts += [literal("/"), _text(func.max(column))]
    expression = parts[0]
    for part in parts[1:]:
        expression = expression.concat(part)
    query = select(expression).select_from(join if join is not None else columns[0].class_)
    return query.where(where).scalar_subquery()


def stamp_expression(committee_id: int, project_id: int):
    """SQL text that changes whenever anything the project's dossier shows changes, the end of
    one of its meetings included (a planned meeting over is « à compléter » from its end on)."""
    # Read once (a common table expression), not once per table below.
    found = select(Meeting.id).where(
        Meeting.committee_id == committee_id,
        or_(Meeting.project_id == project_id,
            and_(Meeting.project_id.is_(None), Meeting.kind.in_(CONCERTATION_KINDS))),
    ).cte("dossier_meetings")  # fmt: skip
    meetings = select(found.c.id)
    parts = [
        _summary(Meeting.id, Meeting.updated_at, where=Meeting.id.in_(meetings)),
        _summary(Meeting.id, where=and_(Meeting.id.in_(meetings), Meeting.ends_at <= utcnow())),
        _summary(Minutes.id, Minutes.updated_at, where=Minutes.meeting_id.in_(meetings)),
        _summary(Invitation.id, Invitation.updated_at, where=Invitation.meeting_id.in_(meetings)),
        _summary(Attendance.id, Attendance.updated_at, where=Attendance.meeting_id.in_(meetings)),
        _summary(Attendee.id, where=Attendee.attendance_id.in_(
            select(Attendance.id).where(Attendance.meeting_id.in_(meetings)))),
        _summary(EvidenceFile.id, where=and_(
            EvidenceFile.committee_id == committee_id,
            or_(EvidenceFile.project_id == project_id, EvidenceFile.meeting_id.in_(meetings)))),
        _summary(Partner.id, Partner.updated_at, where=Partner.committee_id == committee_id),
        _summary(Contact.id, Contact.updated_at, where=Contact.partner_id.in_(
            select(Partner.id).where(Partner.committee_id == committee_id))),
        _summary(ProjectSchool.id, ProjectSchool.referent_contact_id, where=ProjectSchool.project_id == project_id),
        _summary(ProjectPartner.id, where=ProjectPartner.project_id == project_id),
        _summary(Collectif.id, Collectif.updated_at, where=Collectif.project_id == project_id),
        _summary(ActivityFigures.id, ActivityFigures.updated_at, where=ActivityFigures.project_id == project_id),
    ]  # fmt: skip
    expression = parts[0]
    for part in parts[1:]:
        expression = expression.concat(literal("|")).concat(part)
    return expression


def stamp_option(committee, project_id: int):
    """The loader option that reads the stamp with the project (no query of its own)."""
    return with_expression(Project.dossier_stamp, stamp_expression(committee.id, project_id))


def render_version() -> str:
    """The templates, layouts and typesetter the PDF is made of: a deployment that changes them
    changes every version."""
    global _render_version
    if _render_version is None:
        digest = hashlib.sha256(f"typst {importlib.metadata.version('typst')}".encode())
        for source in SOURCES:
            path = ROOT / source
            digest.update(path.read_bytes() if path.is_file() else source.encode())
        _render_version = digest.hexdigest()[:16]
    return _render_version


def dossier_version(committee, project) -> str:
    """The version of the project's dossier: the ETag of its PDF and the name of its cached file."""
    if project.dossier_stamp is None:
        raise ValueError("the project was loaded without stamp_option()")
    content = "|".join((
        project.dossier_stamp, str(project.updated_at), str(committee.updated_at),
        committee_today(committee).isoformat(), render_version(),
    ))  # fmt: skip
    return hashlib.sha256(content.encode()).hexdigest()[:32]


def folder() -> Path:
    return Path(current_app.config["DOSSIER_CACHE_FOLDER"])


def _path(project_id: int, version: str) -> Path:
    return folder() / f"projet-{project_id}-{version}.pdf"


def read(project_id: int, version: str) -> bytes | None:
    try:
        return _path(project_id, version).read_bytes()
    except FileNotFoundError:
        return None


@contextmanager
def _locked(project_id: int):
    folder().mkdir(parents=True, exist_ok=True)
    with open(folder() / f"projet-{project_id}.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def fetch(project_id: int, version: str, build: Callable[[], bytes]) -> bytes:
    """The PDF of this version: from the cache, or built (once across workers), stored, and the
    project's older versions removed."""
    found = read(project_id, version)
    if found is not None:
        return found
    with _locked(project_id):
        found = read(project_id, version)  # another worker built it while this one waited
        if found is not None:
            return found
        document = build()
        target = _path(project_id, version)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".building-", suffix=".pdf")
        try:
            with os.fdopen(handle, "wb") as output:
                output.write(document)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        for old in target.parent.glob(f"projet-{project_id}-*.pdf"):
            if old != target:
                old.unlink(missing_ok=True)
    return document
