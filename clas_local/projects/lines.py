"""Projects that last: a line of yearly projects, reconducted from one school year to the next,
its financing over a period, and the CAF's decision on each year.

A project row is one school year. « Reconduire » creates the next year's row linked to the
previous one (Project.previous_project_id, unique: a year is reconducted once) and to the first
of the line (Project.first_project_id), copying what carries on (schools and their referents,
territory partners and their relation, collectifs, porteur, coordinator, rural flag, description)
and nothing of what belongs to the year (activity figures, meetings, evidence, orientation
counts, start of activity, CAF decision). The financing (ProjectFinancing) hangs on the line's
first project, with its period; the CAF's decision is per row, so per year.

Writes change the session, flush and record an audit event; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select

from clas_local import permissions
from clas_local.audit.services import record
from clas_local.extensions import db
from clas_local.i18n import format_day, plural
from clas_local.projects.models import (
    CafStatus,
    Collectif,
    FinancingKind,
    Project,
    ProjectFinancing,
    ProjectPartner,
    ProjectSchool,
)
from clas_local.school_year import school_year_error, school_year_of

COPIED_COLLECTIF_FIELDS = (
    "name", "children_count", "animateurs_count", "weekly_sessions", "session_minutes", "planned_weeks", "place",
)  # fmt: skip


def _year(first: int) -> str:
    return f"{first}-{first + 1}"


# -- the line's history -------------------------------------------------------------------------


def line_condition(line_id: int):
    return or_(Project.id == line_id, Project.first_project_id == line_id)


@dataclass(frozen=True)
class Line:
    """A project's line as its page reads it, from one query."""

    project: Project
    # Every year of the line, oldest first (whatever the user may see).
    projects: list[Project]
    financings: list[ProjectFinancing]
    # The porteur's projects of the committee before the project's year (any line): COF support.
    earlier: list[Project]

    def visible_to(self, user) -> list[Project]:
        """The years the user may see (a line is a few rows: the rule is asked of each)."""
        return [year for year in self.projects if permissions.can_view_project(user, year)]

    @property
    def financing(self) -> ProjectFinancing | None:
        return covering(self.financings, self.project.school_year)


def load_line(project: Project) -> Line:
    """The line's years and financings, and the porteur's earlier projects, in one query: the
    financings are joined to the line's first row only, so rows do not multiply."""
    line_id = project.line_id
    rows = db.session.execute(
        select(Project, ProjectFinancing)
        .outerjoin(ProjectFinancing, and_(Project.id == line_id, ProjectFinancing.line_project_id == line_id))
        .where(
            Project.committee_id == project.committee_id,
            or_(
                line_condition(line_id),
                and_(Project.porteur_id == project.porteur_id, Project.school_year < project.school_year),
            ),
        )
        .order_by(Project.school_year, Project.id, ProjectFinancing.first_year)
    ).all()
    projects: dict[int, Project] = {}
    financings: list[ProjectFinancing] = []
    for year, financing in rows:
        projects.setdefault(year.id, year)
        if financing is not None:
            financings.append(financing)
    in_line = [year for year in projects.values() if year.line_id == line_id]
    earlier = [year for year in projects.values()
               if year.porteur_id == project.porteur_id and year.school_year < project.school_year]  # fmt: skip
    return Line(project, in_line, financings, earlier)


# -- reconduire ---------------------------------------------------------------------------------


def reconduction_error(project: Project, today: date, line: Line | None = None) -> str | None:
    """Why the project cannot be carried on to its next school year, in French, or None (one
    query, none when the page has loaded the line)."""
    next_year = project.next_school_year
    error = school_year_error(next_year)
    if error:
        return f"L'année suivante n'est pas une année scolaire valide : {error}"
    current = int(school_year_of(today)[:4])
    if project.first_year + 1 > current + 1:
        return (f"On reconduit un projet vers l'année qui suit l'année en cours : {project.school_year} "
                "n'a pas encore commencé, reconduisez-le plus tard.")  # fmt: skip
    if project.first_year + 1 < current:
        return f"L'année {next_year} est passée : on ne reconduit pas un projet dans le passé."
    if line is not None:
        following = [year for year in line.projects
                     if year.previous_project_id == project.id or year.school_year == next_year]  # fmt: skip
        existing = following[0].school_year if following else None
    else:
        existing = db.session.scalar(
            select(Project.school_year).where(
                Project.committee_id == project.committee_id,
                or_(
                    Project.previous_project_id == project.id,
                    and_(line_condition(project.line_id), Project.school_year == next_year),
                ),
            ).limit(1)
        )
    if existing is not None:
        return f"Le projet est déjà reconduit : l'année {existing} existe."
    return None


