"""Demo projects as lines over years: each 2026-2027 project carries on from its 2025-2026 year
(demo.history), and the Blosne project is in its third year (2024-2025, a year with no meeting
recorded, the application not being used yet). Their financing and the CAF's decision per year,
and the communes the PRE, the PEDT and the cité éducative cover, so that a project's page
suggests the territory partners it does not cite yet (the Maurepas project: the PRE).

Idempotent: the first year is found by name and year, links and financings are set once.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from clas_local.extensions import db
from clas_local.projects.models import (
    CafStatus,
    Collectif,
    FinancingKind,
    Project,
    ProjectFinancing,
    ProjectPartner,
    ProjectSchool,
)

FIRST_YEAR = "2024-2025"
RENNES, LE_VERGER = "35238", "35351"

# Communes covered by the territory's schemes (INSEE codes).
COVERED = {"pre-rennes": [RENNES], "pedt-rennes": [RENNES], "cite-maurepas": [RENNES]}

# key: (financing kind, first year, last year), then the CAF's decision per year:
# (status, deposited on, decided on).
FINANCING = {
    # The centre social's agrément carries the Blosne project over four years.
    "blosne": ((FinancingKind.AGREMENT, "2024-2025", "2027-2028"), {
        "2024-2025": (CafStatus.GRANTED, date(2024, 6, 14), date(2024, 7, 9)),
        "2025-2026": (CafStatus.GRANTED, date(2025, 6, 13), date(2025, 7, 8)),
        "2026-2027": (CafStatus.GRANTED, date(2026, 6, 12), date(2026, 7, 7)),
    }),
    # Year by year: the 2026-2027 file is deposited, not decided yet.
    "maurepas": ((FinancingKind.ANNUAL, "2026-2027", "2026-2027"), {
        "2025-2026": (CafStatus.GRANTED, date(2025, 6, 20), date(2025, 7, 15)),
        "2026-2027": (CafStatus.DEPOSITED, date(2026, 6, 19), None),
    }),
    "verger": ((FinancingKind.ANNUAL, "2026-2027", "2026-2027"), {
        "2025-2026": (CafStatus.GRANTED, date(2025, 6, 27), date(2025, 7, 15)),
        "2026-2027": (CafStatus.GRANTED, date(2026, 6, 26), date(2026, 7, 10)),
    }),
}  # fmt: skip


def _first_blosne_year(context, second: Project) -> Project:
    """The Blosne project's first year, a copy of its second (same schools, partners, collectif)."""
    first = db.session.scalar(
        select(Project).where(
            Project.committee_id == context.committee.id, Project.school_year == FIRST_YEAR, Project.name == second.name
        )
    )
    if first is not None:
        return first
    first = Project(committee=context.committee, school_year=FIRST_YEAR, name=second.name, porteur=second.porteur,
                    coordinator=second.coordinator, is_rural=second.is_rural, description=second.description)  # fmt: skip
    for link in second.schools:
        first.schools.append(ProjectSchool(partner=link.partner, referent_contact=link.referent_contact))
    for link in second.territory_partners:
        first.territory_partners.append(ProjectPartner(partner=link.partner, relation=link.relation))
    for collectif in second.collectifs:
        first.collectifs.append(Collectif(name=collectif.name, children_count=collectif.children_count,
                                          animateurs_count=collectif.animateurs_count,
                                          weekly_sessions=collectif.weekly_sessions,
                                          session_minutes=collectif.session_minutes,
                                          planned_weeks=collectif.planned_weeks, place=collectif.place))  # fmt: skip
    db.session.add(first)
    db.session.flush()
    return first


def _link(previous: Project, following: Project) -> None:
    if following.previous_project_id is None:
        following.previous_project_id = previous.id
        following.first_project_id = previous.first_project_id or previous.id


def seed(context) -> None:
    for key, codes in COVERED.items():
        partner = context.partners[key]
        if not partner.covered_communes:
            partner.covered_communes = codes
    years = {
        (project.name, project.school_year): project
        for project in db.session.scalars(select(Project).where(Project.committee_id == context.committee.id))
    }
    for key, ((kind, first_year, last_year), decisions) in FINANCING.items():
        current = context.projects[key]
        previous = years[(current.name, "2025-2026")]
        line = {"2025-2026": previous, "2026-2027": current}
        if key == "blosne":
            line[FIRST_YEAR] = _first_blosne_year(context, previous)
            _link(line[FIRST_YEAR], previous)
            db.session.flush()
        _link(previous, current)
        db.session.flush()
        for year, (status, deposited_on, decided_on) in decisions.items():
            project = line[year]
            if project.caf_status is None:
                project.caf_status, project.caf_deposited_on, project.caf_decided_on = status, deposited_on, decided_on
        line_id = current.first_project_id or current.id
        recorded = db.session.scalars(select(ProjectFinancing).where(ProjectFinancing.line_project_id == line_id)).all()
        if not recorded:
            db.session.add(ProjectFinancing(line_project_id=line_id, kind=kind, first_year=first_year,
                                            last_year=last_year))  # fmt: skip
            if kind is FinancingKind.ANNUAL:
                # The previous year was annual too.
                db.session.add(ProjectFinancing(line_project_id=line_id, kind=kind, first_year="2025-2026",
                                                last_year="2025-2026"))  # fmt: skip
    db.session.flush()
