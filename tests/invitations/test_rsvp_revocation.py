"""Answer links that can be revoked: anonymising or removing the person, or uninviting their
organisation, makes their /rsvp/ links answer 410 at once (and record nothing)."""

from __future__ import annotations

from sqlalchemy import delete

from clas_local.extensions import db
from clas_local.invitations import services, tokens
from clas_local.invitations.models import Answer, Invitation
from clas_local.meetings.services import set_invited_partners
from clas_local.partners.models import Contact
from tests.conftest import page_text, post
from tests.invitations.conftest import contact_invitation

WITHDRAWN = "l'invitation a été retirée"


def _sent_link(invited) -> tuple[int, str]:
    services.invite_contacts(invited.meeting, [invited.director.id])
    db.session.commit()
    row = contact_invitation(invited.meeting, invited.director)
    url = f"/rsvp/{tokens.make_token(row)}"
    return row.id, url


def _assert_revoked(client, url, row_id):
    page = client.get(url)
    assert page.status_code == 410
    assert "Lien de réponse retiré" in page_text(page) and WITHDRAWN in page_text(page)
    assert post(client, url, {"answer": "accepted"}).status_code == 410
    assert client.get(f"{url}/reunion.ics").status_code == 410
    row = db.session.get(Invitation, row_id)
    assert row is None or row.answer is Answer.PENDING


def test_anonymising_the_contact_revokes_their_links(client, login_as, invited):
    row_id, url = _sent_link(invited)
    assert client.get(url).status_code == 200
    login_as("host")
    assert post(client, f"/c/rennes/contacts/{invited.director.id}/anonymise").status_code in (200, 303)
    _assert_revoked(client, url, row_id)


def test_uninviting_the_organisation_revokes_its_peoples_links(client, invited):
    row_id, url = _sent_link(invited)
    set_invited_partners(invited.meeting, [invited.pre.id])
    db.session.commit()
    _assert_revoked(client, url, row_id)


def test_removing_the_person_revokes_their_links(client, invited):
    row_id, url = _sent_link(invited)
    db.session.execute(delete(Contact).where(Contact.id == invited.director.id))
    db.session.commit()
    _assert_revoked(client, url, row_id)
