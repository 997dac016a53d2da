"""Where a proof or a next action points to: the page of another domain that shows it."""

from __future__ import annotations

from flask import url_for

from clas_local.compliance.rules import NextAction, Proof
from clas_local.meetings.models import MeetingStatus

# A proof of this kind opens this endpoint.
PROOF_TARGETS = {
    "meeting": "meetings.detail",
    "answers": "invitations.answers",
    "attendance": "attendance.page",
    "minutes": "attendance.minutes",
}


def proof_url(proof: Proof, committee) -> str | None:
    slug = committee.slug
    if proof.kind == "file" and proof.evidence_id is not None:
        return url_for("evidence.download", slug=slug, evidence_id=proof.evidence_id)
    if proof.kind in ("school", "partner") and proof.partner_id is not None:
        return url_for("partners.show", slug=slug, partner_id=proof.partner_id)
    if proof.kind == "meetings":
        filters = {"kind": proof.meeting_kind.value, "project": proof.project_id, "school_year": proof.school_year}
        filters = {name: value for name, value in filters.items() if value}
        return url_for("meetings.index", slug=slug, status=MeetingStatus.HELD.value, **filters)
    if proof.meeting_id is not None:
        return url_for(PROOF_TARGETS.get(proof.kind, PROOF_TARGETS["meeting"]), slug=slug, meeting_id=proof.meeting_id)
    return None


def action_url(action: NextAction, committee, project_id: int) -> str | None:
    slug = committee.slug
    if action.kind == "create_meeting":
        return url_for("meetings.create", slug=slug, project=project_id, kind=action.meeting_kind.value)
    if action.kind == "open_meeting" and action.meeting_id is not None:
        return url_for("attendance.page", slug=slug, meeting_id=action.meeting_id)
    if action.kind == "invite_schools" and action.meeting_id is not None:
        return url_for("meetings.detail", slug=slug, meeting_id=action.meeting_id) + "#invitations-panel"
    if action.kind in ("school_contact", "school_orientation"):
        return url_for("projects.detail", slug=slug, project_id=project_id) + "#ecoles"
    if action.kind == "territory_partner":
        return url_for("projects.detail", slug=slug, project_id=project_id) + "#partenaires"
    return None
