"""Reading the audit log: one committee's events, filtered, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from datetime import timezone as dt_timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select

from clas_local.audit.models import AuditEvent

PER_PAGE = 50

# French labels of the action families (the part before the dot), for the journal's filter.
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
    "activity": "Bilans d'activité",
    "collectif": "Collectifs",
    "meeting": "Réunions",
    "invitation": "Invitations",
    "attendance": "Présences",
    "attendee": "Présences (personnes)",
    "minutes": "Comptes rendus",
    "evidence": "Pièces justificatives",
    "mail": "Courriels",
    "calendar": "Agendas",
    "dossier": "Dossiers",
    "calendar_feed": "Agendas (abonnements)",
    "partners": "Annuaire (imports)",
    "department": "Département (visites, difficultés)",
}

# Every action the application records, in the words the journal shows (never the code:
# the journal reads in French). tests/audit checks that each recorded action has its label.
ACTIONS = {
    "activity.create": "Bilans d'activité : saisie",
    "activity.update": "Bilans d'activité : modification",
    "attendance.add": "Présences : organisation non invitée ajoutée",
    "attendance.clear": "Présences : organisation remise à « non renseignée »",
    "attendance.remove": "Présences : organisation retirée",
    "attendance.set": "Présences : présence notée",
    "attendee.add": "Présences : personne présente ajoutée",
    "attendee.remove": "Présences : personne présente retirée",
    "calendar.holiday.add": "Calendrier scolaire : vacances ajoutées",
    "calendar.holiday.remove": "Calendrier scolaire : vacances retirées",
    "calendar_feed.regenerated": "Agendas : adresse d'abonnement renouvelée",
    "committee.create": "Comité : création",
    "committee.update": "Comité : paramètres modifiés",
    "committee.departement": "Comité : département modifié",
    "department.difficulty.close": "Département : difficulté close",
    "department.difficulty.flag": "Département : difficulté signalée au comité départemental",
    "department.visit": "Département : visite de terrain notée",
    "contact.anonymise": "Annuaire (contacts) : anonymisation",
    "contact.create": "Annuaire (contacts) : création",
    "contact.delete": "Annuaire (contacts) : suppression",
    "contact.export": "Annuaire (contacts) : export des données personnelles",
    "contact.update": "Annuaire (contacts) : modification",
    "evidence.delete": "Pièces justificatives : suppression",
    "evidence.refused": "Pièces justificatives : fichier refusé",
    "evidence.upload": "Pièces justificatives : dépôt",
    "invitation.answered": "Invitations : réponse reçue",
    "invitation.cancelled": "Invitations : annulation envoyée",
    "invitation.reminded": "Invitations : relance envoyée",
    "invitation.sent": "Invitations : invitation envoyée",
    "invitation.updated": "Invitations : mise à jour envoyée",
    "invitation.withdrawn": "Invitations : invitation retirée",
    "login.failure": "Connexions : échouée",
    "login.success": "Connexions : réussie",
    "login.throttled": "Connexions : bloquée (trop de tentatives)",
    "logout": "Déconnexions",
    "mail.resent": "Courriels : renvoi",
    "meeting.cancelled": "Réunions : annulation",
    "meeting.created": "Réunions : création",
    "meeting.held": "Réunions : tenue",
    "meeting.reopened": "Réunions : de nouveau prévue",
    "meeting.updated": "Réunions : modification",
    "member.add": "Membres : ajout",
    "member.remove": "Membres : retrait",
    "minutes.create": "Comptes rendus : rédaction",
    "minutes.sent": "Comptes rendus : envoi aux participants",
    "minutes.update": "Comptes rendus : modification",
    "partner.create": "Annuaire (organisations) : création",
    "partner.update": "Annuaire (organisations) : modification",
    "partners.import": "Annuaire : import des établissements",
    "project.collectif.add": "Projets : collectif ajouté",
    "project.collectif.remove": "Projets : collectif retiré",
    "project.collectif.update": "Projets : collectif modifié",
    "project.caf_decision": "Projets : décision de la CAF enregistrée",
    "project.create": "Projets : création",
    "project.financing": "Projets : financement enregistré",
    "project.partner.add": "Projets : partenaire du territoire ajouté",
    "project.partner.remove": "Projets : partenaire du territoire retiré",
    "project.partner.suggested": "Projets : partenaire du territoire suggéré ajouté",
    "project.reconduct": "Projets : reconduction à l'année suivante",
    "project.partner.update": "Projets : partenaire du territoire modifié",
    "project.school.add": "Projets : école liée",
    "project.school.orientation": "Projets : enfants orientés par une école",
    "project.school.referent": "Projets : référent d'une école choisi",
    "project.school.remove": "Projets : école retirée",
    "project.update": "Projets : modification",
    "user.department": "Comptes : accès départemental modifié",
    "user.disable": "Comptes : désactivation",
    "user.enable": "Comptes : réactivation",
    "user.password": "Comptes : mot de passe changé",
    "user.password_link": "Comptes : lien de mot de passe envoyé",
    "user.password_reset_request": "Comptes : mot de passe oublié demandé",
    "user.password_reset_throttled": "Comptes : mot de passe oublié bloqué (trop de demandes)",
}


REFUSALS = {"401": "non connecté", "403": "interdit", "404": "introuvable", "400": "requête invalide",
            "429": "trop de tentatives"}


def action_label(action: str) -> str:
    """The French label of an action code; an unlisted code gets its family's label only."""
    if action in ACTIONS:
        return ACTIONS[action]
    family, _, verb = action.partition(".")
    if family == "refused":
        return f"Accès refusé ({REFUSALS.get(verb, 'erreur ' + verb)})"
    return f"{FAMILIES.get(family, 'Autre')} : autre action"


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
