"""Which projects are due for renewal, and which lack last year's bilan.

One function for the committee's page and the département's dashboard: it takes committee ids
and a school year and returns plain rows, in one query whatever the number of projects.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from clas_local.activity.models import COUNT_FIELDS, QUALITATIVE_FIELDS, ActivityFigures
from clas_local.committees.models import Committee
from clas_local.extensions import db
from clas_local.partners.models import Partner
from clas_local.projects.models import FinancingKind, Project, ProjectFinancing
from clas_local.school_year import parse_school_year, school_year_of

RENEWAL, BILAN = "renewal", "bilan"


@dataclass(frozen=True)
class RenewalRow:
    committee_id: int
    committee_slug: str
    committee_name: str
    project_id: int
    project_name: str
    porteur_name: str
    school_year: str
    # RENEWAL (financing to renew) or BILAN (last year's bilan missing), and why, in French.
    kind: str
    reason: str
    # The previous year's project (for a missing bilan: where to enter it).
    previous_project_id: int | None = None


@dataclass(frozen=True)
class _Financing:
    """A financing of the line, as read (columns, not ProjectFinancing entities)."""

    kind: FinancingKind
    first_year: str
    last_year: str

    covers = ProjectFinancing.covers  # the same rule as the entity's


def _empty(figures) -> bool:
    return all(getattr(figures, name) is None for name in COUNT_FIELDS) and not any(
        (getattr(figures, name) or "").strip() for name in QUALITATIVE_FIELDS
    )


@functools.cache
def _following_project():
    """The next year's project (aliased once: building the alias costs more than the rows)."""
    return aliased(Project, name="following_project")


def renewals(committee_ids: list[int], school_year: str, today: date | None = None) -> list[RenewalRow]:
    """The projects of `school_year` in those committees that are due for renewal:

    - their financing (agrément centre social or COF) ends this school year and none covers the next;
    - or they are financed year by year (annual financing, or none recorded) and, the year being
      under way, the next year has no CAF decision (no project for it yet, or one without decision);

    and those whose previous year has no bilan (no ActivityFigures row, or an empty one)."""
    if not committee_ids:
        return []
    first = parse_school_year(school_year)
    next_year = f"{first + 1}-{first + 2}"
    today = today or date.today()
    under_way = school_year <= school_year_of(today)

    # One query: the year's projects with the CAF decision of the next year's project reconducted
    # from each (at most one: previous_project_id is unique), the previous year's figures (None:
    # no row at all) and, a row each, their line's financings covering this year or the next.
    # Columns, not ActivityFigures and ProjectFinancing entities: the département's dashboard
    # reads hundreds of rows.
    following = _following_project()
    next_decision = (
        select(following.caf_status).where(following.previous_project_id == Project.id).scalar_subquery()
    )
    line_id = func.coalesce(Project.first_project_id, Project.id)
    figure_columns = [getattr(ActivityFigures, name) for name in (*COUNT_FIELDS, *QUALITATIVE_FIELDS)]
    result = db.session.execute(
        select(Project.id, Project.name, Project.committee_id, Project.previous_project_id,
               Partner.name.label("porteur_name"), Committee.slug, Committee.name.label("committee_name"),
               next_decision.label("next_decision"), ActivityFigures.id.label("figures_id"), *figure_columns,
               ProjectFinancing.kind.label("financing_kind"), ProjectFinancing.first_year, ProjectFinancing.last_year)
        .join(Partner, Project.porteur_id == Partner.id)
        .join(Committee, Project.committee_id == Committee.id)
        .outerjoin(ActivityFigures, ActivityFigures.project_id == Project.previous_project_id)
        .outerjoin(ProjectFinancing, and_(ProjectFinancing.line_project_id == line_id,
                                          ProjectFinancing.first_year <= next_year,
                                          ProjectFinancing.last_year >= school_year))
        .where(Project.committee_id.in_(committee_ids), Project.school_year == school_year)
        .order_by(Committee.name, Project.name, Project.id, ProjectFinancing.first_year)
    ).all()  # fmt: skip
    projects: dict[int, object] = {}
    financings: dict[int, list[_Financing]] = defaultdict(list)
    for row in result:
        projects.setdefault(row.id, row)
        if row.financing_kind is not None:
            financings[row.id].append(_Financing(row.financing_kind, row.first_year, row.last_year))

    rows: list[RenewalRow] = []
    for row in projects.values():
        base = {"committee_id": row.committee_id, "committee_slug": row.slug, "committee_name": row.committee_name,
                "project_id": row.id, "project_name": row.name, "porteur_name": row.porteur_name,
                "school_year": school_year}  # fmt: skip
        line = financings.get(row.id, ())
        current = next((f for f in line if f.covers(school_year)), None)
        following = next((f for f in line if f.covers(next_year)), None)
        decided = row.next_decision is not None
        if current is not None and current.kind is not FinancingKind.ANNUAL:
            if current.last_year == school_year and following is None and not decided:
                rows.append(RenewalRow(**base, kind=RENEWAL, reason=(
                    f"{current.kind.label} : la période {current.first_year} – {current.last_year} se termine "
                    f"cette année ; aucun financement n'est encore enregistré pour {next_year}.")))  # fmt: skip
        elif under_way and following is None and not decided:
            what = "Financement annuel" if current is not None else "Financement non renseigné (annuel par défaut)"
            rows.append(RenewalRow(**base, kind=RENEWAL,
                                   reason=f"{what} : aucune décision de la CAF pour {next_year}."))  # fmt: skip
        if row.previous_project_id:
            previous_year = f"{first - 1}-{first}"
            if row.figures_id is None or _empty(row):
                reason = (f"Bilan {previous_year} non saisi : aucun chiffre ni bilan qualitatif." if row.figures_id is None
                          else f"Bilan {previous_year} vide : ni chiffre ni bilan qualitatif renseigné.")  # fmt: skip
                rows.append(RenewalRow(**base, kind=BILAN, reason=reason, previous_project_id=row.previous_project_id))
    return rows
