"""Who sees what, as SQL: the twins of the *view* rules of permissions.py.

Lists, searches and feeds filter in the database instead of loading every row and asking
permissions.can_view_* of each. Each function here says the same as its rule, for every
role (tests/security/test_visibility.py checks that they agree); change both together.
"""

from __future__ import annotations

from sqlalchemy import Select, false, or_, select

from clas_local import permissions
from clas_local.auth.models import Role
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting
from clas_local.projects.models import Project


def visible_projects(user, committee) -> Select:
    """select(Project) restricted to what `user` may see: permissions.can_view_project."""
    query = select(Project).where(Project.committee_id == committee.id)
    member = permissions.membership(user, committee)
    if member is None:
        return query.where(false())
    if member.role in (Role.HOST, Role.VIEWER):
        return query
    if member.role is Role.PORTEUR and member.partner_id is not None:
        return query.where(Project.porteur_id == member.partner_id)
    return query.where(false())


def visible_meetings(user, committee) -> Select:
    """select(Meeting) restricted to the meetings `user` may see in `committee`: permissions.can_view_meeting."""
    query = select(Meeting).where(Meeting.committee_id == committee.id)
    member = permissions.membership(user, committee)
    if member is None:
        return query.where(false())
    if member.role in (Role.HOST, Role.VIEWER):
        return query
    if member.role is Role.PORTEUR:
        own_projects = select(Project.id).where(
            Project.committee_id == committee.id, Project.porteur_id == member.partner_id
        )
        return query.where(or_(Meeting.project_id.is_(None), Meeting.project_id.in_(own_projects)))
    if member.role is Role.SCHOOL and member.partner_id is not None:
        invited = select(Invitation.meeting_id).where(Invitation.partner_id == member.partner_id)
        return query.where(Meeting.id.in_(invited))
    return query.where(false())
