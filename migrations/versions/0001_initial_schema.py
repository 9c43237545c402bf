"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 10:13:38.363715
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_event',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('target_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index('ix_audit_event_target', ['target_type', 'target_id'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('category', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('model_name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('model_version', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('model_provider', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.Column('model_url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=True),
    sa.Column('occurred_from', sa.Date(), nullable=True),
    sa.Column('occurred_to', sa.Date(), nullable=True),
    sa.Column('flag_death', sa.Boolean(), nullable=False),
    sa.Column('flag_health', sa.Boolean(), nullable=False),
    sa.Column('flag_critical_infrastructure', sa.Boolean(), nullable=False),
    sa.Column('flag_fundamental_rights', sa.Boolean(), nullable=False),
    sa.Column('flag_property_environment', sa.Boolean(), nullable=False),
    sa.Column('flag_cybersecurity', sa.Boolean(), nullable=False),
    sa.Column('share_consent', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.Column('wrapped_keys', sa.JSON(), nullable=False),
    sa.Column('receipt_mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('reporter_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('reporter_public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('last_staff_message_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_reporter_message_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_actor'), ['actor'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_channel'), ['channel'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_model_name'), ['model_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_receipt_mac'), ['receipt_mac'], unique=True)
        batch_op.create_index(batch_op.f('ix_report_severity'), ['severity'], unique=False)
        batch_op.create_index(batch_op.f('ix_report_status'), ['status'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    sa.Column('totp_secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('totp_last_counter', sa.Integer(), nullable=False),
    sa.Column('setup_token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('setup_expires_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('sealed_private_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('key_salt', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('keys_created_at', core.db.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_email'), ['email'], unique=True)
        batch_op.create_index(batch_op.f('ix_staff_user_setup_token_hash'), ['setup_token_hash'], unique=False)

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



def downgrade() -> None:
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
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_setup_token_hash'))
        batch_op.drop_index(batch_op.f('ix_staff_user_email'))

    op.drop_table('staff_user')
    with op.batch_alter_table('report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_status'))
        batch_op.drop_index(batch_op.f('ix_report_severity'))
        batch_op.drop_index(batch_op.f('ix_report_receipt_mac'))
        batch_op.drop_index(batch_op.f('ix_report_model_name'))
        batch_op.drop_index(batch_op.f('ix_report_created_at'))
        batch_op.drop_index(batch_op.f('ix_report_channel'))
        batch_op.drop_index(batch_op.f('ix_report_category'))
        batch_op.drop_index(batch_op.f('ix_report_actor'))

    op.drop_table('report')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_target')

    op.drop_table('audit_event')
