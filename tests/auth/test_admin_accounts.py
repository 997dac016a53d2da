"""The instance admin manages accounts — list, disable, re-enable, send a link — and sees no committee's content."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.auth import password_links
from clas_local.extensions import db
from clas_local.mail.models import OutgoingMessage
from tests.conftest import page_text, post
from tests.factories import TEST_PASSWORD, sign_in


def _admin(app, make_user):
    client = app.test_client()
    admin = make_user(email="admin@instance.fr", is_admin=True)
    sign_in(client, admin)
    return client, admin


def test_the_admin_lists_accounts_with_their_committees_but_no_content(app, make_user, make_member, make_meeting):
    make_member("host", email="anne@mairie.fr", full_name="Anne Hôte")
    make_user(email="nouveau@ecole.fr", password=None)
    make_meeting(title="Réunion secrète du comité")
    client, _admin_user = _admin(app, make_user)
    response = client.get("/admin/comptes")
    assert response.status_code == 200
    page = page_text(response)
    assert "<h1>Comptes</h1>" in page
    assert "anne@mairie.fr" in page and "Anne Hôte" in page
    assert "Comité local de Rennes : Animateur du comité (mairie / EPCI)" in page
    assert "mot de passe non choisi" in page
    assert "Réunion secrète du comité" not in page
    assert client.get("/c/rennes/").status_code == 404
    found = page_text(client.get("/admin/comptes?q=ECOLE"))
    assert "nouveau@ecole.fr" in found and "anne@mairie.fr" not in found


def test_a_disabled_account_is_logged_out_everywhere_and_cannot_get_back_in(app, make_user, make_member):
    user = make_member("host", email="anne@mairie.fr")
    session = app.test_client()
    sign_in(session, user)
    assert session.get("/c/rennes/").status_code == 200
    link = password_links.issue(user)
    db.session.commit()

    client, _admin_user = _admin(app, make_user)
    response = post(client, f"/admin/comptes/{user.id}/desactiver", follow_redirects=True)
    assert "Le compte anne@mairie.fr est désactivé" in page_text(response)
    assert session.get("/c/rennes/").status_code == 302
    login = post(app.test_client(), "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD})
    assert login.status_code == 200 and "Adresse e-mail ou mot de passe incorrect." in page_text(login)
    assert app.test_client().get(f"/mot-de-passe/{link}").status_code == 410

    response = post(client, f"/admin/comptes/{user.id}/reactiver", follow_redirects=True)
    assert "Le compte anne@mairie.fr est réactivé" in page_text(response)
    assert post(app.test_client(), "/login", {"email": "anne@mairie.fr", "password": TEST_PASSWORD}).status_code == 303


def test_the_admin_sends_a_link_by_email_and_never_sees_it(app, make_user):
    user = make_user(email="anne@mairie.fr")
    client, _admin_user = _admin(app, make_user)
    response = post(client, f"/admin/comptes/{user.id}/lien", follow_redirects=True)
    page = page_text(response)
    assert "Un lien pour choisir un nouveau mot de passe a été envoyé à anne@mairie.fr." in page
    assert "/mot-de-passe/" not in page
    assert db.session.scalars(select(OutgoingMessage.recipient)).all() == ["anne@mairie.fr"]


def test_the_admin_cannot_disable_their_own_account(app, make_user):
    client, admin = _admin(app, make_user)
    response = post(client, f"/admin/comptes/{admin.id}/desactiver", follow_redirects=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in page_text(response)
    db.session.refresh(admin)
    assert admin.is_active_account


def test_the_accounts_page_issues_the_same_queries_whatever_the_number_of_accounts(app, make_user, make_member,
                                                                                   make_committee):
    from tests.conftest import count_queries

    client, _admin_user = _admin(app, make_user)

    def queries_for_page() -> int:
        client.get("/admin/comptes")
        db.session.remove()
        with count_queries() as statements:
            assert client.get("/admin/comptes").status_code == 200
        db.session.remove()
        return len(statements)

    make_member("host")
    few = queries_for_page()
    for n in range(12):
        make_member("viewer", committee_=make_committee())
    assert queries_for_page() == few <= 6
