"""Every model, imported in one place for Alembic and the app factory."""

from clas_local.activity.models import ActivityFigures
from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.audit.models import AuditEvent
from clas_local.auth.models import LoginThrottle, Membership, Role, User
from clas_local.calendar.models import CalendarFeed
from clas_local.committees.models import Committee, HolidayZone
from clas_local.department.models import DepartmentAccess, DepartmentFunction, Difficulty, FieldVisit
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.mail.models import MessageKind, MessageStatus, OutgoingMessage
from clas_local.meetings.models import KEY_MOMENTS, Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import (
    SCHOOL_KINDS,
    TERRITORY_KINDS,
    Contact,
    EducationPrioritaire,
    Partner,
    PartnerKind,
    Sector,
)
from clas_local.replies.models import RejectedReply, RejectionReason
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

__all__ = [
    "KEY_MOMENTS",
    "ActivityFigures",
    "SCHOOL_KINDS",
    "TERRITORY_KINDS",
    "Answer",
    "AnswerChannel",
    "Attendance",
    "Attendee",
    "AuditEvent",
    "CalendarFeed",
    "Collectif",
    "Committee",
    "Contact",
    "DepartmentAccess",
    "DepartmentFunction",
    "Difficulty",
    "FieldVisit",
    "EducationPrioritaire",
    "EvidenceFile",
    "EvidenceKind",
    "HolidayZone",
    "Invitation",
    "LoginThrottle",
    "Meeting",
    "MeetingKind",
    "MeetingStatus",
    "Membership",
    "MessageKind",
    "MessageStatus",
    "Minutes",
    "OutgoingMessage",
    "Partner",
    "PartnerKind",
    "Presence",
    "Project",
    "ProjectPartner",
    "ProjectSchool",
    "RejectedReply",
    "RejectionReason",
    "Role",
    "SchoolHolidayPeriod",
    "Sector",
    "User",
]
