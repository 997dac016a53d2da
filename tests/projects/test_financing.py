"""A line's financing (kind, period) and the CAF's decision per year: validated in French, 422, nothing saved."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from clas_local.audit.models import AuditEvent
from clas_local.audit.queries import action_label
from clas_local.extensions import db
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import CafStatus, FinancingKind, Project, ProjectFinancing
from tests.conftest import page_text, post


def _financing(client, project, kind, first, last):
    return post(client, f"/c/rennes/projects/{project.id}/financing",
                {"financing-kind": kind, "financing-first_year": first, "financing-last_year": last})  # fmt: skip


def _decision(client, project, status, deposited="", decided=""):
    return post(client, f"/c/rennes/projects/{project.id}/caf-decision",
                {"caf-status": status, "caf-deposited_on": deposited, "caf-decided_on": decided})  # fmt: skip


def _financings():
    return db.session.scalars(select(ProjectFinancing).order_by(ProjectFinancing.first_year)).all()


def test_a_cof_over_four_years_is_recorded_on_the_first_project_of_the_line(client, login_as, make_project, porteur_org):
    host = login_as("host")
    first = make_project(porteur=porteur_org, school_year="2025-2026")
    second = make_project(porteur=porteur_org, school_year="2026-2027", previous_project_id=first.id,
                          first_project_id=first.id)  # fmt: skip
    response = _financing(client, second, "cof", "2025-2026", "2028-2029")
    assert response.status_code in (302, 303)
    [financing] = _financings()
    assert (financing.line_project_id, financing.kind, financing.first_year, financing.last_year) == (
        first.id, FinancingKind.COF, "2025-2026", "2028-2029")  # fmt: skip
    page = page_text(client.get(f"/c/rennes/projects/{first.id}"))
    assert "Financement de 2025-2026 :</strong> Convention d'objectifs et de financement – COF (4 ans au plus), de 2025-2026 à 2028-2029 (4 années scolaires)." in page
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.financing"))
    assert event.actor_id == host.id
    assert action_label(event.action) == "Projets : financement enregistré"


@pytest.mark.parametrize(("kind", "first", "last", "message"), [
    ("cof", "2026-2027", "2030-2031",
     "Convention d'objectifs et de financement – COF (4 ans au plus) : 4 ans au plus ; la période 2026-2027 – 2030-2031 en compte 5."),
    ("agrement_centre_social", "2026-2027", "2031-2032",
     "Adossé à l'agrément du centre social (jusqu'à 5 ans) : 5 ans au plus ; la période 2026-2027 – 2031-2032 en compte 6."),
    ("annuel", "2026-2027", "2027-2028", "Un financement annuel couvre une seule année"),
    ("cof", "2027-2028", "2026-2027", "La dernière année (2026-2027) ne peut précéder la première (2027-2028)."),
    ("cof", "2027-2028", "2029-2030", "La période doit comprendre l'année de ce projet, 2026-2027."),
    ("cof", "2026-2028", "2029-2030", "L'année scolaire s'écrit « 2026-2027 »"),
    ("", "2026-2027", "2026-2027", "Choisissez le type de financement."),
    ("mecenat", "2026-2027", "2026-2027", "Not a valid choice"),
])  # fmt: skip
def test_a_bad_period_is_refused_in_french_and_nothing_is_saved(client, login_as, project, kind, first, last, message):
    login_as("host")
    response = _financing(client, project, kind, first, last)
    assert response.status_code == 422
    page = page_text(response)
    if message == "Not a valid choice":
        assert "Erreur :" in page and "Not a valid" not in page  # WTForms' own message, in French
    else:
        assert message in page
    assert _financings() == []


def test_periods_of_one_line_do_not_overlap(client, login_as, make_project, porteur_org):
    login_as("host")
    first = make_project(porteur=porteur_org, school_year="2025-2026")
    second = make_project(porteur=porteur_org, school_year="2026-2027", previous_project_id=first.id,
                          first_project_id=first.id)  # fmt: skip
    assert _financing(client, first, "annuel", "2025-2026", "2025-2026").status_code in (302, 303)
    response = _financing(client, second, "cof", "2025-2026", "2028-2029")
    assert response.status_code == 422
    assert "La période chevauche le financement déjà enregistré pour 2025-2026 – 2025-2026 (Financement annuel)." in page_text(response)
    assert _financing(client, second, "cof", "2026-2027", "2029-2030").status_code in (302, 303)
    assert [(f.kind, f.first_year) for f in _financings()] == [(FinancingKind.ANNUAL, "2025-2026"),
                                                              (FinancingKind.COF, "2026-2027")]  # fmt: skip


def test_a_cof_warns_when_the_porteur_has_not_two_years_of_support(client, login_as, make_project, porteur_org):
    login_as("host")
    project = make_project(porteur=porteur_org, school_year="2026-2027")
    _financing(client, project, "cof", "2026-2027", "2029-2030")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert ("Une COF est réservée aux porteurs soutenus par la CAF depuis au moins deux ans : Clas Local ne connaît "
            "aucune année de projet du porteur « Centre social Ty-Blosne » avant 2026-2027.") in page
    # Two earlier years granted (another line of the same porteur counts): no warning.
    make_project(porteur=porteur_org, school_year="2024-2025", caf_status=CafStatus.GRANTED)
    make_project(porteur=porteur_org, school_year="2025-2026", caf_status=CafStatus.GRANTED)
    assert "Une COF est réservée" not in page_text(client.get(f"/c/rennes/projects/{project.id}"))


def test_a_refused_year_does_not_count_as_support(client, login_as, make_project, porteur_org):
    login_as("host")
    project = make_project(porteur=porteur_org, school_year="2026-2027")
    make_project(porteur=porteur_org, school_year="2024-2025", caf_status=CafStatus.REFUSED)
    make_project(porteur=porteur_org, school_year="2025-2026", caf_status=CafStatus.GRANTED)
    _financing(client, project, "cof", "2026-2027", "2029-2030")
    assert "Clas Local ne connaît qu'une année de projet du porteur" in page_text(client.get(f"/c/rennes/projects/{project.id}"))


def test_the_caf_decision_of_a_year_is_recorded_with_its_dates(client, login_as, project):
    login_as("host")
    response = _decision(client, project, "accorde", "2026-06-12", "2026-07-07")
    assert response.status_code in (302, 303)
    db.session.expire_all()
    saved = db.session.get(Project, project.id)
    assert (saved.caf_status, saved.caf_deposited_on, saved.caf_decided_on) == (
        CafStatus.GRANTED, date(2026, 6, 12), date(2026, 7, 7))  # fmt: skip
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "project.caf_decision"))
    assert event.summary == "Décision de la CAF pour Clas du Blosne (2026-2027) : Financement accordé"
    assert action_label(event.action) == "Projets : décision de la CAF enregistrée"


@pytest.mark.parametrize(("status", "deposited", "decided", "message"), [
    ("accorde", "2026-07-07", "2026-06-12", "La décision ne peut précéder le dépôt du dossier."),
    ("accorde", "2026-06-12", "", "Indiquez la date de la décision de la CAF."),
    ("refuse", "", "2026-07-07", "Indiquez la date de dépôt du dossier."),
    ("depose", "2026-06-12", "2026-07-07", "Un dossier seulement déposé n'a pas encore de date de décision"),
    ("", "2026-06-12", "", "Choisissez où en est le dossier (déposé, accordé ou refusé)."),
    ("accorde", "1900-01-01", "2026-07-07", "Indiquez une date entre le 1er janvier 2025 et le 31 décembre 2027"),
    ("accorde", "2026-06-12", "pas une date", "Erreur :"),
])  # fmt: skip
def test_a_bad_decision_is_refused_in_french_and_nothing_is_saved(client, login_as, project, status, deposited,
                                                                  decided, message):  # fmt: skip
    login_as("host")
    response = _decision(client, project, status, deposited, decided)
    assert response.status_code == 422
    assert message in page_text(response)
    db.session.expire_all()
    assert db.session.get(Project, project.id).caf_status is None


def test_a_decision_is_per_year(client, login_as, make_project, porteur_org):
    login_as("host")
    first = make_project(porteur=porteur_org, school_year="2025-2026")
    second = make_project(porteur=porteur_org, school_year="2026-2027", previous_project_id=first.id,
                          first_project_id=first.id)  # fmt: skip
    _decision(client, first, "refuse", "2025-06-01", "2025-07-01")
    _decision(client, second, "depose", "2026-06-01")
    page = page_text(client.get(f"/c/rennes/projects/{second.id}"))
    assert "Financement refusé" in page and "Dossier déposé" in page
    db.session.expire_all()
    assert [p.caf_status for p in db.session.scalars(select(Project).order_by(Project.school_year))] == [
        CafStatus.REFUSED, CafStatus.DEPOSITED]  # fmt: skip


@pytest.mark.parametrize("role", ["viewer", "school", "other_porteur"])
def test_who_may_not_edit_records_no_financing(client, login_as, project, school, make_partner, role):
    if role == "other_porteur":
        login_as("porteur", partner=make_partner(PartnerKind.ASSOCIATION, name="Autre association"))
    elif role == "school":
        login_as("school", partner=school)
    else:
        login_as(role)
    assert _financing(client, project, "annuel", "2026-2027", "2026-2027").status_code == (403 if role == "viewer" else 404)
    assert _decision(client, project, "depose", "2026-06-01").status_code == (403 if role == "viewer" else 404)
    assert _financings() == []
    assert db.session.scalar(select(func.count(Project.id)).where(Project.caf_status.is_not(None))) == 0


def test_readers_see_the_financing_without_the_forms(client, login_as, project):
    login_as("host")
    _financing(client, project, "annuel", "2026-2027", "2026-2027")
    client.post("/logout")
    login_as("viewer")
    page = page_text(client.get(f"/c/rennes/projects/{project.id}"))
    assert "Financement de 2026-2027 :</strong> Financement annuel" in page
    assert "Enregistrer le financement" not in page and "Enregistrer la décision" not in page
