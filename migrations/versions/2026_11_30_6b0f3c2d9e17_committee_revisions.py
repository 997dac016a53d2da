"""committee revisions: database triggers count the writes of each committee's data

committee_revision (committee_id, revision): every insert, update or delete of a row that
belongs to a committee (directly or through its meeting, attendance, project or partner) adds
one to that committee's revision. A page may then keep what it computed from the committee's
data under (committee, revision) and know, with one indexed read, whether it is still true
(the département's dashboard, issue 18). Triggers rather than application code: bulk UPDATE
and DELETE statements, upserts and cascades are counted as well as ORM flushes.

PostgreSQL: constraint triggers deferred to the commit, so that a transaction takes the
counter's row lock at its very end (a transaction never holds it while waiting for another
row: no deadlock between two writers of the same committee). SQLite: plain triggers (its
writers are serialised anyway).

Revision ID: 6b0f3c2d9e17
Revises: 2d765c0f2715
Create Date: 2026-11-30 07:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6b0f3c2d9e17'
down_revision = '2d765c0f2715'
branch_labels = None
depends_on = None

# Each counted table and the SQL giving the committee of one of its rows ({row}: NEW or OLD).
COMMITTEE_OF = {
    "committee": "{row}.id",
    "partner": "{row}.committee_id",
    "contact": "(SELECT committee_id FROM partner WHERE id = {row}.partner_id)",
    "project": "{row}.committee_id",
    "project_school": "(SELECT committee_id FROM project WHERE id = {row}.project_id)",
    "project_partner": "(SELECT committee_id FROM project WHERE id = {row}.project_id)",
    "collectif": "(SELECT committee_id FROM project WHERE id = {row}.project_id)",
    "activity_figures": "(SELECT committee_id FROM project WHERE id = {row}.project_id)",
    "project_financing": "(SELECT committee_id FROM project WHERE id = {row}.line_project_id)",
    "meeting": "{row}.committee_id",
    "invitation": "(SELECT committee_id FROM meeting WHERE id = {row}.meeting_id)",
    "attendance": "(SELECT committee_id FROM meeting WHERE id = {row}.meeting_id)",
    "attendee": "(SELECT meeting.committee_id FROM attendance JOIN meeting ON meeting.id = attendance.meeting_id"
                " WHERE attendance.id = {row}.attendance_id)",
    "minutes": "(SELECT committee_id FROM meeting WHERE id = {row}.meeting_id)",
    "evidence_file": "{row}.committee_id",
    "school_holiday_period": "{row}.committee_id",
}

SQLITE_BUMP = """INSERT INTO committee_revision (committee_id, revision)
    SELECT changed.committee_id, 1 FROM ({committees}) AS changed WHERE changed.committee_id IS NOT NULL
    ON CONFLICT (committee_id) DO UPDATE SET revision = revision + 1"""


def _sqlite_triggers(table: str, committee_of: str) -> list[str]:
    statements = []
    for operation, rows in (("insert", ("NEW",)), ("update", ("NEW", "OLD")), ("delete", ("OLD",))):
        committees = " UNION ".join(f"SELECT {committee_of.format(row=row)} AS committee_id" for row in rows)
        statements.append(
            f"CREATE TRIGGER committee_revision_{table}_{operation} AFTER {operation.upper()} ON {table}\n"
            f"BEGIN {SQLITE_BUMP.format(committees=committees)}; END"
        )
    return statements


POSTGRES_BUMP_FUNCTION = """CREATE FUNCTION committee_revision_bump(committee integer) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF committee IS NOT NULL THEN
        INSERT INTO committee_revision (committee_id, revision) VALUES (committee, 1)
        ON CONFLICT (committee_id) DO UPDATE SET revision = committee_revision.revision + 1;
    END IF;
END $$"""


def _postgres_trigger(table: str, committee_of: str) -> list[str]:
    return [
        f"""CREATE FUNCTION committee_revision_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN PERFORM committee_revision_bump({committee_of.format(row="NEW")}); END IF;
    IF TG_OP = 'DELETE' THEN
        PERFORM committee_revision_bump({committee_of.format(row="OLD")});
    ELSIF TG_OP = 'UPDATE' AND ({committee_of.format(row="NEW")}) IS DISTINCT FROM ({committee_of.format(row="OLD")}) THEN
        PERFORM committee_revision_bump({committee_of.format(row="OLD")});
    END IF;
    RETURN NULL;
END $$""",
        f"""CREATE CONSTRAINT TRIGGER committee_revision_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION committee_revision_{table}()""",
    ]


def upgrade():
    op.create_table('committee_revision',
    sa.Column('committee_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('committee_id', name=op.f('pk_committee_revision'))
    )
    if op.get_bind().dialect.name == "sqlite":
        for table, committee_of in COMMITTEE_OF.items():
            for statement in _sqlite_triggers(table, committee_of):
                op.execute(statement)
    else:
        op.execute(POSTGRES_BUMP_FUNCTION)
        for table, committee_of in COMMITTEE_OF.items():
            for statement in _postgres_trigger(table, committee_of):
                op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for table in COMMITTEE_OF:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS committee_revision_{table}_{operation}")
    else:
        for table in COMMITTEE_OF:
            op.execute(f"DROP TRIGGER IF EXISTS committee_revision_{table} ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS committee_revision_{table}()")
        op.execute("DROP FUNCTION IF EXISTS committee_revision_bump(integer)")
    op.drop_table('committee_revision')
