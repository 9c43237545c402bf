"""one open appeal: at most one undecided appeal per enforcement action, and per dismissed report

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 15:30:00

Partial unique indexes only (op.create_index): no table is rebuilt. A database that already holds two open
appeals of one action (or of one report) stops here and names them: decide all but one, then upgrade again.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

OPEN = sa.text("status = 'open'")
INDEXES = (('ix_appeal_one_open_per_action', 'action_id'), ('ix_appeal_one_open_per_report', 'report_id'))


def upgrade() -> None:
    bind = op.get_bind()
    for _name, column in INDEXES:
        rows = bind.execute(sa.text(
            f"SELECT {column}, COUNT(*) FROM appeal WHERE status = 'open' AND {column} IS NOT NULL "
            f"GROUP BY {column} HAVING COUNT(*) > 1"
        )).all()
        if rows:
            held = ", ".join(f"{column} {value} ({count} open)" for value, count in rows)
            raise RuntimeError(f"Several open appeals of one {column}: {held}. Decide all but one, then upgrade.")
    for name, column in INDEXES:
        op.create_index(name, 'appeal', [column], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    for name, _column in INDEXES:
        op.drop_index(name, table_name='appeal')
