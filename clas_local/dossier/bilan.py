"""The committee's annual bilan: per project the figures a comité local reports to its CAF.

Pure functions over the compliance facts (loaded for every project of the year in a fixed
number of queries): held meetings by kind, schools present, territory partners, the
Éducation nationale's presence; and each porteur's activity figures (activity.models, read
for every project in one query, None where not entered); then the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clas_local.activity.models import COUNT_FIELDS
from clas_local.activity.rules import children_total
from clas_local.compliance.rules import MeetingFact, ProjectFacts, key_moment
from clas_local.meetings.models import KEY_MOMENTS, MeetingKind

PROJECT_KINDS = (MeetingKind.DIAGNOSTIC, MeetingKind.LANCEMENT, MeetingKind.SUIVI, MeetingKind.BILAN, MeetingKind.AUTRE)


@dataclass(frozen=True)
class BilanRow:
    name: str
    porteur: str
    rural: bool
    held_by_kind: dict  # MeetingKind → count of held meetings
    schools_linked: int
    schools_present: int  # linked schools present at one held project meeting at least
    territory_partners: int
    en_meetings: int  # held project meetings with the Éducation nationale present
    comites_attended: int  # held comités locaux with the porteur present
    # Each key moment's state, in the words of the project page and the dashboard (MomentState).
    moments: tuple[tuple[MeetingKind, str], ...] = ()
    # The porteur's activity figures ({field: int | None}, None: not entered) and the children
    # the schools oriented (None: no school's count entered).
    figures: dict = field(default_factory=dict)
    oriented: int | None = None

    @property
    def children_total(self) -> int | None:
        return children_total(self.figures)

    @property
    def held_total(self) -> int:
        return sum(self.held_by_kind.values())


@dataclass(frozen=True)
class Bilan:
    school_year: str
    rows: tuple[BilanRow, ...]
    comites_held: int
    comites_with_en: int

    @property
    def totals(self) -> dict:
        return {
            "held_by_kind": {kind: sum(row.held_by_kind[kind] for row in self.rows) for kind in PROJECT_KINDS},
            "held_total": sum(row.held_total for row in self.rows),
            "schools_linked": sum(row.schools_linked for row in self.rows),
            "schools_present": sum(row.schools_present for row in self.rows),
            "territory_partners": sum(row.territory_partners for row in self.rows),
            "en_meetings": sum(row.en_meetings for row in self.rows),
            "comites_attended": sum(row.comites_attended for row in self.rows),
            # Activity figures: the sum of what is entered (a figure not entered counts for nothing).
            "figures": {name: sum(row.figures.get(name) or 0 for row in self.rows) for name in COUNT_FIELDS},
            "children_total": sum(row.children_total or 0 for row in self.rows),
            "oriented": sum(row.oriented or 0 for row in self.rows),
            "figures_entered": sum(any(value is not None for value in row.figures.values()) for row in self.rows),
        }


def bilan_row(facts: ProjectFacts, figures: dict | None = None) -> BilanRow:
    held = [meeting for meeting in facts.meetings if meeting.held]
    present = frozenset().union(*(meeting.present for meeting in held)) if held else frozenset()
    comites = [meeting for meeting in facts.comite_meetings if meeting.held and meeting.kind is MeetingKind.COMITE_LOCAL]
    return BilanRow(
        name=facts.name,
        porteur=facts.porteur_name,
        rural=facts.rural,
        held_by_kind={kind: sum(meeting.kind is kind for meeting in held) for kind in PROJECT_KINDS},
        schools_linked=len(facts.schools),
        schools_present=sum(school.partner_id in present for school in facts.schools),
        territory_partners=len(facts.territory),
        en_meetings=sum(bool(meeting.education_nationale_present) for meeting in held),
        comites_attended=sum(facts.porteur_id in meeting.present for meeting in comites),
        moments=tuple((kind, key_moment(facts.meetings, kind, facts.today).state.label) for kind in KEY_MOMENTS),
        figures={name: (figures or {}).get(name) for name in COUNT_FIELDS},
        oriented=_oriented(facts),
    )


def _oriented(facts: ProjectFacts) -> int | None:
    counts = [school.oriented_children_count for school in facts.schools if school.oriented_children_count is not None]
    return sum(counts) if counts else None


def annual_bilan(
    school_year: str, facts: list[ProjectFacts], comites: tuple[MeetingFact, ...], figures: dict | None = None
) -> Bilan:
    """`figures`: {project id: {field: int | None}}, the projects' activity figures (absent: none entered)."""
    figures = figures or {}
    held = [meeting for meeting in comites if meeting.held and meeting.kind is MeetingKind.COMITE_LOCAL]
    return Bilan(
        school_year=school_year,
        rows=tuple(bilan_row(item, figures.get(item.project_id)) for item in facts),
        comites_held=len(held),
        comites_with_en=sum(bool(meeting.education_nationale_present) for meeting in held),
    )


# The activity figures' columns: each count, then the children enrolled and oriented (the
# département's bilan may write the same columns with FIGURE_COLUMNS and figure_cells).
FIGURE_COLUMNS = (*COUNT_FIELDS.values(), "Enfants et jeunes inscrits (total)", "Enfants orientés par les écoles")


def figure_cells(figures: dict, children_total, oriented) -> list:
    """A figure not entered is an empty cell (never 0, which is a figure)."""
    cells = [figures.get(name) for name in COUNT_FIELDS] + [children_total, oriented]
    return ["" if value is None else value for value in cells]


def csv_rows(bilan: Bilan):
    header = [
        "Projet", "Porteur", "Milieu",
        *(f"Réunions {kind.label.lower()} tenues" for kind in PROJECT_KINDS),
        "Réunions tenues (total)", "Écoles liées", "Écoles présentes", "Partenaires du territoire",
        "Réunions avec l'Éducation nationale", "Comités locaux avec le porteur",
        *(f"Moment clé : {kind.label.lower()}" for kind in KEY_MOMENTS),
        *FIGURE_COLUMNS,
    ]  # fmt: skip
    rows = []
    for row in bilan.rows:
        rows.append([
            row.name, row.porteur, "rural" if row.rural else "urbain",
            *(row.held_by_kind[kind] for kind in PROJECT_KINDS),
            row.held_total, row.schools_linked, row.schools_present, row.territory_partners,
            row.en_meetings, row.comites_attended,
            *(label for _kind, label in row.moments),
            *figure_cells(row.figures, row.children_total, row.oriented),
        ])  # fmt: skip
    totals = bilan.totals
    rows.append([
        "Total", f"{len(bilan.rows)} projets", "",
        *(totals["held_by_kind"][kind] for kind in PROJECT_KINDS),
        totals["held_total"], totals["schools_linked"], totals["schools_present"], totals["territory_partners"],
        totals["en_meetings"], totals["comites_attended"],
        *("" for _kind in KEY_MOMENTS),
        *figure_cells(totals["figures"], totals["children_total"], totals["oriented"]),
    ])  # fmt: skip
    rows.append([])
    rows.append(["Comités locaux tenus", bilan.comites_held])
    rows.append(["Comités locaux avec l'Éducation nationale", bilan.comites_with_en])
    rows.append(["Projets ayant saisi leur bilan d'activité", totals["figures_entered"]])
    return header, rows
