"""The compliance checklist on the project page (slot "compliance")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import g, render_template
from markupsafe import Markup

from clas_local import permissions
from clas_local.compliance.links import action_url, proof_url
from clas_local.compliance.queries import project_checklist, project_page_files, still_true, true_until
from clas_local.compliance.rules import AXES, CHECKLIST_TITLE, Checklist, ProjectFacts
from clas_local.revisions import committee_revisions, kept
from clas_local.school_year import committee_today


@dataclass(frozen=True)
class KeptChecklist:
    facts: ProjectFacts
    html: Markup
    until: datetime | None  # see compliance.queries.true_until


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
    """The checklist, rendered, kept under the committee's revision (read with the project, so
    before anything the checklist reads), the day, and whether the reader may act (the actions
    are links for those who edit the project): the project page read again unchanged reads
    neither the facts nor the files again. Like the dashboard's facts, it is read again when a
    planned meeting of the day ends (it then reads « à compléter »)."""
    if not permissions.can_view_project(user, project):
        return None
    committee = project.committee
    can_act = permissions.can_edit_project(user, project)
    revision = project.committee_revision  # read with the project by its page, else now
    if revision is None:
        revision = committee_revisions([committee.id])[committee.id]
    today = committee_today(committee)
    store = kept("project-checklist")
    key = (project.id, revision, today, can_act)
    found = store.get(key)
    if found is None or not still_true(found.until):
        # One query for the files both this checklist and the evidence panel read (see evidence.panels).
        files = project_page_files(project)
        g.setdefault("project_page_files", {})[project.id] = files
        facts, checklist = project_checklist(project, today=today, evidence_files=files)
        view = checklist_view(checklist, committee, project.id, can_act=can_act)
        # HTML the template made, every user text in it escaped (autoescape): inserted as it is.
        html = Markup(render_template("compliance/_project_checklist.html", project=project, view=view))
        found = KeptChecklist(facts, html, true_until([facts], today))
        store.put(key, found)
    g.setdefault("project_facts", {})[project.id] = found.facts  # the activity panel reads its bilan meeting there
    return {"project": project, "facts": found.facts, "html": found.html}
