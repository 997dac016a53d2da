"""project start of activity, schools' orientation of children, instance meetings

project.activity_start: the project's own first day of activity (NULL: the referential's
default, the first school day after the Toussaint holidays). project_school.oriented_children_count
and oriented_on: how many children the school's team oriented towards the Clas, and when
(counts only). meeting.kind gains « instance » (a PEDT commission, a PEL…), a kind that,
like the comité local, needs no project.

Revision ID: 9d42bf8c5013
Revises: 5c1f0e7a9b24
Create Date: 2026-11-29 20:46:25.705628

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d42bf8c5013'
down_revision = '5c1f0e7a9b24'
branch_labels = None
depends_on = None

OLD_KINDS = "'diagnostic', 'lancement', 'suivi', 'bilan', 'comite_local', 'autre'"
NEW_KINDS = "'diagnostic', 'lancement', 'suivi', 'bilan', 'comite_local', 'instance', 'autre'"


def _meeting_kinds(kinds: str, projectless: str):
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_meeting_meeting_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_meeting_key_moment_has_project'), type_='check')
        batch_op.create_check_constraint('meeting_kind', f"kind IN ({kinds})")
        batch_op.create_check_constraint('key_moment_has_project', f"project_id IS NOT NULL OR kind IN ({projectless})")


def upgrade():
    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.add_column(sa.Column('activity_start', sa.Date(), nullable=True))

    with op.batch_alter_table('project_school', schema=None) as batch_op:
        batch_op.add_column(sa.Column('oriented_children_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('oriented_on', sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            'oriented_children_range', 'oriented_children_count IS NULL OR oriented_children_count BETWEEN 0 AND 500'
        )

    _meeting_kinds(NEW_KINDS, "'comite_local', 'instance', 'autre'")


def downgrade():
    op.execute("DELETE FROM meeting WHERE kind = 'instance'")
    _meeting_kinds(OLD_KINDS, "'comite_local', 'autre'")

    with op.batch_alter_table('project_school', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_project_school_oriented_children_range'), type_='check')
        batch_op.drop_column('oriented_on')
        batch_op.drop_column('oriented_children_count')

    with op.batch_alter_table('project', schema=None) as batch_op:
        batch_op.drop_column('activity_start')
