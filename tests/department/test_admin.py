"""The instance admin sets the département level: which département a committee belongs to
(from its communes at creation, or by hand) and which accounts read a département."""

from __future__ import annotations

from sqlalchemy import select

from clas_local.audit.models import AuditEvent
from clas_local.committees.models import Committee
from clas_local.department.models import DepartmentAccess, DepartmentFunction
from clas_local.extensions import db
from tests.conftest import page_text, post
from tests.factories import sign_in


def _admin(client, make_user):
    admin = make_user(email="admin@instance.fr", is_admin=True)
    sign_in(client, admin)
    return admin


def test_a_new_committee_takes_its_departement_from_its_communes(client, make_user):
    _admin(client, make_user)
    form = {"name": "Comité local de Vannes", "slug": "vannes", "holiday_zone": "B", "timezone": "Europe/Paris"}
    assert post(client, "/admin", {**form, "insee_codes": "56260, 56121"}).status_code == 303
    assert post(client, "/admin", {**form, "slug": "mixte", "insee_codes": "56260, 35238"}).status_code == 303
    assert post(client, "/admin", {**form, "slug": "choisi", "insee_codes": "56260", "departement_code": "35"}).status_code == 303
    codes = dict(db.session.execute(select(Committee.slug, Committee.departement_code)).all())
    assert codes == {"vannes": "56", "mixte": None, "choisi": "35"}
    page = page_text(client.get("/admin"))
    assert "département : Morbihan (56)" in page and "département : non renseigné" in page


def test_the_admin_changes_a_committees_departement(client, make_user, make_committee):
    committee = make_committee(slug="rennes", name="Comité local de Rennes")
    _admin(client, make_user)
    url = f"/admin/comites/{committee.id}/departement"
    assert "Département de « Comité local de Rennes »" in page_text(client.get(url))
    bad = post(client, url, {"departement_code": "20"})
    assert bad.status_code == 422 and "N'est pas un choix valide." in page_text(bad)
    assert post(client, url, {"departement_code": "35"}).status_code == 303
    db.session.refresh(committee)
    assert committee.departement_code == "35"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "committee.departement"))
    assert event.summary == "Département : — → Ille-et-Vilaine (35)"


def test_the_admin_grants_changes_and_withdraws_a_department_access(client, make_user):
    conseillere = make_user(email="conseillere@caf.fr")
    _admin(client, make_user)
    url = f"/admin/comptes/{conseillere.id}/departement"
    assert post(client, url, {"departement_code": "35", "function": "caf"}).status_code == 303
    access = db.session.scalar(select(DepartmentAccess))
    assert (access.user_id, access.departement_code, access.function) == (conseillere.id, "35", DepartmentFunction.CAF)
    accounts = page_text(client.get("/admin/comptes?q=conseillere"))
    assert "Département Ille-et-Vilaine (35) : conseiller ou conseillère CAF" in accounts
    assert post(client, url, {"departement_code": "35", "function": "secretariat"}).status_code == 303
    db.session.refresh(access)
    assert access.function is DepartmentFunction.SECRETARIAT
    assert post(client, url, {"departement_code": "", "function": "caf"}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(select(DepartmentAccess)) is None
    summaries = db.session.scalars(select(AuditEvent.summary).where(AuditEvent.action == "user.department")).all()
    assert len(summaries) == 3 and summaries[-1].endswith("Accès départemental retiré (Ille-et-Vilaine (35))")


def test_only_the_admin_sets_the_departement_level(client, make_user, make_department_user, make_committee):
    committee = make_committee()
    user = make_department_user("35")
    sign_in(client, user)
    assert client.get(f"/admin/comptes/{user.id}/departement").status_code == 404
    assert client.get(f"/admin/comites/{committee.id}/departement").status_code == 404
