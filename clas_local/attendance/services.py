"""Writes: presence per organisation, the people present, uninvited attendees, the minutes.

Recording any of it makes the meeting « tenue », once it has started (not before). Switching an
organisation from « Présent » to « Excusé » or « Absent » keeps the names entered (they show again
when it is switched back); taking it back to « non renseignée » removes its row, and a meeting left
with no attendance at all is « prévue » again. Only adults are ever named: the
people present are partners' staff; children appear nowhere, not even as a count here.
"""

from __future__ import annotations

from datetime import datetime

from flask import render_template
from sqlalchemy import exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.audit.services import record
from clas_local.db import utcnow
from clas_local.extensions import db
from clas_local.i18n import format_datetime, format_time_range
from clas_local.invitations.models import Invitation
from clas_local.mail import services as mail
from clas_local.mail.models import MessageKind, OutgoingMessage
from clas_local.meetings import services as meetings
from clas_local.meetings.models import Meeting, MeetingKind, MeetingStatus, Minutes
from clas_local.partners.models import Contact, Partner, contact_reference
from clas_local.text import one_line


class AttendanceError(ValueError):
    """A change that cannot be made; the message is French and shown to the user."""


CANCELLED_MESSAGE = "Cette réunion est annulée : on ne peut pas y enregistrer de présences."


def not_started_message(meeting: Meeting) -> str:
    when = format_datetime(meeting.starts_at, meeting.committee.timezone)
    return f"Cette réunion n'a pas encore commencé : les présences pourront être notées à partir du {when}."


def can_record(meeting: Meeting, now: datetime | None = None) -> bool:
    """Attendance may be recorded: the meeting is not cancelled and has started."""
    return meeting.status is not MeetingStatus.CANCELLED and meeting.starts_at <= (now or utcnow())


def _check_open(meeting: Meeting) -> None:
    if meeting.status is MeetingStatus.CANCELLED:
        raise AttendanceError(CANCELLED_MESSAGE)
    if meeting.starts_at > utcnow():
        # A meeting that has not started cannot have been held.
        raise AttendanceError(not_started_message(meeting))


def _mark_held(meeting: Meeting) -> None:
    """Recording attendance means the meeting took place (no SEQUENCE change: nothing to resend)."""
    meetings.mark_held(meeting)


def _is_invited(meeting: Meeting, partner: Partner) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(Invitation.meeting_id == meeting.id, Invitation.partner_id == partner.id))
        )
    )


def _upsert_partner_attendance(meeting: Meeting, partner: Partner, presence: Presence, invited: bool) -> int:
    """Insert or update the (meeting, partner) row in one statement; returns its id.

    INSERT … ON CONFLICT DO UPDATE on the partial unique index uq_attendance_meeting_partner:
    concurrent requests (several workers) never lose an update nor hit the unique index.
    """
    now = utcnow()
    dialect = db.session.get_bind().dialect.name
    values = {
        "meeting_id": meeting.id,
        "partner_id": partner.id,
        "organisation_label": "",
        "presence": presence,
        "invited": invited,
        "created_at": now,
        "updated_at": now,
    }
    if dialect not in ("sqlite", "postgresql"):  # pragma: no cover - only SQLite and PostgreSQL are supported
        return _portable_upsert(values)
    insert = sqlite.insert if dialect == "sqlite" else postgresql.insert
    statement = insert(Attendance).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[Attendance.meeting_id, Attendance.partner_id],
        index_where=Attendance.partner_id.is_not(None),
        set_={"presence": statement.excluded.presence, "updated_at": statement.excluded.updated_at},
    ).returning(Attendance.id)
    return db.session.execute(statement).scalar_one()


def _portable_upsert(values: dict) -> int:  # pragma: no cover - fallback for other engines
    """Update, else insert; an insert that loses a race (IntegrityError) retries as an update."""
    from sqlalchemy.exc import IntegrityError

    criteria = (Attendance.meeting_id == values["meeting_id"], Attendance.partner_id == values["partner_id"])
    changes = {"presence": values["presence"], "updated_at": values["updated_at"]}
    for _attempt in range(3):
        if db.session.execute(update(Attendance).where(*criteria).values(**changes)).rowcount:
            return db.session.scalar(select(Attendance.id).where(*criteria))
        try:
            with db.session.begin_nested():
                db.session.execute(Attendance.__table__.insert().values(**values))
            return db.session.scalar(select(Attendance.id).where(*criteria))
        except IntegrityError:
            continue  # another request inserted it first: update that row instead
    raise RuntimeError("attendance upsert kept conflicting")


