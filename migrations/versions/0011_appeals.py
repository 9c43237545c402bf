"""appeals: statements' one-time appeal links, appeals against enforcement actions and dismissals, their files

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:30:00

New tables only (op.create_table): nothing here rebuilds report, incident, enforcement_action or model_record.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('appeal_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('token_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('used_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_to_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('sent_to_keys', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['enforcement_action.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_appeal_token_action_id'), 'appeal_token', ['action_id'], unique=False)
    op.create_index(op.f('ix_appeal_token_token_mac'), 'appeal_token', ['token_mac'], unique=True)
    op.create_table('appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=True),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('received_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('due_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.Column('wrapped_keys', sa.JSON(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('receipt_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('appellant_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('appellant_public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('outcome', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
    sa.Column('decided_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_by', sa.Integer(), nullable=True),
    sa.Column('decision_sealed', sa.LargeBinary(), nullable=True),
    sa.Column('decision_keys', sa.JSON(), nullable=False),
    sa.Column('reinstatement_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['enforcement_action.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by'], ['staff_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['reinstatement_id'], ['enforcement_action.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    for column in ('kind', 'action_id', 'report_id', 'status', 'received_at', 'decided_at'):
        op.create_index(op.f(f'ix_appeal_{column}'), 'appeal', [column], unique=False)
    op.create_index(op.f('ix_appeal_receipt_mac'), 'appeal', ['receipt_mac'], unique=True)
    op.create_table('appeal_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appeal_id', sa.Integer(), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped_keys', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['appeal_id'], ['appeal.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_appeal_file_appeal_id'), 'appeal_file', ['appeal_id'], unique=False)


def downgrade() -> None:
    op.drop_table('appeal_file')
    op.drop_table('appeal')
    op.drop_table('appeal_token')
