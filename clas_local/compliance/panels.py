"""The compliance checklist on the project page (slot "compliance")."""

from __future__ import annotations

from flask import g

from clas_local import permissions
from clas_local.compliance.links import action_url, proof_url
from clas_local.compliance.queries import project_checklist, project_page_files
from clas_local.compliance.rules import AXES, CHECKLIST_TITLE, Checklist


def checklist_view(checklist: Checklist, committee, project_id: int, *, can_act: bool) -> dict:
    """The checklist as the templates show it: by axis, each check with its proofs' and action's URLs."""

    def row(check):
        return {
            "check": check,
            "proofs": [(proof, proof_url(proof, committee)) for proof in check.proofs],
            "action": check.action,
            "action_url": action_url(check.action, committee, project_id) if check.action and can_act else None,
        }

    axes = [
        {"key": key, "title": AXES[key], "rows": [row(check) for check in checklist.by_axis(key)]}
        for key in ("ecole", "territoire")
    ]
    return {
        "axes": axes,
        "title": CHECKLIST_TITLE,
        "evidence": list(checklist.evidence),
        "evidence_title": AXES["evidence"],
        "warnings": list(checklist.warnings),
        "warnings_title": AXES["collectifs"],
        "met_count": checklist.met_count,
        "total": len(checklist.checks),
        "overall": checklist.overall,
        "next_actions": [
            {"action": action, "url": action_url(action, committee, project_id) if can_act else None}
            for action in checklist.next_actions
        ],
    }


def project_panel(project, user) -> dict | None:
    if not permissions.can_view_project(user, project):
        return None
    # One query for the files both this checklist and the evidence panel read (see evidence.panels).
    files = project_page_files(project)
    g.setdefault("project_page_files", {})[project.id] = files
    facts, checklist = project_checklist(project, evidence_files=files)
    g.setdefault("project_facts", {})[project.id] = facts  # the activity panel reads its bilan meeting there
    view = checklist_view(checklist, project.committee, project.id, can_act=permissions.can_edit_project(user, project))
    return {"project": project, "committee": project.committee, "facts": facts, **view}
