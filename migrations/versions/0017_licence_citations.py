"""licence citations: an enforcement action on the licence ground names the licence and clause it enforces

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 18:00:00

`enforcement_action` gains `licence_id` and `licence_clause`, the licence registry's ids of the licence and
clause an action on the ground 'licence' cites (incidents/enforcement/licence_ground.py); NULL on every other
ground, and on every action stored before. Plain add_column (in-place ALTERs), no batch mode.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.add_column("enforcement_action", sa.Column("licence_id", string(length=100), nullable=True))
    op.add_column("enforcement_action", sa.Column("licence_clause", string(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("enforcement_action", "licence_clause")
    op.drop_column("enforcement_action", "licence_id")
