"""report.actioned_at index: the transparency report counts the reports first acted on in a quarter

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 21:15:00

The median time to action of a quarter's transparency report is measured over the reports whose
first enforcement action (`actioned_at`) fell in the quarter, whenever they arrived. Without an
index that query would read every report ever received; with it, one range of the index.
"""

from alembic import op


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_report_actioned_at", "report", ["actioned_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_actioned_at", table_name="report")
