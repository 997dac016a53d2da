"""Fixtures of the project screens: a porteur organisation with a coordinator, schools with contacts."""

from __future__ import annotations

import pytest

from clas_local.partners.models import PartnerKind


@pytest.fixture
def porteur_org(make_partner, make_contact):
    org = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")
    make_contact(org, full_name="Awa Diallo", function="Coordinatrice Clas")
    return org


@pytest.fixture
def school(make_partner, make_contact):
    school = make_partner(PartnerKind.ECOLE, name="École élémentaire Volga")
    make_contact(school, full_name="Marc Le Goff", function="Directeur")
    make_contact(school, full_name="Lina Roux", function="Enseignante CM1")
    return school


@pytest.fixture
def project(make_project, porteur_org):
    return make_project(porteur=porteur_org, name="Clas du Blosne")


@pytest.fixture(autouse=True)
def no_domain_panels(monkeypatch):
    """The project page's own content, without other domains' panels (they test theirs, and the
    page's panel loop is tested in test_detail with a panel of its own)."""
    import clas_local.panels

    monkeypatch.setattr(clas_local.panels, "panels", lambda slot, obj, user: [])
