"""School holidays a committee's host enters for a year the packaged calendar does not know.

Its own small domain, below those that read it (projects, meetings, compliance, committees'
host page): they import it, it imports none of them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clas_local.db import NAME_LEN, Base


class SchoolHolidayPeriod(Base):
    """A school-holiday period of a year the packaged calendar does not know (past the end of
    its data, or zone « autre »), entered by the committee's host: every count and warning of
    that school year then uses it (school_year.HolidayPeriod)."""

    __tablename__ = "school_holiday_period"
    __table_args__ = (
        CheckConstraint("last_day >= first_day", name="ends_after_start"),
        CheckConstraint("school_year LIKE '____-____'", name="school_year_format"),
        Index("ix_school_holiday_period_committee_year", "committee_id", "school_year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    school_year: Mapped[str] = mapped_column(String(9))
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    first_day: Mapped[date] = mapped_column(Date)
    last_day: Mapped[date] = mapped_column(Date)

    committee: Mapped["Committee"] = relationship()  # noqa: F821

    def __repr__(self) -> str:
        return f"<SchoolHolidayPeriod {self.school_year} {self.name}>"
