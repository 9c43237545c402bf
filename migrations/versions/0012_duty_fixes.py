"""duty clocks, review fixes: the reopening stamp and the sealed justification of a feedback extension

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 15:00:00

`reopened_at`: a reopened public notice is decided anew, so its target runs from the reopening.
`feedback_extension_sealed`/`_keys`: the justification of an extension is sealed for the report's
staff readers from now on. A justification stored in clear before stays in `feedback_extension_reason`
(sealing needs keys a migration does not hold); the staff page shows it as it was.
Plain add_column (an in-place ALTER): no batch mode, which on SQLite would rebuild `report` and,
with foreign keys on, clear the links other tables hold to it.
`appeal_notice`: one row per appeal-decision warning e-mailed, so each goes out once.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("report", sa.Column("feedback_extension_sealed", sa.LargeBinary(), nullable=True))
    op.add_column("report", sa.Column("feedback_extension_keys", sa.JSON(), nullable=True))
    op.add_column("report", sa.Column("reopened_at", core.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "appeal_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("due_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("sent_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["appeal_id"], ["appeal.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appeal_id", "due_at", "kind", name="uq_appeal_notice"),
    )


def downgrade() -> None:
    op.drop_table("appeal_notice")
    for name in ("reopened_at", "feedback_extension_keys", "feedback_extension_sealed"):
        op.drop_column("report", name)
