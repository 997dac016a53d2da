"""Reads of meetings, always filtered to what the user may see."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import selectinload

from clas_local import permissions
from clas_local.auth.models import Role
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingStatus
from clas_local.projects.models import Project


def visible_meetings(user, committee) -> Select:
    """select(Meeting) restricted to the meetings `user` may see in `committee`.

    The same rule as permissions.can_view_meeting, written as SQL so lists and feeds
    filter in the database instead of loading everything and checking each row.
    """
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


def upcoming_meetings(user, committee, now: datetime, limit: int = 10) -> Select:
    return (
        visible_meetings(user, committee)
        .where(Meeting.ends_at >= now, Meeting.status != MeetingStatus.CANCELLED)
        .options(selectinload(Meeting.project))
        .order_by(Meeting.starts_at)
        .limit(limit)
    )
