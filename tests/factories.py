"""Factories: fixtures returning callables that build valid objects with sensible defaults.

    def test_x(make_meeting):
        meeting = make_meeting(kind=MeetingKind.BILAN)

Objects are flushed and committed so that requests made by the test client see them.
"""

from __future__ import annotations

import functools
import itertools
from datetime import datetime, timedelta, timezone

import pytest

from clas_local.auth.models import Membership, Role, User
from clas_local.committees.models import Committee, HolidayZone
from clas_local.extensions import db
from clas_local.invitations.models import Invitation
from clas_local.meetings.models import Meeting, MeetingKind
from clas_local.partners.models import Contact, Partner, PartnerKind, uai_check_letter
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool

_counter = itertools.count(1)

TEST_PASSWORD = "Une-phrase-de-passe-solide"


def valid_uai(number: int) -> str:
    digits = f"{350000 + number:07d}"
    return digits + uai_check_letter(digits)


@functools.lru_cache(maxsize=None)
def _hash(password: str) -> str:
    """argon2id is slow on purpose: hash each test password once per run, not once per user."""
    from clas_local.auth.passwords import hash_password

    return hash_password(password)


def _save(obj):
    db.session.add(obj)
    db.session.commit()
    return obj


@pytest.fixture
def make_committee(app):
    def make(**overrides) -> Committee:
        n = next(_counter)
        fields = {"slug": f"comite-{n}", "name": f"Comité local n° {n}", "holiday_zone": HolidayZone.B}
        fields.update(overrides)
        return _save(Committee(**fields))

    return make


@pytest.fixture
def committee(make_committee) -> Committee:
    return make_committee(slug="rennes", name="Comité local de Rennes")


@pytest.fixture
def make_user(app):
    def make(email: str | None = None, password: str | None = TEST_PASSWORD, **overrides) -> User:
        user = User(email=email or f"personne{next(_counter)}@exemple.fr", **overrides)
        if password:
            user.password_hash = _hash(password)
        return _save(user)

    return make


@pytest.fixture
def make_partner(app, committee):
    def make(kind: PartnerKind = PartnerKind.ASSOCIATION, **overrides) -> Partner:
        n = next(_counter)
        fields = {"committee": committee, "kind": kind, "name": f"{kind.label} n° {n}"}
        if kind in (PartnerKind.ECOLE, PartnerKind.COLLEGE, PartnerKind.LYCEE):
            fields["uai"] = valid_uai(n)
        fields.update(overrides)
        return _save(Partner(**fields))

    return make


@pytest.fixture
def make_contact(app):
    def make(partner: Partner, **overrides) -> Contact:
        n = next(_counter)
        fields = {"partner": partner, "full_name": f"Personne {n}", "function": "Directrice",
                  "email": f"contact{n}@exemple.fr"}
        fields.update(overrides)
        return _save(Contact(**fields))

    return make


@pytest.fixture
def make_member(app, make_user, committee):
    def make(role: Role | str, committee_: Committee | None = None, partner: Partner | None = None, **user_fields) -> User:
        user = make_user(**user_fields)
        _save(Membership(user=user, committee=committee_ or committee, role=Role(role),
                         partner_id=partner.id if partner else None))
        return user

    return make


@pytest.fixture
def make_project(app, committee, make_partner):
    def make(porteur: Partner | None = None, schools: tuple[Partner, ...] = (), **overrides) -> Project:
        target_committee = overrides.pop("committee", committee)
        porteur = porteur or make_partner(PartnerKind.ASSOCIATION, committee=target_committee)
        n = next(_counter)
        fields = {"committee": target_committee, "school_year": "2026-2027", "name": f"Projet Clas n° {n}",
                  "porteur": porteur}
        fields.update(overrides)
        project = Project(**fields)
        for school in schools:
            project.schools.append(ProjectSchool(partner=school))
        return _save(project)

    return make


@pytest.fixture
def make_meeting(app, committee):
    def make(project: Project | None = None, **overrides) -> Meeting:
        target_committee = overrides.pop("committee", project.committee if project else committee)
        start = overrides.pop("starts_at", datetime(2026, 12, 3, 16, 30, tzinfo=timezone.utc))
        fields = {
            "committee": target_committee,
            "project": project,
            "kind": MeetingKind.SUIVI if project else MeetingKind.COMITE_LOCAL,
            "starts_at": start,
            "ends_at": start + timedelta(hours=1, minutes=30),
            "place": "Salle du conseil",
        }
        fields.update(overrides)
        return _save(Meeting(**fields))

    return make


@pytest.fixture
def make_invitation(app):
    def make(meeting: Meeting, partner: Partner, contact: Contact | None = None, **overrides) -> Invitation:
        return _save(Invitation(meeting=meeting, partner=partner, contact=contact, **overrides))

    return make


@pytest.fixture
def make_collectif(app):
    def make(project: Project, **overrides) -> Collectif:
        fields = {"project": project, "name": f"Collectif {next(_counter)}", "children_count": 10,
                  "animateurs_count": 2, "weekly_sessions": 2, "session_minutes": 90, "planned_weeks": 27}
        fields.update(overrides)
        return _save(Collectif(**fields))

    return make


@pytest.fixture
def link_territory_partner(app):
    def link(project: Project, partner: Partner, relation: str = "Orientation croisée des familles.") -> ProjectPartner:
        return _save(ProjectPartner(project=project, partner=partner, relation=relation))

    return link


@pytest.fixture
def login_as(client, make_member):
    """Log the test client in as a new member with `role`; returns the user.

    The session is set as Flask-Login would after a real login (the login form
    itself is tested in tests/auth)."""

    def login(role: Role | str, **kwargs) -> User:
        user = make_member(role, **kwargs)
        sign_in(client, user)
        return user

    return login


def sign_in(client, user: User) -> None:
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
