"""staff sessions on the server: every sign-in is a row that logout and account changes delete

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 09:40:00.000000

The escrowed-key table of 0001 held a row only for sign-ins with a key; staff_session holds one for
every sign-in. Existing sign-ins end with the upgrade: staff sign in again.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staff_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('sealed_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('created_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_session_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staff_session_staff_id'), ['staff_id'], unique=False)

    with op.batch_alter_table('staff_key_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_key_session_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_key_session_expires_at'))
    op.drop_table('staff_key_session')


def downgrade() -> None:
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

    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_session_staff_id'))
        batch_op.drop_index(batch_op.f('ix_staff_session_expires_at'))
    op.drop_table('staff_session')
