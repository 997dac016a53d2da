"""School users answer from their own list of invitations."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from clas_local.extensions import db
from clas_local.invitations.models import Answer, AnswerChannel, Invitation
from clas_local.partners.models import PartnerKind
from tests.conftest import page_text, post
from tests.invitations.conftest import visible


def test_school_user_sees_and_answers_their_schools_invitations(client, login_as, invited):
    login_as("school", partner=invited.school)
    page = client.get("/c/rennes/mes-invitations")
    assert page.status_code == 200
    text = visible(page)
    assert "Mes invitations" in text
    assert "Réunion de suivi – Clas du Blosne" in text
    assert "(pour l'établissement)" in text

    url = f"/c/rennes/mes-invitations/{invited.school_row.id}"
    response = post(client, url, {f"inv{invited.school_row.id}-answer": "accepted",
                                  f"inv{invited.school_row.id}-comment": "Avec la maîtresse de CM1"}, htmx=True)
    assert response.status_code == 200
    assert "Réponse enregistrée : Présent·e." in page_text(response)
    assert response.get_data(as_text=True).lstrip().startswith('<li class="card my-invitation"')
    row = db.session.get(Invitation, invited.school_row.id)
    db.session.refresh(row)
    assert (row.answer, row.answer_channel, row.comment) == (Answer.ACCEPTED, AnswerChannel.PAGE, "Avec la maîtresse de CM1")

    missing = post(client, url, {}, htmx=True)
    assert missing.status_code == 422
    assert "Choisissez votre réponse." in page_text(missing)
    # Without JavaScript: back to the list with a message.
    plain = post(client, url, {f"inv{invited.school_row.id}-answer": "declined"})
    assert plain.status_code == 303
    assert "Réponse enregistrée : Excusé·e." in page_text(client.get("/c/rennes/mes-invitations"))


def test_school_user_answers_their_own_contact_row_when_they_have_one(client, login_as, invited, make_invitation):
    own = make_invitation(invited.meeting, invited.school, invited.director)
    login_as("school", partner=invited.school, email="i.caradec@ecole.example.fr")
    page = client.get("/c/rennes/mes-invitations")
    assert "(votre invitation personnelle)" in visible(page)
    response = post(client, f"/c/rennes/mes-invitations/{own.id}", {f"inv{own.id}-answer": "tentative"}, htmx=True)
    assert response.status_code == 200
    db.session.refresh(own)
    assert (own.answer, own.answer_channel) == (Answer.TENTATIVE, AnswerChannel.PAGE)


def test_another_schools_invitation_is_refused(client, login_as, invited, make_partner, make_meeting, make_invitation):
    other_school = make_partner(PartnerKind.ECOLE)
    login_as("school", partner=other_school)
    # Not invited to that meeting: it is not even visible.
    assert post(client, f"/c/rennes/mes-invitations/{invited.school_row.id}", {f"inv{invited.school_row.id}-answer": "accepted"}).status_code == 404
    # Invited, but the row is another organisation's: refused.
    make_invitation(invited.meeting, other_school)
    assert post(client, f"/c/rennes/mes-invitations/{invited.pre_row.id}", {f"inv{invited.pre_row.id}-answer": "accepted"}).status_code == 403
    db.session.refresh(invited.pre_row)
    assert invited.pre_row.answer is Answer.PENDING


def test_only_school_users_have_the_page(client, login_as, invited, make_committee, make_member):
    login_as("porteur", partner=invited.porteur)
    assert client.get("/c/rennes/mes-invitations").status_code == 403
    assert client.get("/c/brest/mes-invitations").status_code == 404


def test_past_meetings_are_listed_without_a_form(client, login_as, invited):
    invited.meeting.starts_at = datetime.now(timezone.utc) - timedelta(days=3)
    invited.meeting.ends_at = invited.meeting.starts_at + timedelta(hours=1)
    db.session.commit()
    login_as("school", partner=invited.school)
    page = client.get("/c/rennes/mes-invitations")
    assert "Aucune réunion à venir." in page_text(page)
    assert "Réunions passées et vos réponses" in page_text(page)
    url = f"/c/rennes/mes-invitations/{invited.school_row.id}"
    assert post(client, url, {f"inv{invited.school_row.id}-answer": "accepted"}, htmx=True).status_code == 409


def test_school_menu_leads_to_their_invitations(client, login_as, invited):
    login_as("school", partner=invited.school)
    home = client.get("/c/rennes/")
    assert 'href="/c/rennes/mes-invitations"' in home.get_data(as_text=True)


def test_meeting_page_sends_school_users_to_their_list(client, login_as, invited):
    login_as("school", partner=invited.school)
    page = client.get(f"/c/rennes/meetings/{invited.meeting.id}")
    assert page.status_code == 200
    assert "Répondre pour mon établissement" in page_text(page)
    assert "Inviter par e-mail" not in page_text(page)
    assert "@ecole.example.fr" not in page_text(page)  # no addresses for non-organisers
