"""Who may do what. Every rule about *who may* lives here; views only call these.

A user's role is per committee (Membership). Porteurs act on the projects their
organisation holds; school users see the meetings their school is invited to;
viewers read everything in the committee; hosts do everything in it. School users
see, of those meetings, their own school's invitations and attendance and the minutes
(not the other organisations' people, nor evidence files). The
instance admin creates committees and appoints hosts, and sees no committee's
content without a membership.

A department user (DepartmentAccess: a CAF conseiller, the secrétariat of the comité
départemental) is a member of no committee: in each committee of their département they get a
transient *viewer* membership (never added to the session), so that every read rule, the SQL
twins of visibility.py and every write refusal hold for them as for a viewer; committees of
other départements stay invisible (404). What they write is department-level only.
"""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from clas_local.auth.models import Membership, Role, User
from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.partners.models import TERRITORY_KINDS, Partner, PartnerKind


def membership(user: User | None, committee: Committee) -> Membership | None:
    """The user's membership in the committee, looked up once per request; for a department
    user in a committee of their département, a read-only viewer membership of the moment."""
    if user is None or not user.is_authenticated:
        return None
    cache: dict = g.setdefault("_memberships", {})
    key = (user.id, committee.id)
    if key not in cache:
        found = db.session.scalar(
            select(Membership).where(Membership.user_id == user.id, Membership.committee_id == committee.id)
        )
        if found is None and committee.departement_code and department_code(user) == committee.departement_code:
            # Ids and the committee only: setting `user` would append it to user.memberships and
            # the cascade would save it.
            found = Membership(user_id=user.id, committee_id=committee.id, committee=committee, role=Role.VIEWER)
        cache[key] = found
    return cache[key]


def department_access(user: User | None):
    """The user's DepartmentAccess, or None (loaded with the signed-in user: no query)."""
    if user is None or not user.is_authenticated:
        return None
    return user.department_access


def department_code(user: User | None) -> str | None:
    """The département whose committees the user reads as a department user, or None."""
    access = department_access(user)
    return access.departement_code if access is not None else None


def role(user: User | None, committee: Committee) -> Role | None:
    found = membership(user, committee)
    return found.role if found else None


def _partner_id(user: User | None, committee: Committee) -> int | None:
    found = membership(user, committee)
    return found.partner_id if found else None


# -- instance ----------------------------------------------------------------------------


def can_manage_accounts(user: User | None) -> bool:
    """List accounts, disable and re-enable them, send them a password link: the instance admin."""
    return user is not None and user.is_authenticated and user.is_admin


# -- département --------------------------------------------------------------------------


def can_view_department(user: User | None, code: str) -> bool:
    """The department pages of a code: its department users only (the admin sees no content)."""
    return code is not None and department_code(user) == code


def can_record_for_department(user: User | None, committee: Committee) -> bool:
    """Field visits and difficulties, about a committee of the user's département: the
    department-level writes, the only ones a department user makes."""
    return bool(committee.departement_code) and department_code(user) == committee.departement_code


# -- committee ---------------------------------------------------------------------------


def can_view_committee(user: User | None, committee: Committee) -> bool:
    return role(user, committee) is not None


def can_manage_committee(user: User | None, committee: Committee) -> bool:
    """Members, settings, imports: the host's work."""
    return role(user, committee) is Role.HOST


def can_view_dashboard(user: User | None, committee: Committee) -> bool:
    return role(user, committee) in (Role.HOST, Role.VIEWER)


def can_view_audit(user: User | None, committee: Committee) -> bool:
    return role(user, committee) is Role.HOST


# -- directory ---------------------------------------------------------------------------


def can_view_directory(user: User | None, committee: Committee) -> bool:
    return role(user, committee) in (Role.HOST, Role.PORTEUR, Role.VIEWER)


def can_create_partner(user: User | None, committee: Committee, kind: PartnerKind | None = None) -> bool:
    """Hosts add any partner; porteurs add the territory partners of their projects."""
    current = role(user, committee)
    if current is Role.HOST:
        return True
    return current is Role.PORTEUR and (kind is None or kind in TERRITORY_KINDS)


