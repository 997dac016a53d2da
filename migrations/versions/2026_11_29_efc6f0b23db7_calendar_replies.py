"""calendar replies: rejected replies, the calendar answer channel

`clas fetch-replies` records an answer sent from a calendar client with the new channel
« Réponse depuis l'agenda » (invitation.answer_channel = 'calendar': the CHECK constraint
of the portable enum is widened), and keeps each reply it could not record, with the
reason, in rejected_reply. invitation.answer_to_reconfirm marks an answer given before the
meeting's date or time changed (« à reconfirmer »). Downgrading counts calendar answers as
answers by link.

Revision ID: efc6f0b23db7
Revises: f028daae8902
Create Date: 2026-11-29 20:52:09.052420

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'efc6f0b23db7'
down_revision = 'f028daae8902'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rejected_reply',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('committee_id', sa.Integer(), nullable=True),
    sa.Column('invitation_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Enum('no_calendar', 'malformed', 'not_a_reply', 'unknown_token', 'wrong_uid', 'old_sequence', 'cancelled', 'closed', 'no_answer', 'invalid', name='rejection_reason', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('sender', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('message_id', sa.String(length=300), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('raw', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['committee_id'], ['committee.id'], name=op.f('fk_rejected_reply_committee_id_committee'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id'], name=op.f('fk_rejected_reply_invitation_id_invitation'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejected_reply'))
    )
    with op.batch_alter_table('rejected_reply', schema=None) as batch_op:
        batch_op.create_index('ix_rejected_reply_committee', ['committee_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rejected_reply_invitation_id'), ['invitation_id'], unique=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_to_reconfirm', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.drop_constraint(op.f('ck_invitation_answer_channel'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_invitation_answer_channel'), "answer_channel IN ('link', 'page', 'organiser', 'calendar')"
        )


def downgrade():
    op.execute("UPDATE invitation SET answer_channel = 'link' WHERE answer_channel = 'calendar'")
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_invitation_answer_channel'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_invitation_answer_channel'), "answer_channel IN ('link', 'page', 'organiser')"
        )
        batch_op.drop_column('answer_to_reconfirm')

    with op.batch_alter_table('rejected_reply', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rejected_reply_invitation_id'))
        batch_op.drop_index('ix_rejected_reply_committee')

    op.drop_table('rejected_reply')
