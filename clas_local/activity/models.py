"""What a project did in its school year, as the porteur reports it to the CAF.

Counts only: never a child's name, age or any personal data. One row per project,
and a project is one school year (a project that lasts is reconducted year after
year, each year with its own figures).
"""

from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import Base, TimestampMixin

# The counts, in the order of the CAF's activity questionnaire, with their French labels.
COUNT_FIELDS: dict[str, str] = {
    "children_elementaire": "Enfants inscrits en élémentaire",
    "children_college": "Jeunes inscrits au collège",
    "children_lycee": "Jeunes inscrits au lycée",
    "collectifs_count": "Collectifs d'enfants",
    "sessions_held": "Séances tenues",
    "weeks_run": "Semaines de fonctionnement",
    "paid_intervenants": "Intervenants rémunérés",
    "volunteer_intervenants": "Intervenants bénévoles",
    "parent_actions": "Actions avec les parents",
}

# The qualitative bilan, by heading.
QUALITATIVE_FIELDS: dict[str, str] = {
    "bilan_children": "Progrès des enfants et des jeunes",
    "bilan_parents": "Place des parents",
    "bilan_schools": "Relations avec les écoles",
    "bilan_partners": "Partenariats du territoire",
    "bilan_difficulties": "Difficultés rencontrées",
    "bilan_outlook": "Perspectives",
}


class ActivityFigures(TimestampMixin, Base):
    __tablename__ = "activity_figures"
    __table_args__ = tuple(
        CheckConstraint(f"{name} IS NULL OR {name} BETWEEN 0 AND 10000", name=f"{name}_range")
        for name in COUNT_FIELDS
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("project.id", ondelete="CASCADE"), unique=True)

    # None: not entered yet (distinct from 0, which is a figure).
    children_elementaire: Mapped[int | None] = mapped_column(Integer)
    children_college: Mapped[int | None] = mapped_column(Integer)
    children_lycee: Mapped[int | None] = mapped_column(Integer)
    collectifs_count: Mapped[int | None] = mapped_column(Integer)
    sessions_held: Mapped[int | None] = mapped_column(Integer)
    weeks_run: Mapped[int | None] = mapped_column(Integer)
    paid_intervenants: Mapped[int | None] = mapped_column(Integer)
    volunteer_intervenants: Mapped[int | None] = mapped_column(Integer)
    parent_actions: Mapped[int | None] = mapped_column(Integer)

    bilan_children: Mapped[str] = mapped_column(Text, default="")
    bilan_parents: Mapped[str] = mapped_column(Text, default="")
    bilan_schools: Mapped[str] = mapped_column(Text, default="")
    bilan_partners: Mapped[str] = mapped_column(Text, default="")
    bilan_difficulties: Mapped[str] = mapped_column(Text, default="")
    bilan_outlook: Mapped[str] = mapped_column(Text, default="")

    project: Mapped["Project"] = relationship()  # noqa: F821

    @property
    def children_total(self) -> int:
        return sum(getattr(self, name) or 0 for name in ("children_elementaire", "children_college", "children_lycee"))
