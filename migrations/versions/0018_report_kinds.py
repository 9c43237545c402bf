"""report kinds: what a report is about, and the countable answers its kind asks

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08 10:00:00

`report` gains `kind` (`general` for every report stored before, which is what they were) and the
countable answers of the kinds (incidents.intake.kinds): the kind of abuse or of private information,
whether the reporter is the person concerned or acts for them, Lumen's notice type, the good-faith
statement, the cited licence and clause, and the acceptable-use rule. Answers in the reporter's own words
are sealed with the content, so no column holds them. The queue filters on the kind through
`ix_report_queue_kind` (channel, kind, id), as on its other filters.
Plain add_column (in-place ALTERs): no batch mode, which on SQLite would rebuild `report` and, with
foreign keys on, clear the links other tables hold to it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

ANSWERS = (
    ("abuse_type", 40),
    ("information_type", 40),
    ("reporter_role", 20),
    ("notice_type", 20),
    ("licence", 100),
    ("licence_clause", 20),
    ("use_rule", 40),
)


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.add_column("report", sa.Column("kind", string(length=30), nullable=False, server_default="general"))
    for name, size in ANSWERS:
        op.add_column("report", sa.Column(name, string(length=size), nullable=True))
    op.add_column("report", sa.Column("good_faith", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index("ix_report_queue_kind", "report", ["channel", "kind", "id"])


def downgrade() -> None:
    op.drop_index("ix_report_queue_kind", table_name="report")
    op.drop_column("report", "good_faith")
    for name, _size in reversed(ANSWERS):
        op.drop_column("report", name)
    op.drop_column("report", "kind")
