"""Contacts: add, edit, remove; anonymise (RGPD erasure) and export (RGPD access), both audited."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel
from clas_local.partners.models import Contact, PartnerKind
from tests.conftest import page_text, post
from tests.partners.conftest import htmx_form_post


@pytest.fixture
def school(make_partner):
    return make_partner(PartnerKind.ECOLE, name="École Volga")


def _events(action: str) -> list[AuditEvent]:
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()


def test_host_adds_edits_and_removes_a_contact(client, login_as, school):
    login_as("host")
    url = f"/c/rennes/partners/{school.id}/contacts/new"
    assert "Ajouter un contact" in page_text(client.get(url))
    added = post(client, url, {"full_name": "Isabelle Caradec", "function": "Directrice",
                               "email": "isabelle.caradec@ac-rennes.fr", "phone": "+33299000000"})  # fmt: skip
    assert added.status_code == 303
    contact = db.session.scalars(select(Contact)).one()
    assert contact.phone == "02 99 00 00 00"
    page = page_text(client.get(f"/c/rennes/partners/{school.id}"))
    assert "Isabelle Caradec" in page and "Directrice" in page

    edited = post(client, f"/c/rennes/contacts/{contact.id}/edit",
                  {"full_name": "Isabelle Caradec", "function": "Directrice déchargée", "email": "", "phone": ""})  # fmt: skip
    assert edited.status_code == 303
    db.session.refresh(contact)
    assert contact.function == "Directrice déchargée" and contact.email == ""

    removed = post(client, f"/c/rennes/contacts/{contact.id}/remove")
    assert removed.status_code == 303
    assert db.session.scalars(select(Contact)).all() == []
    assert [len(_events(a)) for a in ("contact.create", "contact.update", "contact.delete")] == [1, 1, 1]
    # The append-only log never holds the person's name.
    assert not any("Caradec" in event.summary for event in db.session.scalars(select(AuditEvent)))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"full_name": ""}, "full_name", "Indiquez le nom de la personne."),
        ({"email": "isabelle@"}, "email", "Cette adresse e-mail n'est pas valide"),
        ({"phone": "0299"}, "phone", "Ce numéro de téléphone n'existe pas en France"),
    ],
)
def test_contact_errors_are_shown_in_place_and_nothing_saved(client, login_as, school, data, field, message):
    login_as("host")
    url = f"/c/rennes/partners/{school.id}/contacts/new"
    response = htmx_form_post(client, url, {"full_name": "Karim Haddad", **data})
    body = page_text(response)
    assert response.status_code == 422
    assert body.lstrip().startswith('<div id="contact-form">') and "<html" not in body
    assert message in body[body.index(f'id="{field}-error"'):]
    assert db.session.scalars(select(Contact)).all() == []


def test_a_contact_named_in_meeting_records_is_not_deleted_but_can_be_anonymised(
    client, login_as, school, make_contact, make_meeting, make_invitation
):
    contact = make_contact(school, full_name="Karim Haddad", function="Directeur", email="k.haddad@ac-rennes.fr",
                           phone="06 12 34 56 78")  # fmt: skip
    meeting = make_meeting(title="Comité local de novembre")
    make_invitation(meeting, school, contact, answer=Answer.ACCEPTED, answer_channel=AnswerChannel.LINK)
    attendance = Attendance(meeting=meeting, partner=school, presence=Presence.PRESENT)
    attendance.people.append(Attendee(contact=contact, full_name="Karim Haddad", function="Directeur"))
    db.session.add(attendance)
    db.session.commit()
    login_as("host")

    refused = post(client, f"/c/rennes/contacts/{contact.id}/remove", follow_redirects=True)
    assert "anonymisez-le plutôt" in page_text(refused)
    assert db.session.get(Contact, contact.id) is not None

    response = post(client, f"/c/rennes/contacts/{contact.id}/anonymise")
    assert response.status_code == 303
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert (contact.full_name, contact.email, contact.phone) == ("", "", "")
    assert contact.function == "Directeur" and contact.anonymised_at is not None
    attendee = db.session.scalars(select(Attendee)).one()
    assert attendee.full_name == "" and attendee.function == "Directeur"
    (event,) = _events("contact.anonymise")
    assert event.object_id == contact.id and "Karim" not in event.summary

    # The meeting record keeps the organisation and the function.
    page = page_text(client.get(f"/c/rennes/partners/{school.id}"))
    assert "Karim" not in page and "k.haddad" not in page and "06 12 34 56 78" not in page
    assert "Contact anonymisé (Directeur) : Présent·e" in page
    assert "Comité local de novembre" in page and "Anonymisé" in page


def test_export_of_a_contacts_personal_data_as_json_and_csv(
    client, login_as, school, make_contact, make_meeting, make_invitation
):
    contact = make_contact(school, full_name="Martine Le Floch", function="CPE", email="m.lefloch@ac-rennes.fr")
    meeting = make_meeting(title="Bilan du Clas")
    make_invitation(meeting, school, contact, answer=Answer.DECLINED, comment="En conseil de classe.")
    attendance = Attendance(meeting=meeting, partner=school, presence=Presence.EXCUSED)
    attendance.people.append(Attendee(contact=contact, function="CPE"))
    db.session.add(attendance)
    db.session.commit()
    login_as("host")

    response = post(client, f"/c/rennes/contacts/{contact.id}/export", {"format": "json"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert f'filename="donnees-personnelles-contact-{contact.id}.json"' in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["contact"]["nom"] == "Martine Le Floch" and data["contact"]["organisation"] == "École Volga"
    (invitation,) = data["invitations"]
    assert invitation["reunion"] == "Bilan du Clas" and invitation["reponse"] == "Excusé·e"
    assert invitation["commentaire"] == "En conseil de classe." and invitation["debut"].startswith("2026-12-03T16:30")
    (presence,) = data["presences"]
    assert presence["presence"] == "Excusé"

    as_csv = post(client, f"/c/rennes/contacts/{contact.id}/export", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(as_csv.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert as_csv.mimetype == "text/csv" and rows[0] == ["Rubrique", "N°", "Champ", "Valeur"]
    assert ["contact", "1", "email", "m.lefloch@ac-rennes.fr"] in rows
    assert ["invitations", "1", "reunion", "Bilan du Clas"] in rows
    assert len(_events("contact.export")) == 2
    # A download of personal data is never a GET (mail scanners, prefetch).
    assert client.get(f"/c/rennes/contacts/{contact.id}/export").status_code == 405


@pytest.mark.parametrize("role", ["viewer", "porteur"])
def test_only_hosts_change_contacts(client, login_as, school, make_contact, role):
    contact = make_contact(school)
    login_as(role)
    assert client.get(f"/c/rennes/partners/{school.id}/contacts/new").status_code == 403
    for action in ("remove", "anonymise", "export"):
        assert post(client, f"/c/rennes/contacts/{contact.id}/{action}").status_code == 403
    db.session.expire_all()
    assert db.session.get(Contact, contact.id).anonymised_at is None


def test_another_committees_contact_answers_404(client, login_as, make_committee, make_partner, make_contact):
    other = make_committee(slug="brest")
    contact = make_contact(make_partner(PartnerKind.ASSOCIATION, committee=other))
    login_as("host")
    assert client.get(f"/c/rennes/contacts/{contact.id}/edit").status_code == 404
    for action in ("remove", "anonymise", "export"):
        assert post(client, f"/c/rennes/contacts/{contact.id}/{action}").status_code == 404
