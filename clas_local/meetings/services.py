"""Writes for meetings: plan, change, cancel, mark held, and the guest list.

The guest list is the invitation table: this module is the only one that adds or removes
its rows (an invited organisation, a person of it who gets their own answer link);
invitations/services.py records what happens to each row (sent, answered, reminded).

SEQUENCE (RFC 5545) rises by one on a *material* change — start, end, place, online
link, or cancellation — so calendar clients replace their copy; other edits (title,
agenda, invitees) keep it, so nobody is sent a pointless update. Each function records
an audit event and sends `signals.meeting_changed` before the view's single commit,
so that other domains (invitation e-mails) add their rows to the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select, update

from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import PROJECTLESS_KINDS, Meeting, MeetingKind, MeetingStatus
from clas_local.signals import invitees_removed, meeting_changed

# Changing one of these changes what a calendar shows: SEQUENCE rises.
MATERIAL_FIELDS = ("starts_at", "ends_at", "place", "online_url")
OTHER_FIELDS = ("title", "agenda", "kind", "project")
EDITABLE_FIELDS = MATERIAL_FIELDS + OTHER_FIELDS


class MeetingError(ValueError):
    """A change that cannot be made, with the French reason."""


def _check_times(starts_at: datetime, ends_at: datetime) -> None:
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise ValueError("naive datetime: give time-zone aware start and end")
    if ends_at <= starts_at:
        raise MeetingError("La fin de la réunion doit venir après son début.")


def _check_project(committee, kind: MeetingKind, project) -> None:
    if project is not None and project.committee_id != committee.id:
        raise MeetingError("Ce projet n'appartient pas à ce comité.")
    if project is None and kind not in PROJECTLESS_KINDS:
        raise MeetingError(f"Une réunion de {kind.label.lower()} concerne un projet : choisissez-le.")


def _invited_partner_ids(meeting: Meeting) -> set[int]:
    if meeting.id is None:
        return set()
    return set(
        db.session.scalars(
            select(Invitation.partner_id).where(Invitation.meeting_id == meeting.id, Invitation.contact_id.is_(None))
        )
    )


def set_invited_partners(meeting: Meeting, partner_ids: Iterable[int]) -> tuple[set[int], set[int]]:
    """Make the partner-level invitations (contact None) exactly `partner_ids`.

    A partner no longer invited loses its invitation rows, the per-contact ones too
    (its people are no longer expected). Returns (added, removed) partner ids."""
    from clas_local.partners.models import Partner

    wanted = set(partner_ids)
    if wanted:
        valid = set(
            db.session.scalars(
                select(Partner.id).where(Partner.id.in_(wanted), Partner.committee_id == meeting.committee_id)
            )
        )
        if valid != wanted:
            raise MeetingError("Une des organisations choisies n'est pas dans l'annuaire de ce comité.")
    current = _invited_partner_ids(meeting)
    added, removed = wanted - current, current - wanted
    for partner_id in sorted(added):
        db.session.add(Invitation(meeting=meeting, partner_id=partner_id, contact_id=None))
    if removed:
        leaving = db.session.scalars(
            select(Invitation).where(Invitation.meeting_id == meeting.id, Invitation.partner_id.in_(removed))
        ).all()
        if any(invitation.sent_sequence is not None for invitation in leaving):
            # The CANCEL those people receive must outrank the REQUEST they hold (RFC 5546
            # §3.2.5), and a later re-invitation must outrank that CANCEL: a new SEQUENCE.
            _bump_sequence(meeting)
            db.session.flush()
        invitees_removed.send(meeting, invitations=leaving)
        db.session.execute(
            delete(Invitation)
            .where(Invitation.meeting_id == meeting.id, Invitation.partner_id.in_(removed))
            .execution_options(synchronize_session="fetch")
        )
        db.session.expire(meeting, ["invitations"])
    return added, removed


def invite_contact(meeting: Meeting, contact) -> Invitation:
    """A person of an invited organisation gets an invitation of their own (their answer link)."""
    invitation = Invitation(meeting=meeting, partner_id=contact.partner_id, contact=contact)
    db.session.add(invitation)
    return invitation


def create_meeting(
    committee,
    *,
    kind: MeetingKind,
    starts_at: datetime,
    ends_at: datetime,
    project=None,
    title: str = "",
    place: str = "",
    online_url: str = "",
    agenda: str = "",
    partner_ids: Iterable[int] = (),
    created_by=None,
) -> Meeting:
    _check_times(starts_at, ends_at)
    _check_project(committee, kind, project)
    meeting = Meeting(
        committee=committee,
        project=project,
        kind=kind,
        title=title.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
        agenda=agenda.strip(),
        status=MeetingStatus.PLANNED,
        sequence=0,
        created_by_id=getattr(created_by, "id", None),
    )
    db.session.add(meeting)
    db.session.flush()
    set_invited_partners(meeting, partner_ids)
    db.session.flush()
    record("meeting.created", meeting, committee=committee, summary=f"{meeting.display_title} planifiée")
    meeting_changed.send(meeting, created=True, material=False, cancelled=False)
    return meeting


def _bump_sequence(meeting: Meeting) -> None:
    # An SQL increment: two concurrent edits each raise it, neither is lost.
    meeting.sequence = Meeting.sequence + 1


def update_meeting(meeting: Meeting, *, partner_ids: Iterable[int] | None = None, **changes) -> bool:
    """Apply `changes` (fields of EDITABLE_FIELDS); return True when the change was material."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {', '.join(sorted(unknown))}")
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError("Cette réunion est annulée : elle ne peut plus être modifiée.")
    for name in ("title", "place", "online_url", "agenda"):
        if name in changes and changes[name] is not None:
            changes[name] = changes[name].strip()
    starts_at = changes.get("starts_at", meeting.starts_at)
    ends_at = changes.get("ends_at", meeting.ends_at)
    _check_times(starts_at, ends_at)
    _check_project(meeting.committee, changes.get("kind", meeting.kind), changes.get("project", meeting.project))
    changed = [name for name, value in changes.items() if getattr(meeting, name) != value]
    what_changed = describe_changes(meeting, {name: changes[name] for name in changed})
    for name in changed:
        setattr(meeting, name, changes[name])
    material = any(name in MATERIAL_FIELDS for name in changed)
    invitees_changed = False
    if partner_ids is not None:
        added, removed = set_invited_partners(meeting, partner_ids)
        invitees_changed = bool(added or removed)
    if material:
        _bump_sequence(meeting)
    db.session.flush()
    if changed or invitees_changed:
        what = ", ".join(changed + (["invités"] if invitees_changed else []))
        record("meeting.updated", meeting, committee=meeting.committee, summary=f"{meeting.display_title} : {what}",
               material=material)
        meeting_changed.send(meeting, created=False, material=material, cancelled=False, changes=what_changed,
                             rescheduled=bool({"starts_at", "ends_at"} & set(changed)))
    return material