def reconduct(project: Project) -> Project:
    """The next school year's project of the line (check reconduction_error first)."""
    next_year = project.next_school_year
    coordinator = project.coordinator
    new = Project(
        committee_id=project.committee_id,
        school_year=next_year,
        name=project.name,
        porteur_id=project.porteur_id,
        coordinator_id=coordinator.id if coordinator is not None and not coordinator.anonymised_at else None,
        is_rural=project.is_rural,
        description=project.description,
        previous_project_id=project.id,
        first_project_id=project.line_id,
    )
    for link in project.schools:
        referent = link.referent_contact
        new.schools.append(ProjectSchool(
            partner_id=link.partner_id,
            referent_contact_id=referent.id if referent is not None and not referent.anonymised_at else None,
        ))  # fmt: skip
    for link in project.territory_partners:
        new.territory_partners.append(ProjectPartner(partner_id=link.partner_id, relation=link.relation))
    for collectif in project.collectifs:
        new.collectifs.append(Collectif(**{name: getattr(collectif, name) for name in COPIED_COLLECTIF_FIELDS}))
    db.session.add(new)
    db.session.flush()
    record("project.reconduct", new, committee=project.committee,
           summary=f"Projet reconduit en {next_year} : {new.name} (depuis {project.school_year})",
           previous_project_id=project.id)  # fmt: skip
    return new


def year_change_error(project: Project, school_year: str) -> str | None:
    """A year of a line keeps its school year (the line's order and its financing periods read
    it): the French reason a change is refused, or None (one query when the year changes)."""
    if school_year == project.school_year:
        return None
    reconducted = project.previous_project_id is not None or db.session.scalar(
        select(Project.id).where(Project.previous_project_id == project.id).limit(1)
    ) is not None
    if reconducted:
        return (f"Ce projet fait partie d'une suite d'années ({project.school_year} et d'autres) : son année scolaire "
                "ne se change pas. Reconduisez le projet pour l'année suivante.")  # fmt: skip
    return None


# -- financing ----------------------------------------------------------------------------------


def financings_of(project: Project) -> list[ProjectFinancing]:
    """The line's financings, in order (one query)."""
    return list(
        db.session.scalars(
            select(ProjectFinancing)
            .where(ProjectFinancing.line_project_id == project.line_id)
            .order_by(ProjectFinancing.first_year)
        )
    )


def covering(financings: list[ProjectFinancing], school_year: str) -> ProjectFinancing | None:
    return next((financing for financing in financings if financing.covers(school_year)), None)


def financing_errors(
    kind: FinancingKind, first_year: str, last_year: str, school_year: str, others: list[ProjectFinancing]
) -> dict[str, str]:
    """{field: French message} of what is wrong with a financing period (empty: valid).
    `others`: the line's other financings, whose periods must not overlap this one."""
    if first_year > last_year:
        return {"last_year": f"La dernière année ({last_year}) ne peut précéder la première ({first_year})."}
    years = int(last_year[:4]) - int(first_year[:4]) + 1
    if kind is FinancingKind.ANNUAL and years != 1:
        return {"last_year": "Un financement annuel couvre une seule année : la dernière année est la première."}
    if years > kind.max_years:
        return {"last_year": (f"{kind.label} : {plural(kind.max_years, 'an')} au plus ; "
                              f"la période {first_year} – {last_year} en compte {years}.")}  # fmt: skip
    if not first_year <= school_year <= last_year:
        return {"first_year": f"La période doit comprendre l'année de ce projet, {school_year}."}
    for other in others:
        if other.first_year <= last_year and first_year <= other.last_year:
            return {"first_year": (f"La période chevauche le financement déjà enregistré pour "
                                   f"{other.first_year} – {other.last_year} ({other.kind.label}).")}  # fmt: skip
    return {}


