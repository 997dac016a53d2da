"""Writing to the audit log. Every state change records who did it; the view's commit saves both."""

from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db


def record(
    action: str,
    obj=None,
    *,
    committee=None,
    committee_id: int | None = None,
    summary: str = "",
    actor=None,
    **details,
) -> AuditEvent:
    """Add an audit event to the session (flushed with the caller's unit of work)."""
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if committee_id is None:
        committee_id = committee.id if committee is not None else getattr(obj, "committee_id", None)
    event = AuditEvent(
        action=action,
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", "") or "",
        committee_id=committee_id,
        object_type=type(obj).__name__.lower() if obj is not None else "",
        object_id=getattr(obj, "id", None),
        summary=summary[:500],
        details={k: v for k, v in details.items() if v is not None},
        ip_address=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(event)
    return event
