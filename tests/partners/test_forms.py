"""Creating and editing partners: French messages next to the field, nothing saved on error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.partners.models import EducationPrioritaire, Partner, PartnerKind
from tests.conftest import page_text, post
from tests.factories import valid_uai
from tests.partners.conftest import htmx_form_post

SCHOOL = {"kind": "ecole", "name": "École Volga", "uai": "", "education_prioritaire": "rep_plus", "sector": "public",
          "address": "2 rue de Volga", "postcode": "35200", "commune_name": "Rennes", "commune_code": "35238",
          "phone": "0299000000", "email": "ecole.volga@ac-rennes.fr", "is_open": "y"}  # fmt: skip


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Partner))


def _error_of(page: str, field_id: str) -> str:
    """The error paragraph tied to a field (aria-describedby target)."""
    start = page.index(f'id="{field_id}-error"')
    return page[start : page.index("</p>", start)]


def test_host_creates_a_school_and_lands_on_its_page(client, login_as, committee):
    login_as("host")
    uai = valid_uai(7)
    response = post(client, "/c/rennes/partners/new", {**SCHOOL, "uai": uai.lower()})
    assert response.status_code == 303
    partner = db.session.scalars(select(Partner)).one()
    assert response.headers["Location"].endswith(f"/c/rennes/partners/{partner.id}")
    assert partner.uai == uai and partner.education_prioritaire is EducationPrioritaire.REP_PLUS
    assert partner.phone == "02 99 00 00 00"
    assert partner.search_text == f"ecole volga rennes {uai.lower()}"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "partner.create")).one()
    assert event.object_id == partner.id and event.committee_id == committee.id
    page = page_text(client.get(response.headers["Location"]))
    assert "« École Volga » a été ajouté à l'annuaire." in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"uai": "0350122A"}, "uai", "La lettre de contrôle de l'UAI 0350122A est fausse : 0350122T attendu."),
        ({"uai": "350122T"}, "uai", "Un UAI compte 7 chiffres suivis d'une lettre"),
        ({"uai": ""}, "uai", "Indiquez l'UAI de l'établissement"),
        ({"email": "ecole.volga@"}, "email", "Cette adresse e-mail n'est pas valide"),
        ({"phone": "02 99 00"}, "phone", "Ce numéro de téléphone n'existe pas en France"),
        ({"phone": "+44 20 7946 0958"}, "phone", "Indiquez un numéro de téléphone français"),
        ({"phone": "<script>"}, "phone", "Ce numéro de téléphone n'est pas lisible"),
        ({"name": "  "}, "name", "Indiquez le nom de l'organisation."),
        ({"kind": ""}, "kind", "Choisissez le type de partenaire."),
        ({"postcode": "3520"}, "postcode", "Un code postal compte 5 chiffres."),
        ({"kind": "association"}, "uai", "Seuls les écoles, collèges et lycées ont un UAI"),
    ],
)
def test_bad_input_is_explained_next_to_the_field_and_nothing_is_saved(client, login_as, committee, changes, field, message):
    login_as("host")
    data = {**SCHOOL, "uai": "0350122T", **changes}
    response = post(client, "/c/rennes/partners/new", data)
    page = page_text(response)
    assert response.status_code == 422
    assert message in _error_of(page, field)
    assert f'aria-describedby="{field}-' in page or f"aria-describedby=\"{field}-hint {field}-error\"" in page
    assert "Le formulaire contient" in page and page.count("<h1") == 1
    assert _count() == 0


def test_htmx_gets_the_form_fragment_back_in_place(client, login_as, committee):
    login_as("host")
    response = htmx_form_post(client, "/c/rennes/partners/new", {**SCHOOL, "uai": "0350122A"})
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert body.lstrip().startswith('<div id="partner-form">') and "<html" not in body
    assert 'hx-target="#partner-form"' in body and "lettre de contrôle" in page_text(response)
    assert _count() == 0
    ok = htmx_form_post(client, "/c/rennes/partners/new", {**SCHOOL, "uai": "0350122T"})
    assert ok.status_code == 200 and ok.headers["HX-Redirect"].startswith("/c/rennes/partners/")


def test_a_uai_already_in_the_directory_is_refused(client, login_as, make_partner):
    existing = make_partner(PartnerKind.ECOLE, name="École des Gantelles")
    login_as("host")
    response = post(client, "/c/rennes/partners/new", {**SCHOOL, "uai": existing.uai})
    assert response.status_code == 422
    assert "L'annuaire a déjà un établissement avec cet UAI : École des Gantelles." in page_text(response)


def test_host_edits_a_partner_and_the_search_follows(client, login_as, make_partner):
    partner = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Carrefour 18")
    login_as("host")
    form = page_text(client.get(f"/c/rennes/partners/{partner.id}/edit"))
    assert 'value="Centre social Carrefour 18"' in form
    response = post(client, f"/c/rennes/partners/{partner.id}/edit",
                    {"kind": "centre_social", "name": "Centre social Champs-Manceaux", "commune_name": "Rennes",
                     "education_prioritaire": "none", "sector": "", "is_open": "y"})  # fmt: skip
    assert response.status_code == 303
    db.session.refresh(partner)
    assert partner.name == "Centre social Champs-Manceaux"
    assert partner.search_text == "centre social champs-manceaux rennes"
    found = page_text(client.get("/c/rennes/partners?q=manceaux"))
    assert "Centre social Champs-Manceaux" in found
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "partner.update")) == 1


def test_porteur_adds_a_territory_partner_but_not_a_school(client, login_as, make_partner):
    association = make_partner(PartnerKind.ASSOCIATION)
    login_as("porteur", partner=association)
    form = page_text(client.get("/c/rennes/partners/new"))
    assert 'value="pre"' in form and 'value="ecole"' not in form
    ok = post(client, "/c/rennes/partners/new", {"kind": "pre", "name": "PRE de Rennes", "education_prioritaire": "none"})
    assert ok.status_code == 303
    refused = post(client, "/c/rennes/partners/new", {**SCHOOL, "uai": "0350122T"})
    assert refused.status_code == 422
    assert "N'est pas un choix valide." in _error_of(page_text(refused), "kind")
    assert db.session.scalar(select(func.count()).select_from(Partner).where(Partner.kind == PartnerKind.ECOLE)) == 0
    # Editing stays with the hosts.
    pre = db.session.scalars(select(Partner).where(Partner.kind == PartnerKind.PRE)).one()
    assert client.get(f"/c/rennes/partners/{pre.id}/edit").status_code == 403
    assert post(client, f"/c/rennes/partners/{pre.id}/edit", {"kind": "pre", "name": "X"}).status_code == 403


@pytest.mark.parametrize("role", ["viewer", "school"])
def test_viewers_and_schools_cannot_create(client, login_as, committee, role):
    login_as(role)
    assert client.get("/c/rennes/partners/new").status_code == 403
    assert post(client, "/c/rennes/partners/new", {"kind": "pre", "name": "PRE"}).status_code == 403
    assert _count() == 0


def test_another_committees_partner_answers_404(client, login_as, make_committee, make_partner):
    other = make_committee(slug="brest")
    foreign = make_partner(PartnerKind.ASSOCIATION, committee=other)
    login_as("host")
    assert client.get(f"/c/rennes/partners/{foreign.id}").status_code == 404
    assert client.get(f"/c/rennes/partners/{foreign.id}/edit").status_code == 404
    assert post(client, f"/c/rennes/partners/{foreign.id}/edit", {"kind": "pre", "name": "X"}).status_code == 404
