"""Fixtures of the « Bilan d'activité »: a project with a porteur organisation and two schools."""

from __future__ import annotations

import pytest

from clas_local.partners.models import PartnerKind


@pytest.fixture
def porteur_org(make_partner):
    return make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")


@pytest.fixture
def project(make_project, porteur_org, make_partner):
    schools = (make_partner(PartnerKind.ECOLE, name="École élémentaire Volga"),
               make_partner(PartnerKind.ECOLE, name="École élémentaire Torigné"))  # fmt: skip
    return make_project(porteur=porteur_org, name="Clas du Blosne", schools=schools)


def url(project) -> str:
    return f"/c/{project.committee.slug}/projects/{project.id}/activity"


# A complete and plausible year: 3 collectifs of 10 children, 2 intervenants each, 2 sessions
# a week over 28 weeks.
VALID = {
    "children_elementaire": "24", "children_college": "6", "children_lycee": "0",
    "collectifs_count": "3", "sessions_held": "168", "weeks_run": "28",
    "paid_intervenants": "4", "volunteer_intervenants": "2", "parent_actions": "5",
    "bilan_children": "Plus de confiance à l'oral.", "bilan_parents": "Trois cafés des parents.",
    "bilan_schools": "Bilan tenu avec les deux écoles.", "bilan_partners": "La médiathèque a accueilli un atelier.",
    "bilan_difficulties": "Des absences en février.", "bilan_outlook": "Un collectif de plus à la rentrée.",
}  # fmt: skip