def _fresh_attendance(attendance_id: int) -> Attendance:
    """The row as just written, with its organisation and people (one query)."""
    return (
        db.session.scalars(
            select(Attendance)
            .where(Attendance.id == attendance_id)
            # Not the partner: the caller holds it (with its contacts) and a refresh would drop them.
            .options(joinedload(Attendance.people).joinedload(Attendee.contact))
            .execution_options(populate_existing=True)
        )
        .unique()
        .one()
    )


def set_partner_presence(
    meeting: Meeting, partner: Partner, presence: Presence, *, invited: bool | None = None
) -> Attendance:
    """Mark a directory organisation present / excused / absent at the meeting.

    `invited`: whether the organisation has an invitation, when the caller already knows.
    """
    _check_open(meeting)
    if invited is None:
        invited = _is_invited(meeting, partner)
    # The people entered stay: an excused organisation shows none (Attendance.present_people),
    # and switching it back to « Présent » brings them back.
    attendance_id = _upsert_partner_attendance(meeting, partner, presence, invited)
    attendance = _fresh_attendance(attendance_id)
    record(
        "attendance.set",
        attendance,
        committee_id=meeting.committee_id,
        summary=f"{partner.name} : {presence.label}",
        meeting_id=meeting.id,
        partner_id=partner.id,
        presence=presence.value,
    )
    _mark_held(meeting)
    return attendance


def set_presence(attendance: Attendance, presence: Presence) -> Attendance:
    meeting = attendance.meeting
    _check_open(meeting)
    attendance.presence = presence  # the people entered stay (see set_partner_presence)
    record(
        "attendance.set",
        attendance,
        committee_id=meeting.committee_id,
        summary=f"{attendance.organisation_name} : {presence.label}",
        meeting_id=meeting.id,
        presence=presence.value,
    )
    _mark_held(meeting)
    return attendance


def clear_partner_presence(meeting: Meeting, partner: Partner) -> bool:
    """Back to « non renseignée »: the organisation's row goes, with the people entered.
    A meeting left with no attendance at all is planned again. Returns True when a row went."""
    _check_open(meeting)
    attendance = db.session.scalar(
        select(Attendance).where(Attendance.meeting_id == meeting.id, Attendance.partner_id == partner.id)
    )
    if attendance is None:
        return False
    record(
        "attendance.clear",
        attendance,
        committee_id=meeting.committee_id,
        summary=f"{partner.name} : non renseignée",
        meeting_id=meeting.id,
        partner_id=partner.id,
    )
    db.session.delete(attendance)
    db.session.flush()
    _reopen_if_empty(meeting)
    return True


def _reopen_if_empty(meeting: Meeting) -> None:
    if not db.session.scalar(select(exists().where(Attendance.meeting_id == meeting.id))):
        meetings.mark_planned(meeting)


def _audit_name(person: Attendee, attendance: Attendance) -> str:
    """A known contact by reference (anonymising them must leave no name in the log)."""
    if person.contact is not None:
        return contact_reference(person.contact)
    return f"{person.display_name} ({attendance.organisation_name})"


def add_person(attendance: Attendance, *, contact: Contact | None = None, full_name: str = "", function: str = "") -> Attendee:
    """Someone present for this organisation: one of its known contacts, or a free name and function."""
    meeting = attendance.meeting
    _check_open(meeting)
    if contact is not None:
        if attendance.partner_id is None or contact.partner_id != attendance.partner_id:
            raise AttendanceError("Cette personne n'appartient pas à cette organisation.")
        if contact.anonymised_at is not None:
            raise AttendanceError("Ce contact a été anonymisé.")
        if any(person.contact_id == contact.id for person in attendance.people):
            raise AttendanceError(f"{contact.display_name} est déjà noté·e présent·e.")
        person = Attendee(contact=contact, full_name="", function=contact.function)
    else:
        full_name, function = full_name.strip(), function.strip()
        if not full_name:
            raise AttendanceError("Indiquez le nom de la personne présente, ou choisissez un contact connu.")
        person = Attendee(full_name=full_name, function=function)
    attendance.people.append(person)
    attendance.presence = Presence.PRESENT
    db.session.flush()
    record(
        "attendee.add",
        person,
        committee_id=meeting.committee_id,
        summary=_audit_name(person, attendance),
        meeting_id=meeting.id,
    )
    _mark_held(meeting)
    return person


