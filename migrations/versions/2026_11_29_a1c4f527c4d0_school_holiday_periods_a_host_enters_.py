"""school holiday periods a host enters for a year the calendar does not know

school_holiday_period: for a school year past the end of the packaged calendar, or a
committee in zone « autre » (overseas academies), the holiday periods the host enters; the
activity window, the school weeks and the meeting warnings of that year then use them.

Revision ID: a1c4f527c4d0
Revises: 9d42bf8c5013
Create Date: 2026-11-29 21:06:06.084645

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c4f527c4d0'
down_revision = '9d42bf8c5013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_holiday_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=False),
    sa.Column('school_year', sa.String(length=9), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.CheckConstraint("school_year LIKE '____-____'", name=op.f('ck_school_holiday_period_school_year_format')),
    sa.CheckConstraint('last_day >= first_day', name=op.f('ck_school_holiday_period_ends_after_start')),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], name=op.f('fk_school_holiday_period_committee_id_committee'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_holiday_period'))
    )
    with op.batch_alter_table('school_holiday_period', schema=None) as batch_op:
        batch_op.create_index('ix_school_holiday_period_committee_year', ['committee_id', 'school_year'], unique=False)



def downgrade():
    with op.batch_alter_table('school_holiday_period', schema=None) as batch_op:
        batch_op.drop_index('ix_school_holiday_period_committee_year')

    op.drop_table('school_holiday_period')
