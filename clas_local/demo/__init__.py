"""The `demo` committee: realistic data to discover Clas Local and to test it by hand.

`seed_demo()` is idempotent: each step creates only what is missing. Steps live in
their own modules (directory, projects, then what later features add) and share a
DemoContext so that a later step finds the partners and projects of an earlier one.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field

from sqlalchemy import select

from clas_local.committees.models import Committee, HolidayZone
from clas_local.extensions import db

DEMO_SLUG = "demo"
DEMO_PASSWORD = "Clas-Demo-2026!"

# Run in this order.
STEPS = (
    "clas_local.demo.directory",
    "clas_local.demo.projects",
    "clas_local.demo.users",
    "clas_local.demo.meetings",
    "clas_local.demo.invitations",
    "clas_local.demo.attendance",
    "clas_local.demo.history",
    "clas_local.demo.lines",
    "clas_local.demo.activity",
    "clas_local.demo.department",
)


@dataclass
class DemoContext:
    committee: Committee
    partners: dict[str, object] = field(default_factory=dict)  # key: UAI or short name
    projects: dict[str, object] = field(default_factory=dict)
    users: dict[str, object] = field(default_factory=dict)  # key: role value
    logins: list[tuple[str, str, str]] = field(default_factory=list)


def demo_committee() -> Committee:
    committee = db.session.scalar(select(Committee).where(Committee.slug == DEMO_SLUG))
    if committee is None:
        committee = Committee(
            slug=DEMO_SLUG,
            name="Comité local d'accompagnement à la scolarité de Rennes Métropole",
            host_organisation="Rennes Métropole – direction Éducation Enfance",
            insee_codes=["35238", "35315", "35351"],
            departement_code="35",
            epci_siren="243500139",
            holiday_zone=HolidayZone.B,
            timezone="Europe/Paris",
        )
        db.session.add(committee)
        db.session.flush()
    return committee


def seed_demo() -> list[tuple[str, str, str]]:
    """Create what is missing of the demo; return the logins (role, e-mail, password)."""
    context = DemoContext(committee=demo_committee())
    for name in STEPS:
        importlib.import_module(name).seed(context)
        db.session.flush()
    return context.logins
