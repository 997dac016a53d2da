"""The committees' revisions: the database counts every write of a committee's data, whatever
makes it (an ORM flush, a bulk statement, SQL typed by hand), and only that committee's."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from clas_local.activity.models import ActivityFigures
from clas_local.attendance.models import Attendance, Attendee, Presence
from clas_local.evidence.models import EvidenceFile, EvidenceKind
from clas_local.extensions import db
from clas_local.holidays.models import SchoolHolidayPeriod
from clas_local.meetings.models import Minutes
from clas_local.partners.models import PartnerKind
from clas_local.projects.models import FinancingKind, ProjectFinancing
from clas_local.revisions import committee_revisions

# Children before their parents: the order the rows are deleted in below.
TABLES = ("attendee", "attendance", "minutes", "invitation", "evidence_file", "collectif", "activity_figures",
          "project_financing", "project_school", "project_partner", "meeting", "project", "contact",
          "school_holiday_period", "partner", "committee")  # fmt: skip


@pytest.fixture
def rows(committee, make_partner, make_contact, make_project, make_meeting, make_invitation, make_collectif,
         link_territory_partner):  # fmt: skip
    """One row of every counted table, all in the committee: {table: id}."""
    school = make_partner(PartnerKind.ECOLE)
    contact = make_contact(school)
    project = make_project(schools=(school,))
    link_territory_partner(project, make_partner(PartnerKind.PRE))
    meeting = make_meeting(project)
    invitation = make_invitation(meeting, school, contact)
    collectif = make_collectif(project)
    attendance = Attendance(meeting_id=meeting.id, partner_id=school.id, presence=Presence.PRESENT)
    db.session.add(attendance)
    db.session.flush()
    added = {
        "attendee": Attendee(attendance_id=attendance.id, contact_id=contact.id, full_name="Isabelle Caradec"),
        "minutes": Minutes(meeting_id=meeting.id, body="Points abordés."),
        "activity_figures": ActivityFigures(project_id=project.id, children_elementaire=12),
        "project_financing": ProjectFinancing(line_project_id=project.id, kind=FinancingKind.ANNUAL,
                                              first_year=project.school_year, last_year=project.school_year),
        "school_holiday_period": SchoolHolidayPeriod(committee_id=committee.id, school_year="2031-2032",
                                                     name="Toussaint", first_day=date(2031, 10, 18),
                                                     last_day=date(2031, 11, 2)),
        "evidence_file": EvidenceFile(committee_id=committee.id, meeting_id=meeting.id, kind=EvidenceKind.MINUTES,
                                      original_name="compte-rendu.pdf", storage_name="a" * 64,
                                      content_type="application/pdf", size_bytes=10, sha256="b" * 64),
    }  # fmt: skip
    db.session.add_all(added.values())
    db.session.commit()
    ids = {table: row.id for table, row in added.items()}
    ids |= {"attendance": attendance.id, "invitation": invitation.id, "collectif": collectif.id,
            "meeting": meeting.id, "project": project.id, "contact": contact.id, "partner": school.id,
            "committee": committee.id}  # fmt: skip
    link = db.session.execute(text("SELECT id FROM project_school WHERE project_id = :id"), {"id": project.id})
    ids["project_school"] = link.scalar_one()
    link = db.session.execute(text("SELECT id FROM project_partner WHERE project_id = :id"), {"id": project.id})
    ids["project_partner"] = link.scalar_one()
    assert set(ids) == set(TABLES)
    return ids


def _revision(committee) -> int:
    return committee_revisions([committee.id])[committee.id]


def test_every_insert_update_and_delete_of_the_committees_rows_moves_its_revision(committee, make_committee, rows):
    other = make_committee(slug="fougeres", name="Comité local de Fougères")
    other_revision = _revision(other)
    assert _revision(committee) >= len(TABLES)  # each row's insert counted
    for table in TABLES:
        before = _revision(committee)
        # SQL by hand: no ORM event, no application code, the database alone counts it.
        db.session.execute(text(f"UPDATE {table} SET id = id WHERE id = :id"), {"id": rows[table]})
        db.session.commit()
        assert _revision(committee) > before, f"an update of {table} was not counted"
    for table in TABLES[:-1]:  # the committee itself last: its revision goes with it
        before = _revision(committee)
        db.session.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": rows[table]})
        db.session.commit()
        assert _revision(committee) > before, f"a deletion from {table} was not counted"
    assert _revision(other) == other_revision  # another committee's writes are not its own


def test_a_committee_never_written_has_revision_zero(app):
    assert committee_revisions([123456]) == {123456: 0}
