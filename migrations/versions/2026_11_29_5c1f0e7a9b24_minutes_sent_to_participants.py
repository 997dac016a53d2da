"""outgoing messages may carry a meeting's minutes (message kind « minutes »)

The compte rendu of a meeting can be e-mailed to its participants (attendance/services.py,
send_minutes). The kind column is a portable enum: VARCHAR plus the named CHECK constraint
ck_outgoing_message_message_kind, which learns the new value. The column stays VARCHAR(12).
Downgrading refuses while « minutes » messages exist (delete them first).

Revision ID: 5c1f0e7a9b24
Revises: efc6f0b23db7
Create Date: 2026-11-29 21:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1f0e7a9b24'
down_revision = 'efc6f0b23db7'
branch_labels = None
depends_on = None

BEFORE = ('invitation', 'update', 'cancellation', 'reminder', 'account')
AFTER = BEFORE + ('minutes',)
STATUSES = ('queued', 'sent', 'failed')


def _kinds(values) -> str:
    return "kind IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _table(values) -> sa.Table:
    """outgoing_message as the initial schema wrote it, its kind CHECK listing `values`: SQLite
    rebuilds the table from it (batch mode does not reflect CHECK constraints)."""
    return sa.Table(
        'outgoing_message', sa.MetaData(),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('committee_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('invitation_id', sa.Integer(), nullable=True),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('raw', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.String(length=6), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], name='fk_outgoing_message_committee_id_committee', ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name='fk_outgoing_message_invitation_id_invitation', ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name='fk_outgoing_message_meeting_id_meeting', ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name='pk_outgoing_message'),
        sa.CheckConstraint(_kinds(values), name='ck_outgoing_message_message_kind'),
        sa.CheckConstraint("status IN ('queued', 'sent', 'failed')", name='ck_outgoing_message_message_status'),
        sa.Index('ix_outgoing_message_committee_id', 'committee_id'),
        sa.Index('ix_outgoing_message_invitation_id', 'invitation_id'),
        sa.Index('ix_outgoing_message_meeting_id', 'meeting_id'),
        sa.Index('ix_outgoing_message_status', 'status', 'created_at'),
    )


def _recreate(values) -> None:
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table('outgoing_message', copy_from=_table(values), recreate='always'):
            pass
        return
    op.drop_constraint(op.f('ck_outgoing_message_message_kind'), 'outgoing_message', type_='check')
    op.create_check_constraint(op.f('ck_outgoing_message_message_kind'), 'outgoing_message', _kinds(values))


def upgrade():
    _recreate(AFTER)


def downgrade():
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM outgoing_message WHERE kind = 'minutes' LIMIT 1")).scalar():
        raise RuntimeError("outgoing_message holds « minutes » messages: delete them before downgrading")
    _recreate(BEFORE)
