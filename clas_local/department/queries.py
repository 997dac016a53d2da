"""Reads of the department pages: a département's committees, their projects of the year with
their obligations, the activity figures, renewals, field visits and difficulties.

Every function runs a fixed number of queries whatever the number of committees (the bench's
department holds about forty): never one query per committee or per project.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import Row, and_, or_, select
from sqlalchemy.orm import joinedload

from clas_local.activity.models import COUNT_FIELDS, ActivityFigures
from clas_local.committees.models import Committee
from clas_local.compliance import queries as compliance
from clas_local.compliance.rules import evaluate_obligations
from clas_local.department.models import Difficulty, DifficultyStatus, FieldVisit
from clas_local.extensions import db
from clas_local.partners.models import Partner
from clas_local.projects.models import Project
from clas_local.projects.renewals import BILAN, RENEWAL, RenewalRow, renewals
from clas_local.revisions import committee_revisions, kept
from clas_local.school_year import committee_today, current_school_year

RECENT_VISITS = 20


def committees_of(code: str) -> list[Committee]:
    return list(db.session.scalars(select(Committee).where(Committee.departement_code == code).order_by(Committee.name)))


# -- activity figures ------------------------------------------------------------------------------


def figures_totals(figures: list[ActivityFigures | None]) -> dict[str, int]:
    """The sum of each count over the figures entered (a count not entered adds nothing)."""
    return {name: sum(getattr(item, name) or 0 for item in figures if item is not None) for name in COUNT_FIELDS}


def children_total(totals: dict[str, int]) -> int:
    return totals["children_elementaire"] + totals["children_college"] + totals["children_lycee"]


# -- dashboard -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommitteeLine:
    """A committee of the département and its projects of the year (how many, their obligations'
    overall statuses, their figures, how many are due for renewal or lack last year's bilan): one
    row of the dashboard; its projects are on its own pages."""

    committee: Committee
    school_year: str
    project_count: int = 0
    statuses: dict[str, int] = field(default_factory=dict)  # overall status code -> projects
    with_figures: int = 0
    totals: dict[str, int] = field(default_factory=dict)
    renewals_due: int = 0
    bilans_missing: int = 0

    def count(self, status_code: str) -> int:
        return self.statuses.get(status_code, 0)


def current_projects(committees: list[Committee]) -> list[Row]:
    """Each committee's projects of its current school year (one query), as rows: what their
    obligations read (compliance.queries.load_facts_of_committees), with the porteur's name,
    and their figures (ActivityFigures, None when not entered). Columns rather than Project
    entities: the dashboard reads hundreds of projects and shows none of their other fields."""
    if not committees:
        return []
    by_year: dict[str, list[int]] = defaultdict(list)
    for committee in committees:
        by_year[current_school_year(committee)].append(committee.id)
    condition = or_(*(and_(Project.committee_id.in_(ids), Project.school_year == year) for year, ids in by_year.items()))
    return list(
        db.session.execute(
            select(Project.id, Project.committee_id, Project.school_year, Project.name, Project.porteur_id,
                   Project.is_rural, Project.activity_start, Partner.name.label("porteur_name"),
                   ActivityFigures)
            .join(Partner, Project.porteur_id == Partner.id)
            .outerjoin(ActivityFigures, ActivityFigures.project_id == Project.id)
            .where(condition)
            .order_by(Project.name, Project.id)
        )  # fmt: skip
    )


def renewals_due(committees: list[Committee]) -> list[RenewalRow]:
    """The projects of the committees' current year due for renewal or lacking last year's
    bilan (projects.renewals), one call per school year the committees are in (one, or two
    when an overseas committee has already started its next year)."""
    by_year: dict[str, list[int]] = defaultdict(list)
    for committee in committees:
        by_year[current_school_year(committee)].append(committee.id)
    return [row for year, ids in sorted(by_year.items()) for row in renewals(ids, year)]


def _computed_lines(committees: list[Committee]) -> list[CommitteeLine]:
    """dashboard_lines() computed from the data: the statuses of the obligations of every project
    of the year (read from their diagnostic and bilan meetings only), in a fixed number of queries."""
    if not committees:
        return []
    projects = current_projects(committees)
    facts = compliance.load_facts_of_committees(committees, projects)
    of_committee: dict[int, list[Row]] = defaultdict(list)
    for project in projects:
        of_committee[project.committee_id].append(project)
    renewals_of: dict[int, Counter] = defaultdict(Counter)
    for row in renewals_due(committees):
        renewals_of[row.committee_id][row.kind] += 1
    lines = []
    for committee in committees:
        own = of_committee[committee.id]
        figures = [project.ActivityFigures for project in own]
        lines.append(CommitteeLine(
            committee=committee,
            school_year=current_school_year(committee),
            project_count=len(own),
            statuses=dict(Counter(evaluate_obligations(facts[project.id]).overall.code for project in own)),
            with_figures=sum(item is not None for item in figures),
            totals=figures_totals(figures),
            renewals_due=renewals_of[committee.id][RENEWAL],
            bilans_missing=renewals_of[committee.id][BILAN],
        ))  # fmt: skip
    return lines


def dashboard_lines(committees: list[Committee]) -> list[CommitteeLine]:
    """Per committee, its line of the dashboard. A line is kept under the committee's revision
    (clas_local.revisions) and the days it depends on, and computed again only after a write of
    the committee's data: a département of forty committees costs a handful of queries when
    nothing changed, and the lines of the committees that did change otherwise."""
    revisions = committee_revisions([committee.id for committee in committees])
    today = date.today()  # the renewals' day (projects.renewals); the obligations read the committee's
    keys = {
        committee.id: (committee.id, revisions[committee.id], current_school_year(committee),
                       committee_today(committee), today)
        for committee in committees
    }  # fmt: skip
    store = kept("department-dashboard")
    lines = {committee.id: store.get(keys[committee.id]) for committee in committees}
    for line in _computed_lines([committee for committee in committees if lines[committee.id] is None]):
        store.put(keys[line.committee.id], line)
        lines[line.committee.id] = line
    # The committee of this request (a kept line may hold another session's, detached).
    return [replace(lines[committee.id], committee=committee) for committee in committees]


def field_visits(code: str, limit: int = RECENT_VISITS) -> list[FieldVisit]:
    """The département's most recent field visits, project and committee loaded."""
    return list(
        db.session.scalars(
            select(FieldVisit)
            .join(Committee, FieldVisit.committee_id == Committee.id)
            .where(Committee.departement_code == code)
            .options(joinedload(FieldVisit.project), joinedload(FieldVisit.committee))
            .order_by(FieldVisit.visited_on.desc(), FieldVisit.id.desc())
            .limit(limit)
        )
    )


def difficulties(code: str) -> list[Difficulty]:
    """The difficulties flagged about the département's committees: open ones first, newest first."""
    return list(
        db.session.scalars(
            select(Difficulty)
            .join(Committee, Difficulty.committee_id == Committee.id)
            .where(Committee.departement_code == code)
            .options(joinedload(Difficulty.project), joinedload(Difficulty.committee))
            .order_by(Difficulty.status == DifficultyStatus.CLOSED, Difficulty.noted_on.desc(), Difficulty.id.desc())
        )
    )


def recordable_projects(committees: list[Committee]) -> list[tuple[int, str, int]]:
    """The projects a visit or a difficulty may be about: this school year's and last year's, as
    (id, label, committee id), by committee (one query)."""
    if not committees:
        return []
    names = {committee.id: committee.name for committee in committees}
    years: set[str] = set()
    for committee in committees:
        current = current_school_year(committee)
        first = int(current[:4])
        years |= {current, f"{first - 1}-{first}"}
    rows = db.session.execute(
        select(Project.id, Project.name, Project.school_year, Project.committee_id)
        .where(Project.committee_id.in_(names), Project.school_year.in_(years))
        .order_by(Project.school_year.desc(), Project.name, Project.id)
    ).all()
    rows = sorted(rows, key=lambda row: (names[row.committee_id], -int(row.school_year[:4]), row.name, row.id))
    return [(row.id, f"{names[row.committee_id]} — {row.name} ({row.school_year})", row.committee_id) for row in rows]


# -- the department's annual bilan -------------------------------------------------------------------


def bilan_years(committees: list[Committee]) -> list[str]:
    """The school years with projects in the département, most recent first (one query)."""
    if not committees:
        return []
    return list(
        db.session.scalars(
            select(Project.school_year)
            .distinct()
            .where(Project.committee_id.in_([committee.id for committee in committees]))
            .order_by(Project.school_year.desc())
        )
    )


@dataclass(frozen=True)
class BilanProject:
    project_id: int
    name: str
    porteur: str
    figures: ActivityFigures | None


@dataclass
class BilanCommittee:
    committee: Committee
    projects: list[BilanProject] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        return figures_totals([item.figures for item in self.projects])

    @property
    def with_figures(self) -> int:
        return sum(item.figures is not None for item in self.projects)


@dataclass
class DepartmentBilan:
    school_year: str
    committees: list[BilanCommittee]

    @property
    def projects(self) -> list[BilanProject]:
        return [item for line in self.committees for item in line.projects]

    @property
    def totals(self) -> dict[str, int]:
        return figures_totals([item.figures for item in self.projects])

    @property
    def with_figures(self) -> int:
        return sum(item.figures is not None for item in self.projects)


def department_bilan(committees: list[Committee], school_year: str) -> DepartmentBilan:
    """Every project of the year in the département with its figures, by committee (one query)."""
    lines = {committee.id: BilanCommittee(committee) for committee in committees}
    if committees:
        rows = db.session.execute(
            select(Project.id, Project.name, Project.committee_id, Partner.name.label("porteur"), ActivityFigures)
            .join(Partner, Project.porteur_id == Partner.id)
            .outerjoin(ActivityFigures, ActivityFigures.project_id == Project.id)
            .where(Project.committee_id.in_(list(lines)), Project.school_year == school_year)
            .order_by(Project.name, Project.id)
        ).all()
        for row in rows:
            lines[row.committee_id].projects.append(BilanProject(row.id, row.name, row.porteur, row.ActivityFigures))
    return DepartmentBilan(school_year, list(lines.values()))


def bilan_csv(bilan: DepartmentBilan, department_label: str):
    """Header and rows: one row per project, then one per committee, then the département's total."""
    counts = list(COUNT_FIELDS)
    header = ["Comité", "Projet", "Porteur", "Chiffres saisis", *COUNT_FIELDS.values(), "Enfants et jeunes inscrits"]

    def figures_cells(totals: dict[str, int]) -> list[int]:
        return [*(totals[name] for name in counts), children_total(totals)]

    rows = []
    for line in bilan.committees:
        for item in line.projects:
            if item.figures is None:
                rows.append([line.committee.name, item.name, item.porteur, "non"])
            else:
                rows.append([line.committee.name, item.name, item.porteur, "oui",
                             *figures_cells(figures_totals([item.figures]))])  # fmt: skip
    rows.append([])
    for line in bilan.committees:
        count = len(line.projects)
        rows.append([f"Total {line.committee.name}", f"{count} projet{'s' if count > 1 else ''}", "",
                     f"{line.with_figures} sur {count}", *figures_cells(line.totals)])  # fmt: skip
    count = len(bilan.projects)
    rows.append([f"Total {department_label}", f"{count} projet{'s' if count > 1 else ''}", "",
                 f"{bilan.with_figures} sur {count}", *figures_cells(bilan.totals)])  # fmt: skip
    return header, rows