def describe_changes(meeting: Meeting, new: dict) -> list[tuple[str, str, str]]:
    """What a material change changes, in the invitees' words: (what, before, now), so that the
    update e-mail gives the old and the new date (or place, or link)."""
    from clas_local.i18n import format_time_range

    tz = meeting.committee.timezone
    lines = []
    if "starts_at" in new or "ends_at" in new:
        before = format_time_range(meeting.starts_at, meeting.ends_at, tz)
        after = format_time_range(new.get("starts_at", meeting.starts_at), new.get("ends_at", meeting.ends_at), tz)
        if before != after:
            lines.append(("Date", before, after))
    for name, label in (("place", "Lieu"), ("online_url", "Lien de la réunion en ligne")):
        if name in new:
            lines.append((label, getattr(meeting, name) or "aucun", new[name] or "aucun"))
    return lines


def cancel_meeting(meeting: Meeting, reason: str = "") -> None:
    """Cancel: the meeting stays (history, feeds as STATUS:CANCELLED) with a higher SEQUENCE."""
    if meeting.status is MeetingStatus.CANCELLED:
        raise MeetingError("Cette réunion est déjà annulée.")
    if meeting.status is MeetingStatus.HELD:
        raise MeetingError("Cette réunion a eu lieu : elle ne peut plus être annulée.")
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancelled_at = utcnow()
    _bump_sequence(meeting)
    db.session.flush()
    record("meeting.cancelled", meeting, committee=meeting.committee,
           summary=f"{meeting.display_title} annulée" + (f" : {reason.strip()}" if reason.strip() else ""))
    meeting_changed.send(meeting, created=False, material=True, cancelled=True, reason=reason.strip())


def mark_held(meeting: Meeting) -> bool:
    """The meeting took place (attendance recorded). SEQUENCE stays: calendars show it as
    before (STATUS:CONFIRMED), nobody needs an update. Returns True when it changed."""
    if meeting.status is not MeetingStatus.PLANNED:
        return False
    # Conditional UPDATE: two concurrent attendance entries do not both mark it.
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.PLANNED)
        .values(status=MeetingStatus.HELD, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(meeting, ["status", "updated_at"])
    if not result.rowcount:
        return False
    record("meeting.held", meeting, committee_id=meeting.committee_id, summary=f"{meeting.display_title} tenue")
    meeting_changed.send(meeting, created=False, material=False, cancelled=False)
    return True


def mark_planned(meeting: Meeting) -> bool:
    """Every attendance entry was taken back: the meeting is « prévue » again (« à compléter »
    once over), as nothing says any more that it took place. Returns True when it changed."""
    if meeting.status is not MeetingStatus.HELD:
        return False
    result = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.status == MeetingStatus.HELD)
        .values(status=MeetingStatus.PLANNED, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(meeting, ["status", "updated_at"])
    if not result.rowcount:
        return False
    record("meeting.reopened", meeting, committee_id=meeting.committee_id,
           summary=f"{meeting.display_title} : plus aucune présence notée, de nouveau prévue")
    meeting_changed.send(meeting, created=False, material=False, cancelled=False)
    return True
