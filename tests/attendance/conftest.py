from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import pytest

from clas_local.auth.models import Role
from clas_local.partners.models import PartnerKind


# A Thursday of the school year 2026-2027, already over: attendance waits for the start.
PAST_START = datetime(2026, 11, 19, 16, 30, tzinfo=timezone.utc)


@dataclass
class Scene:
    project: object
    meeting: object
    school: object
    director: object
    centre: object
    porteur_user: object | None = None

    def url(self, suffix: str = "") -> str:
        return f"/c/{self.meeting.committee.slug}/meetings/{self.meeting.id}{suffix}"

    def toggle_url(self, partner) -> str:
        return self.url(f"/attendance/partners/{partner.id}")


@pytest.fixture
def scene(make_partner, make_contact, make_project, make_meeting, make_invitation):
    """A suivi meeting of a project with one school (director e-mailed) and a centre social invited."""
    school = make_partner(PartnerKind.ECOLE, name="École élémentaire Volga")
    director = make_contact(school, full_name="Claire Martin", function="Directrice")
    make_contact(school, full_name="Paul Leroy", function="Enseignant CM1")
    centre = make_partner(PartnerKind.CENTRE_SOCIAL, name="Centre social Ty-Blosne")
    project = make_project(schools=(school,))
    meeting = make_meeting(project=project, starts_at=PAST_START)
    make_invitation(meeting, school)
    make_invitation(meeting, school, director)
    make_invitation(meeting, centre)
    return Scene(project=project, meeting=meeting, school=school, director=director, centre=centre)


@pytest.fixture
def as_porteur(scene, login_as):
    scene.porteur_user = login_as(Role.PORTEUR, partner=scene.project.porteur)
    return scene
