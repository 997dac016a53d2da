"""The journal: hosts read their committee's audit log, filtered and paginated."""

from __future__ import annotations

from flask import Blueprint, request
from flask_login import login_required

from clas_local import htmx, permissions
from clas_local.audit.forms import AuditFilterForm
from clas_local.audit.queries import PER_PAGE, AuditFilters, action_label, committee_events
from clas_local.loaders import load_committee
from clas_local.url_numbers import paginate

bp = Blueprint("audit", __name__)


@bp.get("/c/<slug>/journal")
@login_required
def index(slug: str):
    committee = load_committee(slug, permissions.can_view_audit)
    form = AuditFilterForm(formdata=request.args)
    filters = AuditFilters()
    status = 200
    if request.args and form.validate():
        filters = AuditFilters(form.family.data or "", form.actor.data or "", form.start.data, form.end.data)
    elif request.args and form.errors:
        status = 422 if htmx.is_fragment_request() else 200
    page = paginate(committee_events(committee, filters), PER_PAGE)
    params = {k: v for k, v in request.args.items() if k != "page" and v}
    return htmx.render(
        "audit/index.html",
        "audit/_events.html",
        status=status,
        committee=committee,
        form=form,
        events=page,
        params=params,
        action_label=action_label,
    )