def remove_person(attendee: Attendee) -> Attendance:
    attendance = attendee.attendance
    meeting = attendance.meeting
    _check_open(meeting)
    record(
        "attendee.remove",
        attendee,
        committee_id=meeting.committee_id,
        summary=_audit_name(attendee, attendance),
        meeting_id=meeting.id,
    )
    attendance.people.remove(attendee)
    db.session.flush()
    return attendance


def add_uninvited(
    meeting: Meeting,
    *,
    partner: Partner | None = None,
    organisation_label: str = "",
    full_name: str = "",
    function: str = "",
) -> Attendance:
    """An organisation that came without an invitation: from the directory, or just a label."""
    _check_open(meeting)
    if partner is not None:
        attendance = set_partner_presence(meeting, partner, Presence.PRESENT)
    else:
        organisation_label = organisation_label.strip()
        if not organisation_label:
            raise AttendanceError("Choisissez une organisation de l'annuaire ou écrivez son nom.")
        attendance = Attendance(
            meeting=meeting, partner=None, organisation_label=organisation_label,
            presence=Presence.PRESENT, invited=False,
        )
        db.session.add(attendance)
        db.session.flush()
        record(
            "attendance.add",
            attendance,
            committee_id=meeting.committee_id,
            summary=f"{organisation_label} : présent (non invité)",
            meeting_id=meeting.id,
        )
        _mark_held(meeting)
    if full_name.strip():
        add_person(attendance, full_name=full_name, function=function)
    return attendance


def remove_attendance(attendance: Attendance) -> None:
    """Remove an uninvited organisation added by mistake (invited ones are marked absent instead)."""
    meeting = attendance.meeting
    _check_open(meeting)
    if attendance.invited:
        raise AttendanceError("Une organisation invitée ne se retire pas : marquez-la absente ou excusée.")
    record(
        "attendance.remove",
        attendance,
        committee_id=meeting.committee_id,
        summary=attendance.organisation_name,
        meeting_id=meeting.id,
    )
    db.session.delete(attendance)
    db.session.flush()
    _reopen_if_empty(meeting)


# -- minutes -----------------------------------------------------------------------------

CHILDREN_REMINDER = (
    "Ne nommez aucun enfant ni aucune famille : le compte rendu est lu par tous les partenaires invités. "
    "Parlez de groupes, de niveaux, de tendances, jamais de personnes."
)

_HEADINGS: dict[MeetingKind, tuple[str, ...]] = {
    MeetingKind.DIAGNOSTIC: (
        "Constats partagés sur les besoins (sans nommer d'enfant)",
        "Publics visés et modalités d'orientation vers le Clas",
        "Organisation envisagée (lieux, horaires, collectifs)",
        "Rôle de chaque partenaire",
        "Suites à donner",
    ),
    MeetingKind.LANCEMENT: (
        "Présentation du projet et des collectifs",
        "Orientation des enfants par les équipes éducatives",
        "Liens avec les familles",
        "Calendrier et prochaines rencontres",
        "Suites à donner",
    ),
    MeetingKind.SUIVI: (
        "Fonctionnement des collectifs",
        "Assiduité",
        "Difficultés rencontrées",
        "Relations avec les familles",
        "Ajustements décidés",
        "Suites à donner",
    ),
    MeetingKind.BILAN: (
        "Actions menées",
        "Assiduité",
        "Relations avec les familles",
        "Suites à donner",
    ),
    MeetingKind.COMITE_LOCAL: (
        "Tour de table des partenaires",
        "Projets Clas du territoire",
        "Articulation avec les dispositifs (PRE, PEDT, cité éducative, REAAP…)",
        "Présence de l'Éducation nationale",
        "Décisions et suites à donner",
    ),
    MeetingKind.INSTANCE: (
        "Tour de table des partenaires",
        "Place du Clas dans les dispositifs du territoire",
        "Décisions et suites à donner",
    ),
    MeetingKind.AUTRE: (
        "Objet de la réunion",
        "Échanges",
        "Suites à donner",
    ),
}