def supported_years(line: Line, before_year: str) -> int:
    """The school years before `before_year` in which the porteur held a project of the
    committee that the CAF did not refuse."""
    return len({year.school_year for year in line.earlier
                if year.school_year < before_year and year.caf_status is not CafStatus.REFUSED})  # fmt: skip


def cof_warning(line: Line) -> str | None:
    """A COF is for porteurs « soutenus par la Caf depuis au moins deux ans »: a warning, not a refusal."""
    financing = line.financing
    if financing is None or financing.kind is not FinancingKind.COF:
        return None
    years = supported_years(line, financing.first_year)
    if years >= 2:
        return None
    known = "ne connaît aucune année" if years == 0 else "ne connaît qu'une année"
    return (f"Une COF est réservée aux porteurs soutenus par la CAF depuis au moins deux ans : Clas Local {known} "
            f"de projet du porteur « {line.project.porteur.name} » avant {financing.first_year}.")


def set_financing(project: Project, kind: FinancingKind, first_year: str, last_year: str,
                  financing: ProjectFinancing | None) -> bool:  # fmt: skip
    """Record the financing covering the project's year (update `financing`, or add one). True if changed."""
    if financing is None:
        financing = ProjectFinancing(line_project_id=project.line_id, kind=kind, first_year=first_year,
                                     last_year=last_year)  # fmt: skip
        db.session.add(financing)
    elif (financing.kind, financing.first_year, financing.last_year) == (kind, first_year, last_year):
        return False
    else:
        financing.kind, financing.first_year, financing.last_year = kind, first_year, last_year
    db.session.flush()
    record("project.financing", project, committee=project.committee,
           summary=f"Financement de {project.name} : {kind.label}, {first_year} – {last_year}",
           financing_id=financing.id, kind=kind.value, first_year=first_year, last_year=last_year)  # fmt: skip
    return True


# -- the CAF's decision on one year -------------------------------------------------------------


def caf_decision_errors(project: Project, status: CafStatus | None, deposited_on: date | None,
                        decided_on: date | None) -> dict[str, str]:  # fmt: skip
    """{field: French message} (empty: valid): dates in order, near the project's year."""
    errors: dict[str, str] = {}
    earliest, latest = date(project.first_year - 1, 1, 1), date(project.first_year + 1, 12, 31)
    for name, day in (("deposited_on", deposited_on), ("decided_on", decided_on)):
        if day is not None and not earliest <= day <= latest:
            errors[name] = (f"Indiquez une date entre le {format_day(earliest, weekday=False)} et le "
                            f"{format_day(latest, weekday=False)} pour l'année {project.school_year}.")  # fmt: skip
    if errors:
        return errors
    if status is None:
        if deposited_on or decided_on:
            errors["status"] = "Choisissez où en est le dossier (déposé, accordé ou refusé)."
        return errors
    if deposited_on is None:
        errors["deposited_on"] = "Indiquez la date de dépôt du dossier."
    if status is not CafStatus.DEPOSITED and decided_on is None:
        errors["decided_on"] = "Indiquez la date de la décision de la CAF."
    if status is CafStatus.DEPOSITED and decided_on is not None:
        errors["decided_on"] = "Un dossier seulement déposé n'a pas encore de date de décision : laissez-la vide."
    if deposited_on and decided_on and decided_on < deposited_on:
        errors["decided_on"] = "La décision ne peut précéder le dépôt du dossier."
    return errors


def set_caf_decision(project: Project, status: CafStatus | None, deposited_on: date | None,
                     decided_on: date | None) -> bool:  # fmt: skip
    if (project.caf_status, project.caf_deposited_on, project.caf_decided_on) == (status, deposited_on, decided_on):
        return False
    project.caf_status, project.caf_deposited_on, project.caf_decided_on = status, deposited_on, decided_on
    db.session.flush()
    record("project.caf_decision", project, committee=project.committee,
           summary=f"Décision de la CAF pour {project.name} ({project.school_year}) : "
                   f"{status.label if status else 'non renseignée'}",
           status=status.value if status else None)  # fmt: skip
    return True


@dataclass(frozen=True)
class LineYear:
    """A year of the line as the project page lists it."""

    project: Project
    financing: ProjectFinancing | None


def line_years(years: list[Project], financings: list[ProjectFinancing]) -> list[LineYear]:
    return [LineYear(project, covering(financings, project.school_year)) for project in years]
