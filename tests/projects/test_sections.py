"""Schools, territory partners and collectifs of a project: in place with HTMX, PRG without it."""

import re

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import Collectif, ProjectPartner, ProjectSchool
from tests.conftest import htmx_get, page_text, post


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def _url(project, tail=""):
    return f"/c/rennes/projects/{project.id}{tail}"


# -- schools ------------------------------------------------------------------------------------


def test_link_a_school_with_its_referent_without_javascript(client, login_as, project, school):
    login_as("host")
    referent = school.contacts[1]
    response = post(client, _url(project, "/schools"), {"school-partner_id": school.id, "school-referent_contact_id": referent.id})
    assert response.status_code == 303
    assert response.headers["Location"] == _url(project, "#ecoles")
    link = db.session.scalar(select(ProjectSchool))
    assert (link.partner_id, link.referent_contact_id) == (school.id, referent.id)
    assert "project.school.add" in _actions()
    page = page_text(client.get(_url(project)))
    assert "École élémentaire Volga est lié au projet." in page
    assert "Lina Roux – Enseignante CM1" in page


def test_link_a_school_in_place_with_htmx(client, login_as, project, school):
    login_as("porteur", partner=project.porteur)
    response = post(client, _url(project, "/schools"), {"school-partner_id": school.id}, htmx=True)
    assert response.status_code == 200
    body = page_text(response)
    assert body.lstrip().startswith('<section id="ecoles"')
    assert "<h1>" not in body
    assert "École élémentaire Volga" in body and "Aucun contact référent" in body
    assert "project-changed" in response.headers["HX-Trigger"]
    assert _count(ProjectSchool) == 1


def test_referent_must_be_a_contact_of_that_school(client, login_as, project, school, make_partner, make_contact):
    other = make_partner(PartnerKind.ECOLE, name="École Guillevic")
    stranger = make_contact(other, full_name="Paul Guillevic")
    login_as("host")
    response = post(client, _url(project, "/schools"), {"school-partner_id": school.id, "school-referent_contact_id": stranger.id}, htmx=True)
    assert response.status_code == 422
    assert "Erreur : Choisissez une personne de l'établissement « École élémentaire Volga »." in page_text(response)
    assert _count(ProjectSchool) == 0


def test_referent_choices_follow_the_chosen_school(client, login_as, project, school, make_partner, make_contact):
    other = make_partner(PartnerKind.ECOLE, name="École Guillevic")
    make_contact(other, full_name="Paul Guillevic", function="Directeur")
    login_as("porteur", partner=project.porteur)
    page = page_text(client.get(_url(project)))
    # The page lists no school's people until a school is chosen (the link form is loaded when opened).
    assert "Marc Le Goff" not in page and "Paul Guillevic" not in page
    form = page_text(htmx_get(client, _url(project, "/forms/school")))
    assert "Marc Le Goff" not in form and "Paul Guillevic" not in form
    assert f'hx-get="/c/rennes/projects/{project.id}/schools/referents"' in form
    response = htmx_get(client, _url(project, f"/schools/referents?school-partner_id={school.id}"))
    body = page_text(response)
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="field " id="school-referent_contact_id-field">')
    assert "Marc Le Goff – Directeur" in body and "Lina Roux – Enseignante CM1" in body
    assert "Paul Guillevic" not in body


@pytest.mark.parametrize("chosen", ["", "abc", "999999"])
def test_referent_choices_of_no_or_an_unknown_school_are_empty(client, login_as, project, school, chosen):
    login_as("host")
    body = page_text(htmx_get(client, _url(project, f"/schools/referents?school-partner_id={chosen}")))
    assert "— Aucun contact référent —" in body and "Marc Le Goff" not in body


def test_referent_choices_are_for_those_who_edit_the_project(client, login_as, project, school):
    login_as("viewer")
    assert htmx_get(client, _url(project, f"/schools/referents?school-partner_id={school.id}")).status_code == 403


def test_a_forged_referent_value_gets_a_french_message(client, login_as, project, school):
    login_as("host")
    response = post(client, _url(project, "/schools"), {"school-partner_id": school.id, "school-referent_contact_id": "x1"}, htmx=True)
    assert response.status_code == 422
    assert "Choisissez une personne de l'établissement « École élémentaire Volga »." in page_text(response)
    assert _count(ProjectSchool) == 0


