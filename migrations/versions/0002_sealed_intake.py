"""sealed intake

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:23:58.770912
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('author', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped_keys', sa.JSON(), nullable=False),
    sa.Column('dedupe_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_dedupe_mac'), ['dedupe_mac'], unique=True)
        batch_op.create_index(batch_op.f('ix_message_report_id'), ['report_id'], unique=False)

    op.create_table('staff_key_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('sealed_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_key_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_key_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_key_session_staff_id'), ['staff_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('media_type', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('wrapped_keys', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['message.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('model_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('occurred_from', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('occurred_to', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default='en'))
        batch_op.add_column(sa.Column('sealed', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('wrapped_keys', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('receipt_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('reporter_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('reporter_public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_staff_message_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_reporter_message_at', core.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_report_receipt_mac'), ['receipt_mac'], unique=True)
        batch_op.drop_column('occurred_on')

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('sealed_private_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.add_column(sa.Column('key_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True))
        batch_op.add_column(sa.Column('keys_created_at', core.db.UTCDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_column('keys_created_at')
        batch_op.drop_column('key_salt')
        batch_op.drop_column('sealed_private_key')
        batch_op.drop_column('public_key')

    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurred_on', sa.DATE(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_report_receipt_mac'))
        batch_op.drop_column('last_reporter_message_at')
        batch_op.drop_column('last_staff_message_at')
        batch_op.drop_column('reporter_public_key')
        batch_op.drop_column('reporter_salt')
        batch_op.drop_column('receipt_mac')
        batch_op.drop_column('wrapped_keys')
        batch_op.drop_column('sealed')
        batch_op.drop_column('language')
        batch_op.drop_column('occurred_to')
        batch_op.drop_column('occurred_from')
        batch_op.drop_column('model_url')

    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_report_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('staff_key_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_key_session_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_key_session_expires_at'))

    op.drop_table('staff_key_session')
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_report_id'))
        batch_op.drop_index(batch_op.f('ix_message_dedupe_mac'))

    op.drop_table('message')
