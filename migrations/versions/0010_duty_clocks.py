"""duty clocks: what a channel owes the reporter (acknowledgement, feedback, outcome, decision) and when

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 12:30:00

Plain add_column (an in-place ALTER): no batch mode, which on SQLite would rebuild `report`
and, with foreign keys on, clear the links other tables hold to it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

STAMPS = ("auto_ack_at", "feedback_at", "feedback_extended_at", "outcome_sent_at", "duty_due_at")


def upgrade() -> None:
    for name in STAMPS:
        op.add_column("report", sa.Column(name, core.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column(
        "report", sa.Column("feedback_extension_reason", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True)
    )
    op.add_column("report", sa.Column("duty_kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    op.create_index("ix_report_queue_duty", "report", ["channel", "duty_due_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_report_queue_duty", table_name="report")
    for name in ("duty_kind", "feedback_extension_reason", *reversed(STAMPS)):
        op.drop_column("report", name)