@pytest.mark.parametrize("htmx", [False, True])
def test_only_schools_can_be_linked_as_schools(client, login_as, project, make_partner, htmx):
    association = make_partner(PartnerKind.ASSOCIATION)
    login_as("host")
    response = post(client, _url(project, "/schools"), {"school-partner_id": association.id}, htmx=htmx)
    assert response.status_code == 422
    page = page_text(response)
    assert "Erreur : N'est pas un choix valide." in page
    assert ("<h1>" in page) is not htmx
    assert _count(ProjectSchool) == 0


def test_missing_school_is_explained(client, login_as, project, school):
    login_as("host")
    response = post(client, _url(project, "/schools"), {"school-partner_id": ""})
    assert response.status_code == 422
    assert "Erreur : Choisissez une école, un collège ou un lycée." in page_text(response)


def test_set_and_clear_the_referent(client, login_as, project, school):
    link = ProjectSchool(project=project, partner=school)
    db.session.add(link)
    db.session.commit()
    login_as("host")
    field = f"school-{link.id}-referent_contact_id"
    response = post(client, _url(project, f"/schools/{link.id}"), {field: school.contacts[0].id}, htmx=True)
    assert response.status_code == 200
    assert "Contact référent de École élémentaire Volga enregistré." in page_text(response)
    db.session.expire_all()
    assert link.referent_contact_id == school.contacts[0].id
    post(client, _url(project, f"/schools/{link.id}"), {field: ""})
    db.session.expire_all()
    assert link.referent_contact_id is None
    assert _actions().count("project.school.referent") == 2


def test_remove_a_school(client, login_as, project, school):
    link = ProjectSchool(project=project, partner=school)
    db.session.add(link)
    db.session.commit()
    login_as("host")
    response = post(client, _url(project, f"/schools/{link.id}/remove"), htmx=True)
    assert response.status_code == 200
    assert "Aucune école n'est encore liée au projet." in page_text(response)
    assert _count(ProjectSchool) == 0
    assert "project.school.remove" in _actions()


def test_a_link_of_another_project_answers_404(client, login_as, project, make_project, school):
    other = make_project(schools=(school,))
    login_as("host")
    link_id = other.schools[0].id
    assert post(client, _url(project, f"/schools/{link_id}/remove")).status_code == 404
    assert _count(ProjectSchool) == 1


# -- territory partners ---------------------------------------------------------------------------


def test_link_update_and_remove_a_territory_partner(client, login_as, project, make_partner):
    pre = make_partner(PartnerKind.PRE, name="PRE de Rennes")
    login_as("host")
    response = post(client, _url(project, "/partners"), {"partner-partner_id": pre.id, "partner-relation": "Orientation croisée."}, htmx=True)
    assert response.status_code == 200
    body = page_text(response)
    assert body.lstrip().startswith('<section id="partenaires"')
    assert "PRE de Rennes" in body and "Orientation croisée." in body
    link = db.session.scalar(select(ProjectPartner))
    response = post(client, _url(project, f"/partners/{link.id}"), {f"partner-{link.id}-relation": "Locaux partagés."})
    assert response.status_code == 303
    db.session.expire_all()
    assert link.relation == "Locaux partagés."
    post(client, _url(project, f"/partners/{link.id}/remove"))
    assert _count(ProjectPartner) == 0
    assert [a for a in _actions() if a.startswith("project.partner")] == [
        "project.partner.add", "project.partner.update", "project.partner.remove",
    ]


def test_relation_is_required_and_nothing_is_saved(client, login_as, project, make_partner):
    pre = make_partner(PartnerKind.PRE)
    login_as("host")
    response = post(client, _url(project, "/partners"), {"partner-partner_id": pre.id, "partner-relation": "   "}, htmx=True)
    assert response.status_code == 422
    assert "Erreur : Décrivez en une phrase la relation avec ce partenaire." in page_text(response)
    assert _count(ProjectPartner) == 0


def test_schools_and_the_porteur_are_not_territory_partners(client, login_as, project, school):
    login_as("host")
    for partner_id in (school.id, project.porteur_id):
        response = post(client, _url(project, "/partners"), {"partner-partner_id": partner_id, "partner-relation": "x"})
        assert response.status_code == 422
    assert _count(ProjectPartner) == 0


# -- collectifs ---------------------------------------------------------------------------------


COLLECTIF = {
    "collectif-name": "CM1–CM2 Volga",
    "collectif-children_count": "7",
    "collectif-animateurs_count": "1",
    "collectif-weekly_sessions": "2",
    "collectif-session_minutes": "90",
    "collectif-planned_weeks": "27",
    "collectif-place": "Centre social, salle 2",
}


