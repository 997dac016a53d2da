"""An account belongs to its owner: nobody else is ever shown a link that sets its password.

The outside test found that a host of committee B, adding the e-mail of an account that
committee A had invited but that had not yet chosen its password, was shown that account's
password link, and through it became host of A. The same happened through the admin's
« create committee » form. Links now only travel to the account's own address.
"""

from __future__ import annotations

import email
import email.policy
import re

from sqlalchemy import select

from clas_local.auth import password_links
from clas_local.auth.models import User
from clas_local.extensions import db
from clas_local.mail.models import MessageKind, OutgoingMessage
from tests.conftest import page_text, post
from tests.factories import sign_in

LINK = re.compile(r"/mot-de-passe/[A-Za-z0-9_.\-]+")
NEW_PASSWORD = "Le chat dort sur la box"


def _messages_to(address: str) -> list[OutgoingMessage]:
    return db.session.scalars(
        select(OutgoingMessage).where(OutgoingMessage.recipient == address).order_by(OutgoingMessage.id)
    ).all()


def _link_in(message: OutgoingMessage) -> str:
    body = email.message_from_bytes(message.raw, policy=email.policy.default).get_body(("plain",)).get_content()
    return LINK.search(body).group(0)


def _pending_host_of_a(client, make_committee, make_member) -> User:
    """Committee A's host invites a new host, who has not chosen a password yet."""
    committee_a = make_committee(slug="comite-a", name="Comité A")
    sign_in(client, make_member("host", committee_=committee_a))
    response = post(client, "/c/comite-a/members", {"email": "nouvelle@mairie-a.fr", "role": "host"})
    assert response.status_code in (200, 303)
    assert not LINK.search(page_text(response)), "the inviting host is not shown the link either"
    return db.session.scalar(select(User).where(User.email == "nouvelle@mairie-a.fr"))


def test_a_host_of_another_committee_never_sees_the_link_of_a_pending_account(
    app, make_committee, make_member
):
    pending = _pending_host_of_a(app.test_client(), make_committee, make_member)
    assert pending.password_hash is None
    first_link = _link_in(_messages_to(pending.email)[0])

    committee_b = make_committee(slug="comite-b", name="Comité B")
    attacker = app.test_client()
    sign_in(attacker, make_member("host", committee_=committee_b))
    response = post(attacker, "/c/comite-b/members", {"email": "nouvelle@mairie-a.fr", "role": "viewer"},
                    follow_redirects=True)
    assert response.status_code == 200
    page = page_text(response)
    assert "nouvelle@mairie-a.fr est maintenant membre du comité" in page
    assert not LINK.search(page)
    # The link travels to the account's own address only; the newer one replaces the first.
    messages = _messages_to(pending.email)
    assert len(messages) == 2 and all(m.kind is MessageKind.ACCOUNT for m in messages)
    assert app.test_client().get(first_link).status_code == 410
    owner = app.test_client()
    assert post(owner, _link_in(messages[1]), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303


def test_the_admin_create_committee_form_shows_no_link_either(app, make_committee, make_member, make_user):
    pending = _pending_host_of_a(app.test_client(), make_committee, make_member)
    admin = app.test_client()
    sign_in(admin, make_user(is_admin=True))
    response = post(admin, "/admin", {"name": "Comité C", "slug": "comite-c", "holiday_zone": "B",
                                      "timezone": "Europe/Paris", "host_email": pending.email},
                    follow_redirects=True)
    page = page_text(response)
    assert "Le comité « Comité C » est créé." in page
    assert not LINK.search(page)
    assert "Un lien pour choisir son mot de passe a été envoyé à nouvelle@mairie-a.fr" in page
    assert len(_messages_to(pending.email)) == 2


def test_a_newer_link_invalidates_the_older_one_and_a_link_works_once(app, client, make_user):
    user = make_user(email="anne@mairie.fr")
    older = password_links.issue(user)
    newer = password_links.issue(user)
    db.session.commit()
    refused = client.get(f"/mot-de-passe/{older}")
    assert refused.status_code == 410
    assert "Ce lien a déjà servi ou a été remplacé par un lien plus récent" in page_text(refused)
    assert post(client, f"/mot-de-passe/{newer}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert app.test_client().get(f"/mot-de-passe/{newer}").status_code == 410


def test_a_link_expires(app, client, make_user, monkeypatch):
    user = make_user(email="anne@mairie.fr")
    token = password_links.issue(user)
    db.session.commit()
    hours = int(app.config["PASSWORD_LINK_MAX_AGE"].total_seconds() // 3600)
    import itsdangerous.timed

    real_time = itsdangerous.timed.time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + hours * 3600 + 5)
    response = client.get(f"/mot-de-passe/{token}")
    assert response.status_code == 410
    assert "Ce lien a expiré" in page_text(response)


def test_a_disabled_account_cannot_use_its_link(client, make_user):
    user = make_user(email="anne@mairie.fr")
    token = password_links.issue(user)
    user.is_active_account = False
    db.session.commit()
    assert client.get(f"/mot-de-passe/{token}").status_code == 410


def test_a_host_sends_a_member_a_new_link_by_email_only(app, client, login_as, make_member):
    login_as("host")
    member = make_member("viewer", email="lecteur@caf.fr")
    membership = member.memberships[0]
    response = post(client, f"/c/rennes/members/{membership.id}/password-link", follow_redirects=True)
    page = page_text(response)
    assert response.status_code == 200
    assert "Un lien pour choisir un nouveau mot de passe a été envoyé à lecteur@caf.fr." in page
    assert not LINK.search(page)
    message = _messages_to("lecteur@caf.fr")[-1]
    assert "Choisir un nouveau mot de passe" in message.subject or "mot de passe" in message.subject
    owner = app.test_client()
    assert post(owner, _link_in(message), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    db.session.refresh(member)
    from clas_local.auth.passwords import verify_password

    assert verify_password(member.password_hash, NEW_PASSWORD)
