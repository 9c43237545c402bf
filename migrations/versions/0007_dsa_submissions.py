"""dsa submissions: statements sent to the DSA Transparency Database; the end date of a time-limited action

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 12:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enforcement_action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))

    op.create_table('dsa_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('puid', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('period', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('statement_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('http_status', sa.Integer(), nullable=True),
    sa.Column('errors', sa.JSON(none_as_null=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['enforcement_action.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('puid')
    )
    with op.batch_alter_table('dsa_submission', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dsa_submission_action_id'), ['action_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dsa_submission_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_dsa_submission_status'), ['status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dsa_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dsa_submission_status'))
        batch_op.drop_index(batch_op.f('ix_dsa_submission_period'))
        batch_op.drop_index(batch_op.f('ix_dsa_submission_action_id'))

    op.drop_table('dsa_submission')

    # A plain DROP COLUMN, not a rebuild of the table (see 0008): nothing of the action's links is touched.
    op.execute('ALTER TABLE enforcement_action DROP COLUMN ends_on')
