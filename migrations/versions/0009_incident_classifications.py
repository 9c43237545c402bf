"""incident classifications: an incident's values in the AI Incident Database's taxonomies

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 11:18:00.735400
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('incident_classification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('namespace', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=False),
    sa.Column('publish', sa.Boolean(), nullable=False),
    sa.Column('updated_at', core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by'], ['staff_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('incident_id', 'namespace', name='uq_incident_classification_namespace')
    )


def downgrade() -> None:
    op.drop_table('incident_classification')