def minutes_template(kind: MeetingKind) -> str:
    """The headings of a compte rendu for this kind of meeting, ready to be filled in."""
    return "\n\n".join(f"{heading} :\n" for heading in _HEADINGS[kind]).rstrip("\n") + "\n"


def save_minutes(meeting: Meeting, body: str, user) -> Minutes:
    body = body.replace("\r\n", "\n").strip("\n")
    minutes = db.session.scalar(select(Minutes).where(Minutes.meeting_id == meeting.id))
    created = minutes is None
    if created:
        minutes = Minutes(meeting_id=meeting.id, body=body, updated_by_id=getattr(user, "id", None))
        db.session.add(minutes)
    else:
        minutes.body = body
        minutes.updated_by_id = getattr(user, "id", None)
    db.session.flush()
    record(
        "minutes.create" if created else "minutes.update",
        minutes,
        committee_id=meeting.committee_id,
        summary=f"Compte rendu : {meeting.display_title}",
        meeting_id=meeting.id,
    )
    return minutes


# -- the minutes, sent to the participants -------------------------------------------------


def minutes_recipients(meeting: Meeting) -> list[Contact]:
    """Who gets the compte rendu: the people invited by name and the known people who came,
    each once, never an anonymised contact nor one without an address (two queries)."""
    invited = select(Invitation.contact_id).where(Invitation.meeting_id == meeting.id, Invitation.contact_id.is_not(None))
    present = (
        select(Attendee.contact_id)
        .join(Attendance, Attendee.attendance_id == Attendance.id)
        .where(Attendance.meeting_id == meeting.id, Attendance.presence == Presence.PRESENT,
               Attendee.contact_id.is_not(None))
    )  # fmt: skip
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.id.in_(invited.union(present)), Contact.anonymised_at.is_(None), Contact.email != "")
            .order_by(Contact.full_name, Contact.id)
        )
    )


def minutes_message(meeting: Meeting, minutes: Minutes, contact: Contact, meeting_link: str):
    """The compte rendu, in the body of the e-mail (invitees without an account read it there)."""
    committee = meeting.committee
    title = meeting.display_title + (f" – {meeting.project.name}" if meeting.project else "")
    context = {
        "meeting": meeting, "committee": committee, "contact": contact, "minutes": minutes, "title": title,
        "when": format_time_range(meeting.starts_at, meeting.ends_at, committee.timezone),
        "meeting_link": meeting_link, "reminder": CHILDREN_REMINDER,
    }  # fmt: skip
    return mail.build_message(
        contact.email,
        one_line(f"Compte rendu : {title} du {format_datetime(meeting.starts_at, committee.timezone)}"),
        render_template("mail/minutes.txt", **context),
        committee=committee,
    )


def send_minutes(meeting: Meeting, minutes: Minutes | None, meeting_link: str) -> list[OutgoingMessage]:
    """Queue the compte rendu for every participant; the view commits, then the messages leave."""
    if minutes is None or not minutes.body.strip():
        raise AttendanceError("Le compte rendu n'est pas encore rédigé : rédigez-le avant de l'envoyer.")
    if meeting.status is MeetingStatus.CANCELLED:
        raise AttendanceError(CANCELLED_MESSAGE.replace("enregistrer de présences", "envoyer de compte rendu"))
    recipients = minutes_recipients(meeting)
    if not recipients:
        raise AttendanceError(
            "Personne à qui l'envoyer : aucun contact invité ni présent n'a d'adresse e-mail dans l'annuaire."
        )
    records = [
        mail.queue(minutes_message(meeting, minutes, contact, meeting_link), MessageKind.MINUTES,
                   committee=meeting.committee, meeting=meeting)
        for contact in recipients
    ]  # fmt: skip
    record("minutes.sent", minutes, committee_id=meeting.committee_id,
           summary=f"Compte rendu envoyé à {len(records)} participant{'s' if len(records) > 1 else ''}",
           meeting_id=meeting.id)  # fmt: skip
    mail.deliver_after_commit(records)
    return records