def test_add_a_collectif_in_place_with_its_warnings(client, login_as, project):
    login_as("host")
    response = post(client, _url(project, "/collectifs"), COLLECTIF, htmx=True)
    assert response.status_code == 200
    body = page_text(response)
    assert body.lstrip().startswith('<section id="collectifs"')
    assert "Le collectif « CM1–CM2 Volga » est ajouté." in body
    # Saved even though it breaks the urban rules: warnings, never blocks.
    assert '<span class="badge badge-warn">à vérifier</span> 7 enfants : un collectif compte de 8 à 12 enfants' in body
    assert "1 animateur : chaque collectif est encadré par 2 intervenants." in body
    collectif = db.session.scalar(select(Collectif))
    assert (collectif.children_count, collectif.animateurs_count, collectif.place) == (7, 1, "Centre social, salle 2")
    assert "project.collectif.add" in _actions()


def test_the_collectif_form_says_no_child_data(client, login_as, project):
    login_as("host")
    page = page_text(htmx_get(client, _url(project, "/forms/collectif")))
    assert "aucune donnée personnelle sur les enfants (ni nom, ni âge, ni classe)" in page
    assert "jamais le prénom d'un enfant" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("collectif-name", "", "Indiquez le nom du collectif."),
        ("collectif-children_count", "", "Indiquez le nombre d'enfants."),
        ("collectif-children_count", "douze", "N'est pas un entier valide."),
        ("collectif-children_count", "-1", "Indiquez un nombre entre 0 et 100."),
        ("collectif-session_minutes", "900", "Indiquez un nombre entre 0 et 600."),
        ("collectif-planned_weeks", "60", "Indiquez un nombre entre 0 et 53."),
    ],
)
def test_bad_collectif_input_is_explained_and_nothing_saved(client, login_as, project, field, value, message):
    login_as("host")
    response = post(client, _url(project, "/collectifs"), {**COLLECTIF, field: value})
    assert response.status_code == 422
    page = page_text(response)
    assert f"Erreur : {message}" in page
    assert "<h1>Clas du Blosne</h1>" in page
    assert _count(Collectif) == 0


def test_edit_a_collectif(client, login_as, project, make_collectif):
    collectif = make_collectif(project, name="Groupe A")
    login_as("porteur", partner=project.porteur)
    url = _url(project, f"/collectifs/{collectif.id}/edit")
    page = page_text(client.get(url))
    assert "<h1>Modifier le collectif « Groupe A »</h1>" in page
    data = {k.replace("collectif-", "collectif-"): v for k, v in COLLECTIF.items()}
    bad = post(client, url, {**data, "collectif-animateurs_count": "x"}, htmx=True)
    assert bad.status_code == 422 and page_text(bad).lstrip().startswith('<div id="collectif-form">')
    response = post(client, url, data)
    assert response.status_code == 303
    db.session.expire_all()
    assert (collectif.name, collectif.children_count) == ("CM1–CM2 Volga", 7)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.collectif.update"))
    assert event.details["changes"]["children_count"] == [10, 7]


def test_remove_a_collectif(client, login_as, project, make_collectif):
    collectif = make_collectif(project)
    login_as("host")
    response = post(client, _url(project, f"/collectifs/{collectif.id}/remove"))
    assert response.status_code == 303
    assert _count(Collectif) == 0
    assert "project.collectif.remove" in _actions()


# -- permissions --------------------------------------------------------------------------------


WRITES = [
    ("/schools", {}),
    ("/partners", {}),
    ("/collectifs", COLLECTIF),
]


@pytest.mark.parametrize(("tail", "data"), WRITES)
def test_viewer_cannot_change_a_project(client, login_as, project, tail, data):
    login_as("viewer")
    assert post(client, _url(project, tail), data).status_code == 403
    assert _count(Collectif) == 0


@pytest.mark.parametrize(("tail", "data"), WRITES)
def test_porteur_of_another_organisation_gets_404(client, login_as, project, make_partner, tail, data):
    login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION))
    assert post(client, _url(project, tail), data).status_code == 404
    assert _count(Collectif) == 0


