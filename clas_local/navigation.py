"""The committee menu: an entry shows when the user may open its page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import request, url_for
from flask_login import current_user

from clas_local import permissions


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    allowed: Callable


NAV_ITEMS = (
    NavItem("committees.home", "Accueil", permissions.can_view_committee),
    NavItem("compliance.dashboard", "Tableau de bord", permissions.can_view_dashboard),
    NavItem("partners.index", "Annuaire", permissions.can_view_directory),
    NavItem("projects.index", "Projets", permissions.can_view_committee),
    NavItem("meetings.index", "Réunions", permissions.can_view_committee),
    NavItem("invitations.my_invitations", "Mes invitations", permissions.can_answer_for_school),
    NavItem("dossier.annual_bilan", "Bilan annuel", permissions.can_view_dashboard),
    NavItem("committees.members", "Membres", permissions.can_manage_committee),
    NavItem("mail.outbox", "Courriels", permissions.can_manage_committee),
    NavItem("committees.settings", "Paramètres", permissions.can_manage_committee),
    NavItem("audit.index", "Journal", permissions.can_view_audit),
)


def committee_navigation(committee) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if not item.allowed(current_user, committee):
            continue
        url = url_for(item.endpoint, slug=committee.slug)
        items.append({"url": url, "label": item.label, "current": request.endpoint == item.endpoint})
    return items


def department_url() -> str | None:
    """The department dashboard, for a department user's « Département » menu entry."""
    code = permissions.department_code(current_user)
    return url_for("department.dashboard", code=code) if code else None
