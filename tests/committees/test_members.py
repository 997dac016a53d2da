import email
import email.policy
import re
from pathlib import Path

from clas_local.auth.models import Membership, Role, User
from clas_local.extensions import db
from clas_local.mail.models import OutgoingMessage
from clas_local.partners.models import PartnerKind
from tests.conftest import page_text, post


def test_host_adds_a_member_who_then_chooses_a_password(app, client, login_as, make_partner):
    login_as("host")
    school = make_partner(PartnerKind.ECOLE)
    response = post(
        client,
        "/c/rennes/members",
        {"email": "direction@ecole.fr", "full_name": "Mme Durand", "role": "school", "partner_id": str(school.id)},
        follow_redirects=True,
    )
    page = page_text(response)
    assert response.status_code == 200
    assert ("direction@ecole.fr est maintenant membre du comité : École / établissement. Un lien pour choisir "
            "son mot de passe lui a été envoyé par e-mail.") in page
    assert "/mot-de-passe/" not in page

    user = db.session.query(User).filter_by(email="direction@ecole.fr").one()
    membership = db.session.query(Membership).filter_by(user_id=user.id).one()
    assert membership.role is Role.SCHOOL and membership.partner_id == school.id
    # Without MAIL_SERVER the message is recorded and written to the outbox folder.
    message = db.session.query(OutgoingMessage).filter_by(recipient="direction@ecole.fr").one()
    body = email.message_from_bytes(message.raw, policy=email.policy.default).get_body(("plain",)).get_content()
    link = re.search(r"http://localhost(/mot-de-passe/\S+)", body).group(1)
    assert (Path(app.config["OUTBOX_FOLDER"]) / f"{message.id:08d}-account.eml").read_bytes() == message.raw
    # The host's outbox lists the message but does not hand its link over.
    outbox = page_text(client.get("/c/rennes/mail"))
    assert "direction@ecole.fr" in outbox and "/mot-de-passe/" not in outbox
    assert client.get(f"/c/rennes/mail/{message.id}.eml").status_code == 403

    other = app.test_client()
    answer = post(other, link, {"password": "Le chat dort sur la box", "confirm": "Le chat dort sur la box"})
    assert answer.status_code == 303


def test_porteur_needs_an_organisation(client, login_as):
    login_as("host")
    response = post(client, "/c/rennes/members", {"email": "p@asso.fr", "role": "porteur", "partner_id": ""})
    assert "Choisissez l'organisation" in page_text(response)
    assert db.session.query(User).filter_by(email="p@asso.fr").count() == 0


def test_invalid_email_changes_nothing(client, login_as):
    login_as("host")
    before = db.session.query(Membership).count()
    response = post(client, "/c/rennes/members", {"email": "pas-une-adresse", "role": "viewer"}, htmx=True)
    assert response.status_code == 422
    page = page_text(response)
    assert "Adresse e-mail invalide." in page
    assert "<html" not in page  # the form fragment only
    assert db.session.query(Membership).count() == before


def test_unknown_role_is_refused(client, login_as):
    login_as("host")
    response = post(client, "/c/rennes/members", {"email": "x@y.fr", "role": "superuser"})
    assert "Not a valid choice" not in page_text(response)
    assert db.session.query(User).filter_by(email="x@y.fr").count() == 0


def test_htmx_form_with_the_csrf_token_in_the_header_only_is_saved(client, login_as):
    login_as("host")
    response = post(client, "/c/rennes/members", {"email": "lecteur@caf.fr", "role": "viewer"}, htmx=True)
    assert response.status_code == 200
    assert "lecteur@caf.fr est maintenant membre du comité" in page_text(response)
    assert 'value="lecteur@caf.fr"' not in page_text(response)  # the form is empty for the next one
    assert "<html" not in page_text(response)  # the panel fragment, with its notice
    assert db.session.query(User).filter_by(email="lecteur@caf.fr").count() == 1
