"""Reads of projects, always restricted to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload, with_expression

from clas_local.extensions import db
from clas_local.holidays.queries import periods_of
from clas_local.partners.models import COVERING_KINDS, SCHOOL_KINDS, TERRITORY_KINDS, Contact, Partner
from clas_local.projects.models import Collectif, Project, ProjectPartner, ProjectSchool
from clas_local.projects.rules import RuleResult, collectif_warnings, school_weeks_rule
from clas_local.revisions import revision_of
from clas_local.school_year import calendar_known, project_window, school_weeks, school_year_of, unknown_calendar_notice
from clas_local.visibility import visible_projects

PER_PAGE = 50


@dataclass(frozen=True)
class ProjectFilters:
    school_year: str  # "" = every year
    porteur_id: int | None


@dataclass(frozen=True)
class ProjectRow:
    project: Project
    schools_count: int
    collectifs_count: int
    children_count: int


def project_list(user, committee, filters: ProjectFilters, page: int = 1):
    """A page of visible projects (porteur loaded) and their rows with counts: 4 queries whatever the size."""
    query = visible_projects(user, committee).options(joinedload(Project.porteur))
    if filters.school_year:
        query = query.where(Project.school_year == filters.school_year)
    if filters.porteur_id is not None:
        query = query.where(Project.porteur_id == filters.porteur_id)
    query = query.order_by(Project.school_year.desc(), Project.name, Project.id)
    pagination = db.paginate(query, page=page, per_page=PER_PAGE, error_out=False, max_per_page=PER_PAGE)
    projects = list(pagination.items)
    counts = _counts([p.id for p in projects])
    rows = [ProjectRow(p, *counts.get(p.id, (0, 0, 0))) for p in projects]
    return pagination, rows


def _counts(project_ids: list[int]) -> dict[int, tuple[int, int, int]]:
    """project id → (schools, collectifs, children), in one query."""
    if not project_ids:
        return {}
    schools = (
        select(func.count(ProjectSchool.id))
        .where(ProjectSchool.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )
    collectifs = (
        select(func.count(Collectif.id)).where(Collectif.project_id == Project.id).correlate(Project).scalar_subquery()
    )
    children = (
        select(func.coalesce(func.sum(Collectif.children_count), 0))
        .where(Collectif.project_id == Project.id)
        .correlate(Project)
        .scalar_subquery()
    )
    rows = db.session.execute(select(Project.id, schools, collectifs, children).where(Project.id.in_(project_ids)))
    return {row[0]: (row[1], row[2], int(row[3])) for row in rows}


def school_year_options(committee, today: date) -> list[str]:
    """The years that have projects, plus the current and the next one, latest first."""
    years = set(
        db.session.scalars(select(Project.school_year).where(Project.committee_id == committee.id).distinct())
    )
    current = school_year_of(today)
    first = int(current[:4])
    years.update({current, f"{first + 1}-{first + 2}"})
    return sorted(years, reverse=True)


def porteur_options(user, committee) -> list[tuple[int, str]]:
    """The organisations holding a project the user may see (for the list's filter)."""
    visible = visible_projects(user, committee).with_only_columns(Project.porteur_id).scalar_subquery()
    return [
        (row.id, row.name)
        for row in db.session.execute(
            select(Partner.id, Partner.name).where(Partner.id.in_(visible)).order_by(Partner.name)
        )
    ]


# -- one project ------------------------------------------------------------------------------


DETAIL_OPTIONS = (
    joinedload(Project.porteur),
    joinedload(Project.coordinator),
    # Joined into the project's own query: one collection only, so no cross product.
    # The schools' contacts are not joined: the page shows each school's referent only, and a
    # row's referent form (loaded when opened) reads that school's contacts then.
    joinedload(Project.schools).options(
        joinedload(ProjectSchool.partner),
        joinedload(ProjectSchool.referent_contact),
    ),
    selectinload(Project.territory_partners).joinedload(ProjectPartner.partner),
    selectinload(Project.collectifs),
    # The département's field visits, for their panel: a handful a year, so joined as well (the
    # cross product with the schools stays a few rows) rather than one more query.
    joinedload(Project.field_visits),
    joinedload(Project.activity_figures),  # one row at most: no cross product
    # Read in the same query, so before the data its checklist is kept under (compliance.panels).
    with_expression(Project.committee_revision, revision_of(Project.committee_id)),
)


def link_candidates(committee, project: Project) -> tuple[bool, bool, list]:
    """What the project page needs of the partners it could still link, in one light query (a
    few columns, no entities): whether any école, collège or lycée is left to link, whether any
    territory partner is, and the covering ones (PRE, PEDT…) for the suggestions, as rows with
    the id, kind, name and covered communes territory_suggestions reads. The add-forms
    themselves load their full lists when opened (school_candidates, territory_candidates)."""
    linked_schools = select(ProjectSchool.partner_id).where(ProjectSchool.project_id == project.id)
    linked_partners = select(ProjectPartner.partner_id).where(ProjectPartner.project_id == project.id)
    rows = db.session.execute(
        select(Partner.id, Partner.kind, Partner.name, Partner.covered_communes)
        .where(
            Partner.committee_id == committee.id,
            Partner.is_open.is_(True),
            or_(
                and_(Partner.kind.in_(SCHOOL_KINDS), Partner.id.not_in(linked_schools)),
                and_(
                    Partner.kind.in_(TERRITORY_KINDS),
                    Partner.id != project.porteur_id,
                    Partner.id.not_in(linked_partners),
                ),
            ),
        )
        .order_by(Partner.name)
    ).all()
    has_schools = any(row.kind in SCHOOL_KINDS for row in rows)
    has_territory = any(row.kind not in SCHOOL_KINDS for row in rows)
    return has_schools, has_territory, [row for row in rows if row.kind in COVERING_KINDS]


def school_candidates(committee, project: Project) -> list[Partner]:
    """The committee's open écoles, collèges and lycées not yet linked to the project."""
    linked = select(ProjectSchool.partner_id).where(ProjectSchool.project_id == project.id)
    return list(
        db.session.scalars(
            select(Partner)
            .where(
                Partner.committee_id == committee.id,
                Partner.kind.in_(SCHOOL_KINDS),
                Partner.is_open.is_(True),
                Partner.id.not_in(linked),
            )
            .order_by(Partner.name)
        )
    )


def territory_candidates(committee, project: Project) -> list[Partner]:
    """Open non-school partners not yet linked to the project (the porteur itself excluded)."""
    linked = select(ProjectPartner.partner_id).where(ProjectPartner.project_id == project.id)
    return list(
        db.session.scalars(
            select(Partner)
            .where(
                Partner.committee_id == committee.id,
                Partner.kind.in_(TERRITORY_KINDS),
                Partner.is_open.is_(True),
                Partner.id != project.porteur_id,
                Partner.id.not_in(linked),
            )
            .order_by(Partner.name)
        )
    )


def porteur_candidates(committee) -> list[Partner]:
    """Organisations that may hold a project: every non-school partner, with their contacts."""
    return list(
        db.session.scalars(
            select(Partner)
            .where(Partner.committee_id == committee.id, Partner.kind.in_(TERRITORY_KINDS))
            .options(selectinload(Partner.contacts))
            .order_by(Partner.name)
        )
    )


def partner_in_committee(committee, partner_id: int, kinds) -> Partner | None:
    return db.session.scalar(
        select(Partner).where(Partner.id == partner_id, Partner.committee_id == committee.id, Partner.kind.in_(kinds))
    )


def contact_of(partner_id: int, contact_id: int) -> Contact | None:
    """A contact of that partner who has not been anonymised."""
    return db.session.scalar(
        select(Contact).where(
            Contact.id == contact_id, Contact.partner_id == partner_id, Contact.anonymised_at.is_(None)
        )
    )


@dataclass(frozen=True)
class SchoolWeeks:
    available: int
    window: tuple[date, date]
    result: RuleResult


def school_weeks_of(project: Project) -> SchoolWeeks | None:
    """The school weeks of the project's year in its committee's zone (None if the year, or
    its school calendar, is unknown: see calendar_notice)."""
    zone = project.committee.holiday_zone
    try:
        periods = periods_of(project.committee, project.school_year)
        window = project_window(project.school_year, zone, project.activity_start, periods)
        available = school_weeks(project.school_year, zone, project.activity_start, periods)
    except ValueError:
        return None
    if available is None:
        return None
    return SchoolWeeks(available, window, school_weeks_rule(available, school_year=project.school_year, window=window))


def calendar_notice(project: Project) -> str | None:
    """« Calendrier scolaire non connu pour … » when neither the package nor the host knows the year."""
    zone = project.committee.holiday_zone
    if calendar_known(project.school_year, zone, periods_of(project.committee, project.school_year)):
        return None
    return unknown_calendar_notice(project.school_year, zone)


def collectifs_with_warnings(project: Project, weeks: SchoolWeeks | None) -> list[tuple[Collectif, list[RuleResult]]]:
    available = weeks.available if weeks else None
    return [
        (collectif, collectif_warnings(collectif, rural=project.is_rural, available_weeks=available))
        for collectif in project.collectifs
    ]


def school_projects(committee, partner_id: int | None) -> list[ProjectSchool]:
    """The projects a school is linked to (its own list: a school user sees no project page),
    newest year first, with their porteur and the school's referent (one query)."""
    if partner_id is None:
        return []
    return list(
        db.session.scalars(
            select(ProjectSchool)
            .join(Project, ProjectSchool.project_id == Project.id)
            .where(ProjectSchool.partner_id == partner_id, Project.committee_id == committee.id)
            .options(
                joinedload(ProjectSchool.project).joinedload(Project.porteur),
                joinedload(ProjectSchool.referent_contact),
            )
            .order_by(Project.school_year.desc(), Project.name)
        )
    )


# -- territory links ------------------------------------------------------------------------------


@dataclass(frozen=True)
class TerritorySuggestion:
    """A PRE, PEDT, PEL or cité éducative covering the commune of a school of the project,
    not linked to it yet."""

    partner: Partner
    schools: tuple[Partner, ...]

    @property
    def sentence(self) -> str:
        """« PRE de Rennes couvre Rennes, où se trouvent École Volga et Collège des Hautes-Ourmes. »"""
        communes = sorted({school.commune_name or f"la commune de code INSEE {school.commune_code}"
                           for school in self.schools})  # fmt: skip
        names = [school.name for school in self.schools]
        schools = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} et {names[-1]}"
        verb = "se trouve" if len(names) == 1 else "se trouvent"
        return f"{self.partner.name} couvre {' et '.join(communes)}, où {verb} {schools}."


def territory_suggestions(committee, project: Project, candidates: list[Partner] | None = None) -> list[TerritorySuggestion]:
    """The covering partners (open, not linked) whose communes hold a school of the project.

    `candidates`: the territory partners not linked yet (or rows with their id, kind, name and
    covered communes), when the page already has them (link_candidates, for editors);
    otherwise one query. Matched in Python with the project's
    schools (already loaded) by commune code: each partner covers a handful of communes."""
    by_commune: dict[str, list[Partner]] = {}
    for link in project.schools:
        if link.partner.commune_code:
            by_commune.setdefault(link.partner.commune_code, []).append(link.partner)
    linked = {link.partner_id for link in project.territory_partners} | {project.porteur_id}
    if candidates is None:
        candidates = db.session.scalars(
            select(Partner)
            .where(Partner.committee_id == committee.id, Partner.kind.in_(COVERING_KINDS), Partner.is_open.is_(True))
            .order_by(Partner.name)
        ).all()
    found = []
    for partner in candidates:
        if partner.id in linked or partner.kind not in COVERING_KINDS:
            continue
        schools = [school for code in partner.covered_communes or [] for school in by_commune.get(code, [])]
        if schools:
            found.append(TerritorySuggestion(partner, tuple(schools)))
    return found
