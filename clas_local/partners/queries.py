"""Reads of the directory: the list with its search and filters, a partner's page, a contact's data."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from clas_local.attendance.models import Attendance, Attendee
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting
from clas_local.partners.models import Contact, EducationPrioritaire, Partner, PartnerKind
from clas_local.partners.validation import search_terms
from clas_local.projects.models import Project, ProjectPartner, ProjectSchool
from clas_local.url_numbers import paginate
from clas_local.visibility import visible_meetings, visible_projects

PER_PAGE = 25
EP_FILTERS = {
    "rep": (EducationPrioritaire.REP,),
    "rep_plus": (EducationPrioritaire.REP_PLUS,),
    "any": (EducationPrioritaire.REP, EducationPrioritaire.REP_PLUS),
}
# The directory reads in the order of the kinds' declaration (schools first), then by name.
KIND_ORDER = case(*[(Partner.kind == kind, index) for index, kind in enumerate(PartnerKind)], else_=len(PartnerKind))


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: PartnerKind | None = None
    ep: str = ""  # "", "rep", "rep_plus", "any"

    @classmethod
    def from_args(cls, args) -> DirectoryFilters:
        kind = args.get("kind", "")
        ep = args.get("ep", "")
        return cls(
            q=(args.get("q", "") or "")[:200],
            kind=PartnerKind(kind) if kind in PartnerKind._value2member_map_ else None,
            ep=ep if ep in EP_FILTERS else "",
        )

    def params(self) -> dict[str, str]:
        """The query-string of these filters (for pagination and export links)."""
        values = {"q": self.q, "kind": self.kind.value if self.kind else "", "ep": self.ep}
        return {name: value for name, value in values.items() if value}


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _filtered(committee, filters: DirectoryFilters, *, with_kind: bool = True) -> Select:
    query = select(Partner).where(Partner.committee_id == committee.id)
    for term in search_terms(filters.q):
        query = query.where(Partner.search_text.like(f"%{_like_escape(term)}%", escape="\\"))
    if filters.ep:
        query = query.where(Partner.education_prioritaire.in_(EP_FILTERS[filters.ep]))
    if with_kind and filters.kind is not None:
        query = query.where(Partner.kind == filters.kind)
    return query


def directory(committee, filters: DirectoryFilters) -> Select:
    """The partners matching the filters, in reading order (kind, then name)."""
    return _filtered(committee, filters).order_by(KIND_ORDER, Partner.search_text, Partner.id)


def directory_page(committee, filters: DirectoryFilters, page: int):
    return db.paginate(directory(committee, filters), page=page, per_page=PER_PAGE, error_out=False, count=True)


def kind_counts(committee, filters: DirectoryFilters) -> list[tuple[PartnerKind, int]]:
    """How many partners of each kind match the search (the kind filter aside), in one query."""
    matching = _filtered(committee, filters, with_kind=False).with_only_columns(Partner.kind, func.count())
    rows = dict(db.session.execute(matching.group_by(Partner.kind)).all())
    return [(kind, rows[kind]) for kind in PartnerKind if rows.get(kind)]


# -- a partner's page ---------------------------------------------------------------------


@dataclass
class LinkedProject:
    project: Project
    role: str  # « Porteur », « École partenaire », « Partenaire du territoire »
    detail: str = ""


def linked_projects(user, partner: Partner) -> list[LinkedProject]:
    """Projects the partner holds, or works with as a school or a territory partner.

    One query: the projects' school and territory links are joined in, filtered to this
    partner (at most one row of each per project, so the join cannot multiply rows)."""
    school_links = Project.schools.and_(ProjectSchool.partner_id == partner.id)
    territory_links = Project.territory_partners.and_(ProjectPartner.partner_id == partner.id)
    projects = db.session.scalars(
        visible_projects(user, partner.committee)
        .where(
            or_(
                Project.porteur_id == partner.id,
                Project.id.in_(select(ProjectSchool.project_id).where(ProjectSchool.partner_id == partner.id)),
                Project.id.in_(select(ProjectPartner.project_id).where(ProjectPartner.partner_id == partner.id)),
            )
        )
        .options(
            joinedload(school_links).joinedload(ProjectSchool.referent_contact),
            joinedload(territory_links),
        )
        .order_by(Project.school_year.desc(), Project.name)
        .execution_options(populate_existing=True)
    ).unique().all()
    linked = []
    for project in projects:
        if project.porteur_id == partner.id:
            linked.append(LinkedProject(project, "Porteur du projet"))
        for school in project.schools:
            referent = school.referent_contact.display_name if school.referent_contact else "aucun référent"
            linked.append(LinkedProject(project, "École ou établissement partenaire", f"Référent : {referent}"))
        for link in project.territory_partners:
            linked.append(LinkedProject(project, "Partenaire du territoire", link.relation))
    # The collections above hold only this partner's links: never let them be taken for whole ones.
    for project in projects:
        db.session.expire(project, ["schools", "territory_partners"])
    return linked


@dataclass
class MeetingRecord:
    meeting: Meeting
    invitations: list[Invitation]
    attendance: Attendance | None


def meeting_history(user, partner: Partner):
    """The meetings the partner was invited to or attended, newest first, one page of them (the
    query string's `page`), each with the answers and the attendance: four queries whatever the
    number of meetings. `.items` holds the MeetingRecords."""
    invited = select(Invitation.meeting_id).where(Invitation.partner_id == partner.id)
    attended = select(Attendance.meeting_id).where(Attendance.partner_id == partner.id)
    history = paginate(
        visible_meetings(user, partner.committee)
        .where(or_(Meeting.id.in_(invited), Meeting.id.in_(attended)))
        .options(joinedload(Meeting.project))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc()),
        PER_PAGE,
    )
    ids = [meeting.id for meeting in history.items]
    invitations: dict[int, list[Invitation]] = {}
    attendances: dict[int, Attendance] = {}
    if ids:
        for invitation in db.session.scalars(
            select(Invitation)
            .where(Invitation.partner_id == partner.id, Invitation.meeting_id.in_(ids))
            .options(joinedload(Invitation.contact))
            .order_by(Invitation.contact_id.is_not(None), Invitation.id)
        ):
            invitations.setdefault(invitation.meeting_id, []).append(invitation)
        for attendance in db.session.scalars(
            select(Attendance)
            .where(Attendance.partner_id == partner.id, Attendance.meeting_id.in_(ids))
            .options(joinedload(Attendance.people).joinedload(Attendee.contact))
        ).unique():
            attendances[attendance.meeting_id] = attendance
    history.items = [MeetingRecord(m, invitations.get(m.id, []), attendances.get(m.id)) for m in history.items]
    return history


# -- a contact's personal data (RGPD right of access) -------------------------------------


def contact_personal_data(contact: Contact) -> dict:
    """Everything stored about this person, as plain data for a JSON or CSV download."""
    partner = contact.partner
    timezone_name = partner.committee.timezone

    def when(value):
        return value.isoformat() if value else None

    invitations = db.session.scalars(
        select(Invitation)
        .where(Invitation.contact_id == contact.id)
        .options(selectinload(Invitation.meeting).selectinload(Meeting.project))
        .order_by(Invitation.id)
    ).all()
    attendees = db.session.scalars(
        select(Attendee)
        .where(Attendee.contact_id == contact.id)
        .options(selectinload(Attendee.attendance).selectinload(Attendance.meeting).selectinload(Meeting.project))
        .order_by(Attendee.id)
    ).all()
    coordinated = db.session.scalars(select(Project).where(Project.coordinator_id == contact.id)).all()
    referent_of = db.session.scalars(
        select(ProjectSchool).where(ProjectSchool.referent_contact_id == contact.id).options(
            selectinload(ProjectSchool.project)
        )
    ).all()

    def meeting_data(meeting: Meeting) -> dict:
        return {
            "reunion": meeting.title or meeting.kind.label,
            "type": meeting.kind.label,
            "projet": meeting.project.name if meeting.project else "Comité local",
            "debut": when(meeting.starts_at),
            "fin": when(meeting.ends_at),
            "fuseau_horaire": timezone_name,
            "statut": meeting.status.label,
        }

    return {
        "contact": {
            "identifiant": contact.id,
            "nom": contact.full_name,
            "fonction": contact.function,
            "email": contact.email,
            "telephone": contact.phone,
            "organisation": partner.name,
            "comite": partner.committee.name,
            "cree_le": when(contact.created_at),
            "modifie_le": when(contact.updated_at),
            "anonymise_le": when(contact.anonymised_at),
        },
        "invitations": [
            {
                **meeting_data(invitation.meeting),
                "reponse": invitation.answer.label,
                "repondu_le": when(invitation.answered_at),
                "canal": invitation.answer_channel.label if invitation.answer_channel else None,
                "commentaire": invitation.comment,
                "dernier_envoi": when(invitation.last_sent_at),
            }
            for invitation in invitations
        ],
        "presences": [
            {
                **meeting_data(attendee.attendance.meeting),
                "presence": attendee.attendance.presence.label,
                "nom_note": attendee.full_name,
                "fonction_notee": attendee.function,
            }
            for attendee in attendees
        ],
        "projets": [
            {"projet": project.name, "annee_scolaire": project.school_year, "role": "Coordinateur ou coordinatrice"}
            for project in coordinated
        ]
        + [
            {"projet": link.project.name, "annee_scolaire": link.project.school_year, "role": "Référent de l'école"}
            for link in referent_of
        ],
    }