def test_other_committee_gets_404(client, login_as, project, make_committee, make_collectif):
    collectif = make_collectif(project)
    make_committee(slug="brest")
    login_as("host", committee_=None)
    assert post(client, f"/c/brest/projects/{project.id}/collectifs", COLLECTIF).status_code == 404
    assert client.get(f"/c/brest/projects/{project.id}/collectifs/{collectif.id}/edit").status_code == 404


def test_post_without_csrf_token_is_refused(client, login_as, project):
    login_as("host")
    response = client.post(_url(project, "/collectifs"), data=COLLECTIF)
    assert response.status_code == 400
    assert _count(Collectif) == 0


@pytest.mark.parametrize("forged", [" x", "\n", "1; DROP TABLE contact"])
def test_a_forged_referent_value_gets_a_french_message_not_a_500(client, login_as, committee, make_partner, make_contact, make_project, forged):
    from clas_local.partners.models import PartnerKind

    login_as("host")
    school = make_partner(PartnerKind.ECOLE)
    make_contact(school)
    project = make_project(schools=(school,))
    link = project.schools[0]
    field = f"school-{link.id}-referent_contact_id"
    response = post(client, f"/c/rennes/projects/{project.id}/schools/{link.id}", {field: forged}, htmx=True)
    assert response.status_code in (200, 422)
    assert link.referent_contact_id is None


def test_schools_to_link_are_grouped_by_kind(client, login_as, project, school, make_partner):
    """Hundreds of schools at department scale: the list is grouped (RGAA 11.8), écoles first."""
    make_partner(PartnerKind.COLLEGE, name="Collège des Hautes-Ourmes")
    make_partner(PartnerKind.LYCEE, name="Lycée Joliot-Curie")
    make_partner(PartnerKind.ECOLE, name="École maternelle Albert-de-Mun")
    login_as("host")
    text = page_text(htmx_get(client, _url(project, "/forms/school")))
    select_html = re.search(r'<select[^>]*id="school-partner_id".*?</select>', text, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select_html, re.S)
    assert [label for label, _ in groups] == ["Écoles", "Collèges", "Lycées"]
    schools = dict(groups)
    assert sorted(re.findall(r">([^<(]+) \(", schools["Écoles"])) == ["École maternelle Albert-de-Mun", "École élémentaire Volga"]
    assert "Collège des Hautes-Ourmes" in schools["Collèges"] and "Lycée Joliot-Curie" in schools["Lycées"]
    assert select_html.index("— Choisir —") < select_html.index("<optgroup")


# -- the folded add-forms -------------------------------------------------------------------------


FOLDED = {
    "school": ("lier-ecole", "Lier l'établissement</button>"),
    "partner": ("lier-partenaire", "Lier le partenaire</button>"),
    "collectif": ("ajouter-collectif", "Ajouter le collectif</button>"),
    "caf-decision": ("decision-caf", "Enregistrer la décision</button>"),
    "financing": ("modifier-financement", "Enregistrer le financement</button>"),
}


def test_the_page_folds_its_add_forms_and_loads_each_when_opened(client, login_as, project, school, make_partner):
    """Most visits open none of them: the page carries each one's heading, and the form comes
    (HTMX GET) when its <details> is opened."""
    make_partner(PartnerKind.PRE, name="PRE de Rennes")
    login_as("host")
    page = page_text(client.get(_url(project)))
    for form, (anchor, button) in FOLDED.items():
        url = _url(project, f"/forms/{form}")
        assert f'id="{anchor}" hx-get="{url}" hx-trigger="toggle once"' in page
        assert f'<a href="{url}">Afficher le formulaire' in page
        assert button not in page
        fragment = htmx_get(client, url)
        assert fragment.status_code == 200 and button in page_text(fragment)
        assert "<html" not in page_text(fragment) and 'name="csrf_token"' in page_text(fragment)


