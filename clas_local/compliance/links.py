"""Where a proof or a next action points to, when that page exists.

Other domains own these pages; a link only appears once its endpoint is registered, so
the checklist works whatever is deployed.
"""

from __future__ import annotations

from flask import current_app, url_for
from werkzeug.routing import BuildError

from clas_local.compliance.rules import NextAction, Proof
from clas_local.meetings.models import MeetingStatus

# A proof of this kind opens this endpoint (the meeting's page at an anchor when it has one).
PROOF_TARGETS = {
    "meeting": (("meetings.detail", ""),),
    "answers": (("invitations.answers", ""), ("meetings.detail", "#invitations")),
    "attendance": (("attendance.page", ""), ("meetings.detail", "#presences")),
    "minutes": (("attendance.minutes", ""), ("meetings.detail", "#compte-rendu")),
}


def _url(endpoint: str, anchor: str = "", **values) -> str | None:
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values) + anchor
    except BuildError:
        return None


def _first(candidates, **values) -> str | None:
    for endpoint, anchor in candidates:
        url = _url(endpoint, anchor, **values)
        if url:
            return url
    return None


def proof_url(proof: Proof, committee) -> str | None:
    slug = committee.slug
    if proof.kind == "file" and proof.evidence_id is not None:
        return _first((("evidence.download", ""),), slug=slug, evidence_id=proof.evidence_id)
    if proof.kind in ("school", "partner") and proof.partner_id is not None:
        return _first((("partners.detail", ""),), slug=slug, partner_id=proof.partner_id)
    if proof.kind == "meetings":
        filters = {"kind": proof.meeting_kind.value, "project": proof.project_id, "school_year": proof.school_year}
        filters = {name: value for name, value in filters.items() if value}
        return _first((("meetings.index", ""),), slug=slug, status=MeetingStatus.HELD.value, **filters)
    if proof.meeting_id is not None:
        return _first(PROOF_TARGETS.get(proof.kind, PROOF_TARGETS["meeting"]), slug=slug, meeting_id=proof.meeting_id)
    return None


def action_url(action: NextAction, committee, project_id: int) -> str | None:
    slug = committee.slug
    if action.kind == "create_meeting":
        return _first(
            (("meetings.create", ""),), slug=slug, project=project_id, kind=action.meeting_kind.value
        )
    if action.kind == "open_meeting" and action.meeting_id is not None:
        return _first(
            (("attendance.page", ""), ("meetings.detail", "")), slug=slug, meeting_id=action.meeting_id
        )
    if action.kind == "school_contact":
        return _first((("projects.detail", "#ecoles"),), slug=slug, project_id=project_id)
    if action.kind == "territory_partner":
        return _first((("projects.detail", "#partenaires"),), slug=slug, project_id=project_id)
    return None