def can_edit_partner(user: User | None, partner: Partner) -> bool:
    return role(user, partner.committee) is Role.HOST


# -- projects ----------------------------------------------------------------------------


def is_project_porteur(user: User | None, project) -> bool:
    committee = project.committee
    return role(user, committee) is Role.PORTEUR and _partner_id(user, committee) == project.porteur_id


def can_view_project(user: User | None, project) -> bool:
    current = role(user, project.committee)
    return current in (Role.HOST, Role.VIEWER) or is_project_porteur(user, project)


def can_edit_project(user: User | None, project) -> bool:
    return role(user, project.committee) is Role.HOST or is_project_porteur(user, project)


def can_create_project(user: User | None, committee: Committee) -> bool:
    return role(user, committee) in (Role.HOST, Role.PORTEUR)


# -- activity figures (the project's « Bilan d'activité ») ------------------------------------


def can_view_activity(user: User | None, project) -> bool:
    """Whoever reads the project reads its figures and qualitative bilan (not schools)."""
    return can_view_project(user, project)


def can_edit_activity(user: User | None, project) -> bool:
    """The project's porteur enters them; the host may correct them."""
    return role(user, project.committee) is Role.HOST or is_project_porteur(user, project)


# -- meetings ----------------------------------------------------------------------------


def can_view_meeting(user: User | None, meeting) -> bool:
    committee = meeting.committee
    current = role(user, committee)
    if current in (Role.HOST, Role.VIEWER):
        return True
    if current is Role.PORTEUR:
        # Their projects' meetings, and the comité local meetings they take part in.
        return meeting.project is None or is_project_porteur(user, meeting.project)
    if current is Role.SCHOOL:
        school_id = _partner_id(user, committee)
        return school_id is not None and any(inv.partner_id == school_id for inv in meeting.invitations)
    return False


def can_edit_meeting(user: User | None, meeting) -> bool:
    """Plan, change, invite, record attendance, write minutes, file evidence."""
    committee = meeting.committee
    if role(user, committee) is Role.HOST:
        return True
    return meeting.project is not None and is_project_porteur(user, meeting.project)


def can_create_meeting(user: User | None, committee: Committee, project=None) -> bool:
    if role(user, committee) is Role.HOST:
        return True
    return project is not None and is_project_porteur(user, project)


def can_plan_meetings(user: User | None, committee: Committee) -> bool:
    """May open the « new meeting » form: hosts, and porteurs (for their own projects)."""
    return role(user, committee) in (Role.HOST, Role.PORTEUR)


def own_organisation_only(user: User | None, committee: Committee) -> int | None:
    """A school user sees, of a meeting's invitations and attendance, their own school's
    rows only (data minimisation: the other organisations' people are none of their
    business): that school's id. None: the user sees every organisation."""
    if role(user, committee) is Role.SCHOOL:
        return _partner_id(user, committee) or -1
    return None


def can_view_meeting_evidence(user: User | None, meeting) -> bool:
    """Evidence files (signed sign-in sheets name and sign for everyone present): not for schools."""
    return can_view_meeting(user, meeting) and role(user, meeting.committee) is not Role.SCHOOL


def can_answer_invitation(user: User | None, invitation) -> bool:
    """A school user answers for their own school's invitations."""
    committee = invitation.meeting.committee
    return role(user, committee) is Role.SCHOOL and _partner_id(user, committee) == invitation.partner_id


def can_answer_for_school(user: User | None, committee: Committee) -> bool:
    """School users have a page listing their school's invitations, to answer them."""
    return role(user, committee) is Role.SCHOOL and _partner_id(user, committee) is not None


# -- evidence ----------------------------------------------------------------------------


def can_delete_evidence(user: User | None, evidence) -> bool:
    committee = evidence.committee
    if role(user, committee) is Role.HOST:
        return True
    return user is not None and user.is_authenticated and evidence.uploaded_by_id == user.id


def can_view_evidence(user: User | None, evidence) -> bool:
    if evidence.meeting is not None:
        return can_view_meeting_evidence(user, evidence.meeting)
    return evidence.project is not None and can_view_project(user, evidence.project)
