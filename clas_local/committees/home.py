"""The committee's home page as its members' to-do list: what needs them now, each with a link
to where it is done, then the first steps of a new committee and what comes next.

Reads only, in a fixed number of queries whatever the committee's size (bench « committee home »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import url_for
from sqlalchemy import case, func, select
from sqlalchemy.orm import joinedload

from clas_local import permissions
from clas_local.auth.models import Role
from clas_local.compliance import queries as compliance
from clas_local.compliance.rules import Status, evaluate_obligations
from clas_local.extensions import db
from clas_local.invitations.models import Answer, Invitation
from clas_local.mail.models import MessageStatus, OutgoingMessage
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus
from clas_local.partners.models import SCHOOL_KINDS, TERRITORY_KINDS, Partner
from clas_local.projects.models import Project
from clas_local.school_year import current_school_year
from clas_local.visibility import visible_meetings

# Invitations still unanswered matter when the meeting is this close.
NEAR = timedelta(days=14)
LIMIT = 10


@dataclass(frozen=True)
class TodoItem:
    text: str
    url: str
    link: str  # the words of the link: what the user does there
    tone: str = "warn"


@dataclass(frozen=True)
class FirstStep:
    label: str
    done: bool
    url: str
    link: str
    hint: str = ""


@dataclass
class HomeContext:
    todo: list[TodoItem] = field(default_factory=list)
    first_steps: list[FirstStep] = field(default_factory=list)
    upcoming: list[Meeting] = field(default_factory=list)

    @property
    def first_steps_done(self) -> bool:
        return all(step.done for step in self.first_steps)


def _meeting_url(committee, meeting: Meeting, anchor: str = "") -> str:
    return url_for("meetings.detail", slug=committee.slug, meeting_id=meeting.id) + anchor


def _editable(user, committee):
    """The meetings this user may complete or follow up: all for a host, their projects' for a porteur."""
    member = permissions.membership(user, committee)
    query = visible_meetings(user, committee)
    if member is None or member.role not in (Role.HOST, Role.PORTEUR):
        return None
    if member.role is Role.PORTEUR:
        own = select(Project.id).where(Project.committee_id == committee.id, Project.porteur_id == member.partner_id)
        query = query.where(Meeting.project_id.in_(own))
    return query


def _to_complete(user, committee, now: datetime) -> list[TodoItem]:
    query = _editable(user, committee)
    if query is None:
        return []
    meetings = db.session.scalars(
        query.where(Meeting.status == MeetingStatus.PLANNED, Meeting.ends_at <= now)
        .options(joinedload(Meeting.project))
        .order_by(Meeting.starts_at)
        .limit(LIMIT)
    ).all()
    return [
        TodoItem(
            f"Réunion « {meeting.display_title} »{' – ' + meeting.project.name if meeting.project else ''} "
            f"du {_date(meeting, committee)}, passée : présences et compte rendu à compléter.",
            url_for("attendance.page", slug=committee.slug, meeting_id=meeting.id),
            "Noter les présences",
        )
        for meeting in meetings
    ]


def _date(meeting: Meeting, committee) -> str:
    from clas_local.i18n import format_datetime

    return format_datetime(meeting.starts_at, committee.timezone)


def _unanswered(user, committee, upcoming: list[Meeting], now: datetime) -> list[TodoItem]:
    """Meetings of the next two weeks with invited organisations that have not answered (one query)."""
    editable = _editable(user, committee)
    near = [m for m in upcoming if m.status is MeetingStatus.PLANNED and m.starts_at <= now + NEAR]
    if editable is None or not near:
        return []
    own = editable.with_only_columns(Meeting.id).where(Meeting.id.in_([m.id for m in near]))
    pending: dict[int, int] = {}
    # An organisation has answered when it, or one of its people, has: one row per (meeting, organisation).
    for meeting_id, _partner_id, answered in db.session.execute(
        select(Invitation.meeting_id, Invitation.partner_id,
               func.sum(case((Invitation.answer != Answer.PENDING, 1), else_=0)))
        .where(Invitation.meeting_id.in_(own))
        .group_by(Invitation.meeting_id, Invitation.partner_id)
    ):  # fmt: skip
        if not answered:
            pending[meeting_id] = pending.get(meeting_id, 0) + 1
    items = []
    for meeting in near:
        count = pending.get(meeting.id, 0)
        if count:
            organisations = "organisation invitée n'a" if count == 1 else "organisations invitées n'ont"
            items.append(TodoItem(
                f"{meeting.display_title} du {_date(meeting, committee)} : {count} {organisations} pas encore répondu.",
                _meeting_url(committee, meeting, "#invitations-panel"),
                "Voir les réponses et relancer",
            ))
    return items


def _year_projects(user, committee):
    """This year's projects the user acts on (all for the host, its own for a porteur), with
    their figures, and the facts their obligations read (the meetings of a diagnostic or a
    bilan): the two to-do lists below share them."""
    member = permissions.membership(user, committee)
    if member is None or member.role not in (Role.HOST, Role.PORTEUR):
        return [], {}
    if member.role is Role.PORTEUR and member.partner_id is None:
        return [], {}
    projects = compliance.year_projects(committee, current_school_year(committee))
    if member.role is Role.PORTEUR:
        projects = [project for project in projects if project.porteur_id == member.partner_id]
    if not projects:
        return [], {}
    return projects, compliance.load_facts(committee, projects, detail=False, obligations_only=True)