@pytest.mark.parametrize("form", sorted(FOLDED))
def test_without_javascript_the_folded_form_opens_in_the_page(client, login_as, project, school, make_partner, form):
    make_partner(PartnerKind.PRE, name="PRE de Rennes")
    login_as("porteur", partner=project.porteur)
    anchor, button = FOLDED[form]
    response = client.get(_url(project, f"/forms/{form}"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_url(project, f"?formulaire={form}#{anchor}"))
    page = page_text(client.get(response.headers["Location"]))
    assert f'<details class="add-form" id="{anchor}" open>' in page and button in page
    assert sum(name in page for _, name in FOLDED.values()) == 1  # the others stay folded


def test_folded_forms_are_for_those_who_edit_the_project(client, login_as, project):
    login_as("viewer")
    assert htmx_get(client, _url(project, "/forms/school")).status_code == 403
    assert "Afficher le formulaire" not in page_text(client.get(_url(project)))
    client.post("/logout")
    login_as("host")
    assert client.get(_url(project, "/forms/nothing")).status_code == 404
    page = page_text(client.get(_url(project, "?formulaire=nothing")))
    assert not re.search(r'<details class="add-form" id="[^"]+" open>', page)


def test_a_school_row_folds_its_referent_and_orientation_forms(client, login_as, project, school):
    link = ProjectSchool(project=project, partner=school)
    db.session.add(link)
    db.session.commit()
    login_as("porteur", partner=project.porteur)
    page = page_text(client.get(_url(project)))
    for form in ("referent", "orientation"):
        url = _url(project, f"/schools/{link.id}/forms/{form}")
        assert f'id="{form}-{link.id}" hx-get="{url}" hx-trigger="toggle once"' in page
    assert f'name="school-{link.id}-referent_contact_id"' not in page
    assert f'name="orientation-{link.id}-oriented_children_count"' not in page
    # Opened: the form alone (HTMX), or the page with it open (no JavaScript).
    referent = page_text(htmx_get(client, _url(project, f"/schools/{link.id}/forms/referent")))
    assert "<html" not in referent and "Marc Le Goff – Directeur" in referent
    assert f'hx-post="{_url(project, f"/schools/{link.id}")}"' in referent
    orientation = page_text(htmx_get(client, _url(project, f"/schools/{link.id}/forms/orientation")))
    assert f'name="orientation-{link.id}-oriented_children_count"' in orientation
    response = client.get(_url(project, f"/schools/{link.id}/forms/orientation"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_url(project, f"?formulaire=orientation-{link.id}#orientation-{link.id}"))
    page = page_text(client.get(response.headers["Location"]))
    assert f'<details class="row-fold" id="orientation-{link.id}" open>' in page
    assert f'name="orientation-{link.id}-oriented_children_count"' in page
    assert f'name="school-{link.id}-referent_contact_id"' not in page


def test_a_school_row_form_with_errors_comes_back_open(client, login_as, project, school):
    link = ProjectSchool(project=project, partner=school)
    db.session.add(link)
    db.session.commit()
    login_as("host")
    prefix = f"orientation-{link.id}"
    data = {f"{prefix}-oriented_children_count": "-3"}
    for htmx in (True, False):
        response = post(client, _url(project, f"/schools/{link.id}/orientation"), data, htmx=htmx)
        assert response.status_code == 422
        body = page_text(response)
        assert f'<details class="row-fold" id="orientation-{link.id}" open>' in body
        assert "Indiquez un nombre d'enfants entre 0 et 500." in body


def test_a_school_row_form_of_another_project_answers_404(client, login_as, project, make_project, school):
    other = make_project(schools=(school,))
    login_as("host")
    assert htmx_get(client, _url(project, f"/schools/{other.schools[0].id}/forms/referent")).status_code == 404


def test_a_partner_s_relation_form_is_folded_and_comes_back_open_with_its_errors(client, login_as, project, make_partner):
    pre = make_partner(PartnerKind.PRE, name="PRE de Rennes")
    link = ProjectPartner(project=project, partner=pre, relation="Orientation croisée.")
    db.session.add(link)
    db.session.commit()
    login_as("host")
    url = _url(project, f"/partners/{link.id}/form")
    page = page_text(client.get(_url(project)))
    assert f'id="relation-{link.id}" hx-get="{url}" hx-trigger="toggle once"' in page
    assert f'name="partner-{link.id}-relation"' not in page
    form = page_text(htmx_get(client, url))
    assert "<html" not in form and "Orientation croisée." in form and "Enregistrer la relation" in form
    response = client.get(url)
    assert response.headers["Location"].endswith(_url(project, f"?formulaire=relation-{link.id}#relation-{link.id}"))
    assert f'<details class="relation-fold" id="relation-{link.id}" open>' in page_text(client.get(response.headers["Location"]))
    bad = post(client, _url(project, f"/partners/{link.id}"), {f"partner-{link.id}-relation": "  "}, htmx=True)
    assert bad.status_code == 422
    assert f'<details class="relation-fold" id="relation-{link.id}" open>' in page_text(bad)
    client.post("/logout")
    login_as("viewer")
    assert htmx_get(client, url).status_code == 403
