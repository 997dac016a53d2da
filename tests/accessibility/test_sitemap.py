"""« Plan du site »: with the committee menu, the second way to reach every page (RGAA 12.1, 12.3, 12.4)."""

from __future__ import annotations

import re

from tests.conftest import page_text


def menu_links(text: str) -> list[tuple[str, str]]:
    """(href, label) of the committee menu of a page."""
    menu = re.search(r'<nav class="committee-nav" aria-label="Menu du comité">(.*?)</nav>', text, re.S)
    assert menu, "no committee menu on this page"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', menu.group(1))


def test_sitemap_lists_every_page_of_the_menu(client, login_as, committee, make_committee, make_member):
    host = login_as("host")
    other = make_committee(slug="brest", name="Comité local de Brest")
    make_member("viewer", committee_=other, email="lecture@brest.example.fr")
    # The same user, a reader in a second committee: both committees are on the plan.
    from clas_local.auth.models import Membership, Role
    from clas_local.extensions import db

    db.session.add(Membership(user_id=host.id, committee_id=other.id, role=Role.VIEWER))
    db.session.commit()
    response = client.get("/plan-du-site")
    assert response.status_code == 200
    plan = page_text(response)
    assert "<title>Plan du site – Clas Local</title>" in plan
    for slug, name in (("rennes", "Comité local de Rennes"), ("brest", "Comité local de Brest")):
        assert f'<h2 id="plan-{slug}">{name}</h2>' in plan
        menu = menu_links(page_text(client.get(f"/c/{slug}/")))
        assert len(menu) >= 4, menu
        for href, label in menu:
            assert f'<a href="{href}">{label}<span class="visually-hidden"> – {name}</span></a>' in plan
    # A host's menu has Membres; a reader's does not: the plan follows each role.
    assert '<a href="/c/rennes/members">Membres' in plan
    assert '<a href="/c/brest/members">' not in plan
    assert '<a href="/compte">Mon compte et mon mot de passe</a>' in plan
    assert "Administration de l'instance" not in plan


def test_sitemap_for_a_visitor_shows_the_public_pages_only(client):
    plan = page_text(client.get("/plan-du-site"))
    assert '<a href="/login">Se connecter</a>' in plan
    assert '<a href="/accessibilite">Déclaration d&#39;accessibilité</a>' in plan or \
        "<a href=\"/accessibilite\">Déclaration d'accessibilité</a>" in plan
    assert "/c/" not in plan


def test_every_page_links_to_the_sitemap(client, login_as):
    footer_link = '<li><a href="/plan-du-site">Plan du site</a></li>'
    assert footer_link in page_text(client.get("/login"))
    login_as("porteur")
    for path in ("/c/rennes/", "/c/rennes/meetings", "/compte"):
        text = page_text(client.get(path))
        footer = text[text.index('<footer class="site-footer">'):]
        assert footer_link in footer, path