def _obligations_missing(committee, projects, facts) -> list[TodoItem]:
    """The projects with an obligation of the referential missing."""
    items = []
    for project in projects:
        missing = [check for check in evaluate_obligations(facts[project.id]).checks if check.status is Status.MISSING]
        if missing:
            items.append(TodoItem(
                f"{project.name} : {len(missing)} obligation{'s' if len(missing) > 1 else ''} "
                f"à remplir ({', '.join(check.title[:1].lower() + check.title[1:] for check in missing)}).",
                url_for("projects.detail", slug=committee.slug, project_id=project.id) + "#conformite",
                "Voir la liste de vérification",
                "danger",
            ))
        if len(items) >= LIMIT:
            break
    return items


def _bilans_to_enter(committee, projects, facts) -> list[TodoItem]:
    """After the year's bilan meeting with the schools, the porteur's « Bilan d'activité »."""
    held = [
        project for project in projects
        if project.activity_figures is None
        and any(meeting.kind is MeetingKind.BILAN and meeting.held for meeting in facts[project.id].meetings)
    ]  # fmt: skip
    return [
        TodoItem(
            f"{project.name} : la réunion de bilan est tenue, le bilan d'activité de l'année n'est pas encore saisi.",
            url_for("activity.page", slug=committee.slug, project_id=project.id),
            "Saisir le bilan d'activité",
        )
        for project in held[:LIMIT]
    ]


def _setup_counts(committee) -> dict[str, int]:
    """How far a new committee has got, and its failed e-mails, in one query."""
    partners = select(func.count(Partner.id)).where(Partner.committee_id == committee.id)
    row = db.session.execute(select(
        partners.where(Partner.kind.in_(SCHOOL_KINDS)).scalar_subquery().label("schools"),
        partners.where(Partner.kind.in_(TERRITORY_KINDS)).scalar_subquery().label("territory"),
        select(func.count(func.distinct(Project.porteur_id))).where(Project.committee_id == committee.id)
        .scalar_subquery().label("porteurs"),
        select(func.count(Project.id)).where(Project.committee_id == committee.id).scalar_subquery().label("projects"),
        select(func.count(Meeting.id)).where(
            Meeting.committee_id == committee.id, Meeting.kind == MeetingKind.DIAGNOSTIC,
            Meeting.status != MeetingStatus.CANCELLED,
        ).scalar_subquery().label("diagnostics"),
        select(func.count(OutgoingMessage.id)).where(
            OutgoingMessage.committee_id == committee.id, OutgoingMessage.status == MessageStatus.FAILED
        ).scalar_subquery().label("failed_mail"),
    )).one()  # fmt: skip
    return row._asdict()


def _first_steps(committee, counts: dict[str, int]) -> list[FirstStep]:
    slug = committee.slug
    return [
        FirstStep("Importer les écoles du territoire", counts["schools"] > 0,
                  url_for("partners.import_directory", slug=slug), "Importer les établissements",
                  "Depuis l'Annuaire de l'éducation, pour les communes du comité."),
        FirstStep("Ajouter les partenaires du territoire", counts["territory"] > 0,
                  url_for("partners.create", slug=slug), "Ajouter une organisation",
                  "Centres sociaux, associations, PRE, Éducation nationale…"),
        FirstStep("Ajouter les porteurs et leurs membres", counts["territory"] > 0 and counts["porteurs"] > 0,
                  url_for("committees.members", slug=slug), "Inviter un porteur",
                  "Un porteur est une organisation de l'annuaire qui porte un projet Clas."),
        FirstStep("Créer les projets Clas", counts["projects"] > 0,
                  url_for("projects.create", slug=slug), "Créer un projet"),
        FirstStep("Planifier les réunions de diagnostic", counts["diagnostics"] > 0,
                  url_for("meetings.create", slug=slug, kind="diagnostic"), "Planifier un diagnostic",
                  "Avant le démarrage de chaque projet, avec les équipes éducatives."),
    ]


def home_context(user, committee, upcoming: list[Meeting], now: datetime) -> HomeContext:
    context = HomeContext(upcoming=upcoming)
    context.todo += _to_complete(user, committee, now)
    context.todo += _unanswered(user, committee, upcoming, now)
    projects, facts = _year_projects(user, committee)
    context.todo += _obligations_missing(committee, projects, facts)
    context.todo += _bilans_to_enter(committee, projects, facts)
    if permissions.can_manage_committee(user, committee):
        counts = _setup_counts(committee)
        if counts["failed_mail"]:
            count = counts["failed_mail"]
            context.todo.append(TodoItem(
                f"{count} courriel{'s' if count > 1 else ''} n'{'ont' if count > 1 else 'a'} pas pu être "
                f"envoyé{'s' if count > 1 else ''}.",
                url_for("mail.outbox", slug=committee.slug, statut="failed"),
                "Voir les courriels en échec",
                "danger",
            ))
        steps = _first_steps(committee, counts)
        if not all(step.done for step in steps):
            context.first_steps = steps
    return context
