"""Writes to the directory. Each function changes state, records an audit event and flushes;
the view commits once.

Audit summaries name organisations and contact ids, never a person's name or address:
the audit log is append-only, and an anonymised contact must not survive in it.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import exists, or_, select, update

from clas_local.attendance.models import Attendee
from clas_local.audit.services import record
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.partners.erasure import Person, erase_person
from clas_local.partners.importer import directory_uai
from clas_local.partners.models import (
    COVERING_KINDS,
    SCHOOL_KINDS,
    Contact,
    EducationPrioritaire,
    Partner,
    PartnerKind,
    contact_reference,
)
from clas_local.partners.validation import format_phone, search_text
from clas_local.projects.models import Project, ProjectSchool

PARTNER_FIELDS = ("kind", "name", "uai", "education_prioritaire", "sector", "address", "postcode", "commune_code",
                  "commune_name", "phone", "email", "website", "circonscription", "is_open", "notes", "covered_communes")  # fmt: skip
CONTACT_FIELDS = ("full_name", "function", "email", "phone")


class ContactInUse(Exception):
    """The contact appears in meeting or project records: anonymise instead of deleting."""


def refresh_search_text(partner: Partner) -> None:
    noted_uai = "" if partner.uai else (directory_uai(partner) or "")
    partner.search_text = search_text(partner.name, partner.commune_name, partner.uai, noted_uai)


def _clean_partner_fields(data: dict) -> dict:
    fields = {name: data[name] for name in PARTNER_FIELDS if name in data}
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = value.strip()
    kind = fields.get("kind")
    if kind is not None and PartnerKind(kind) not in SCHOOL_KINDS:
        # Only schools carry a UAI and an éducation prioritaire status.
        fields["uai"] = None
        fields["education_prioritaire"] = EducationPrioritaire.NONE
    if kind is not None and PartnerKind(kind) not in COVERING_KINDS:
        fields["covered_communes"] = []  # only a PRE, PEDT, PEL or cité éducative covers communes
    if fields.get("uai") == "":
        fields["uai"] = None
    if "phone" in fields:
        fields["phone"] = format_phone(fields["phone"])
    if "commune_code" in fields:
        fields["commune_code"] = fields["commune_code"].upper()
    return fields


def create_partner(committee, data: dict) -> Partner:
    partner = Partner(committee=committee, **_clean_partner_fields(data))
    refresh_search_text(partner)
    db.session.add(partner)
    db.session.flush()
    record("partner.create", partner, committee=committee, summary=f"Partenaire ajouté : {partner.name}")
    return partner


def update_partner(partner: Partner, data: dict) -> list[str]:
    """Apply the form's values; return the names of the fields that changed."""
    changed = []
    for name, value in _clean_partner_fields(data).items():
        if getattr(partner, name) != value:
            setattr(partner, name, value)
            changed.append(name)
    if changed:
        refresh_search_text(partner)
        db.session.flush()
        record("partner.update", partner, summary=f"Partenaire modifié : {partner.name}", fields=changed)
    return changed


# -- contacts -----------------------------------------------------------------------------


def add_contact(partner: Partner, data: dict) -> Contact:
    contact = Contact(partner=partner, **{name: (data.get(name) or "").strip() for name in CONTACT_FIELDS})
    contact.phone = format_phone(contact.phone)
    db.session.add(contact)
    db.session.flush()
    record("contact.create", contact, committee_id=partner.committee_id, summary=f"Ajout du {contact_reference(contact)}")
    return contact


def update_contact(contact: Contact, data: dict) -> list[str]:
    changed = []
    for name in CONTACT_FIELDS:
        value = (data.get(name) or "").strip()
        if name == "phone":
            value = format_phone(value)
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)
    if changed:
        db.session.flush()
        record(
            "contact.update", contact, committee_id=contact.partner.committee_id,
            summary=f"Modification du {contact_reference(contact)}", fields=changed,
        )  # fmt: skip
    return changed


def contact_in_use(contact: Contact) -> bool:
    """Does a meeting or project record point at this person?"""
    return bool(
        db.session.scalar(
            select(
                or_(
                    exists().where(Invitation.contact_id == contact.id),
                    exists().where(Attendee.contact_id == contact.id),
                    exists().where(ProjectSchool.referent_contact_id == contact.id),
                    exists().where(Project.coordinator_id == contact.id),
                )
            )
        )
    )


def remove_contact(contact: Contact) -> None:
    """Delete a contact that no record names; otherwise ContactInUse (anonymise instead),
    because deleting would erase invitations and blank the attendance sheets."""
    if contact_in_use(contact):
        raise ContactInUse(
            "Ce contact figure dans l'historique des réunions ou d'un projet : anonymisez-le plutôt, "
            "pour garder la trace de son organisation et de sa fonction."
        )
    record(
        "contact.delete", contact, committee_id=contact.partner.committee_id,
        summary=f"Suppression du {contact_reference(contact)}",
    )  # fmt: skip
    db.session.delete(contact)
    db.session.flush()


def anonymise_contact(contact: Contact) -> None:
    """Erase the person (name, e-mail, phone) and keep the row: past invitations and
    attendance still show the organisation and the function. The e-mails stored for
    the committee and the outbox folder lose the person too (partners/erasure.py); the audit
    log never named them (contact_reference)."""
    messages = erase_person(
        contact.partner.committee_id, Person(contact.full_name, _addresses(contact.email), contact.phone)
    )
    contact.full_name = ""
    contact.email = ""
    contact.phone = ""
    contact.anonymised_at = datetime.now(timezone.utc)
    # The attendance sheet may hold a copy of the name: erase it too, keep the function.
    db.session.execute(update(Attendee).where(Attendee.contact_id == contact.id).values(full_name=""))
    db.session.flush()
    record(
        "contact.anonymise", contact, committee_id=contact.partner.committee_id,
        summary=f"Anonymisation du {contact_reference(contact)}", messages_rewritten=messages,
    )  # fmt: skip


def _addresses(email: str) -> tuple[str, ...]:
    """The address as typed, and as it travels when its domain has accents (IDNA)."""
    email = (email or "").strip()
    local, _, domain = email.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return (email,) if email else ()
    return tuple({email, f"{local}@{ascii_domain}"}) if email else ()


def record_contact_export(contact: Contact, export_format: str) -> None:
    record(
        "contact.export", contact, committee_id=contact.partner.committee_id,
        summary=f"Export des données personnelles du {contact_reference(contact)} ({export_format.upper()})",
    )  # fmt: skip
