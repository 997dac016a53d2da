"""Reading the audit log: one committee's events, filtered, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from clas_local.audit.models import AuditEvent

PER_PAGE = 50

# French labels of the action families (the part before the dot); the full code is shown too.
FAMILIES = {
    "login": "Connexions",
    "logout": "Déconnexions",
    "refused": "Accès refusés",
    "member": "Membres",
    "user": "Comptes",
    "committee": "Comité",
    "partner": "Annuaire (organisations)",
    "contact": "Annuaire (contacts)",
    "project": "Projets",
    "collectif": "Collectifs",
    "meeting": "Réunions",
    "invitation": "Invitations",
    "attendance": "Présences",
    "minutes": "Comptes rendus",
    "evidence": "Pièces justificatives",
    "mail": "Courriels",
    "calendar": "Agendas",
    "dossier": "Dossiers",
}

VERBS = {
    "create": "création",
    "add": "ajout",
    "update": "modification",
    "edit": "modification",
    "delete": "suppression",
    "remove": "retrait",
    "success": "réussie",
    "failure": "échouée",
    "throttled": "bloquée (trop de tentatives)",
    "anonymise": "anonymisation",
    "export": "export",
    "cancel": "annulation",
    "send": "envoi",
    "answer": "réponse",
    "password": "mot de passe changé",
}


def action_label(action: str) -> str:
    family, _, verb = action.partition(".")
    family_label = FAMILIES.get(family, family)
    if family == "refused":
        return f"Accès refusé ({verb})"
    verb_label = VERBS.get(verb.split(".")[-1], verb)
    return f"{family_label} : {verb_label}" if verb_label else family_label


@dataclass(frozen=True)
class AuditFilters:
    family: str = ""
    actor: str = ""
    start: date | None = None
    end: date | None = None


def committee_events(committee, filters: AuditFilters) -> Select:
    query = select(AuditEvent).where(AuditEvent.committee_id == committee.id)
    if filters.family:
        query = query.where(
            (AuditEvent.action == filters.family) | AuditEvent.action.startswith(filters.family + ".", autoescape=True)
        )
    if filters.actor:
        query = query.where(AuditEvent.actor_email.contains(filters.actor.strip().lower(), autoescape=True))
    if filters.start:
        query = query.where(AuditEvent.occurred_at >= _local_midnight(filters.start, committee.timezone))
    if filters.end:
        query = query.where(
            AuditEvent.occurred_at < _local_midnight(filters.end + timedelta(days=1), committee.timezone)
        )
    return query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())


def _local_midnight(day: date, timezone: str) -> datetime:
    """Midnight of `day` in the committee's time zone, as a UTC instant."""
    return datetime.combine(day, time(), tzinfo=ZoneInfo(timezone)).astimezone(dt_timezone.utc)
