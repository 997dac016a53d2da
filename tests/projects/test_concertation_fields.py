"""The project's own start of activity and each school's orientation of children: entered on the
project's screens, read back by the concertation checklist."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import ProjectSchool
from tests.conftest import page_text, post
from tests.projects.test_edit import _valid


def test_the_start_of_activity_is_editable_and_checked_against_the_year(client, login_as, project, porteur_org):
    login_as("host")
    form = page_text(client.get(f"/c/rennes/projects/{project.id}/edit"))
    assert "Démarrage de l'activité" in form and "le premier jour d'école après les vacances de la Toussaint" in form
    response = post(client, f"/c/rennes/projects/{project.id}/edit", _valid(porteur_org, activity_start="2027-07-01"))
    assert response.status_code == 422
    assert ("Le démarrage de l'activité doit tomber dans l'année scolaire 2026-2027, avant la fin de l'activité : "
            "entre le 1er septembre 2026 et le 14 juin 2027.") in page_text(response)  # fmt: skip
    db.session.expire_all()
    assert project.activity_start is None
    response = post(client, f"/c/rennes/projects/{project.id}/edit", _valid(porteur_org, activity_start="2026-11-16"))
    assert response.status_code == 303
    db.session.expire_all()
    assert project.activity_start == date(2026, 11, 16)


def test_a_school_s_orientation_is_recorded_as_counts(client, login_as, project, school):
    login_as("porteur", partner=project.porteur)
    link = ProjectSchool(project=project, partner=school)
    db.session.add(link)
    db.session.commit()
    url = f"/c/rennes/projects/{project.id}/schools/{link.id}/orientation"
    prefix = f"orientation-{link.id}"
    bad = post(client, url, {f"{prefix}-oriented_children_count": "-3", f"{prefix}-oriented_on": "2026-11-05"}, htmx=True)
    assert bad.status_code == 422
    assert "Indiquez un nombre d'enfants entre 0 et 500." in page_text(bad)
    no_count = post(client, url, {f"{prefix}-oriented_children_count": "", f"{prefix}-oriented_on": "2026-11-05"}, htmx=True)
    assert "Indiquez le nombre d'enfants orientés à cette date." in page_text(no_count)
    db.session.expire_all()
    assert link.oriented_children_count is None
    response = post(client, url, {f"{prefix}-oriented_children_count": "12", f"{prefix}-oriented_on": "2026-11-05"}, htmx=True)
    assert response.status_code == 200
    body = page_text(response)
    assert "12 enfants orientés le 5 novembre 2026" in body
    assert "Orientation des enfants par École élémentaire Volga enregistrée." in body
    db.session.expire_all()
    assert (link.oriented_children_count, link.oriented_on) == (12, date(2026, 11, 5))
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "project.school.orientation"))


def test_linking_a_maternelle_warns_that_the_clas_starts_at_cp(client, login_as, project, make_partner):
    """« aux enfants scolarisés du CP au lycée »."""
    maternelle = make_partner(PartnerKind.ECOLE, name="École maternelle Volga")
    login_as("host")
    response = post(client, f"/c/rennes/projects/{project.id}/schools", {"school-partner_id": maternelle.id}, htmx=True)
    assert response.status_code == 200
    assert "École maternelle : le Clas s'adresse aux enfants du CP au lycée" in page_text(response)
