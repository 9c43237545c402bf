"""public incident pages: a folded search text and the keyset index of the public list

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 21:00:00

`incident.public_search` holds the public summary's title and description folded (case and accents
removed, incidents.cases.public.fold) when a publisher shares the incident, so /incidents searches
them with one plain LIKE that means the same on SQLite and PostgreSQL. Incidents shared before this
migration have none until they are shared again; the search then falls back to the stored summary.
`ix_incident_shared_at_id` (shared_at, id) serves the list's keyset order, newest shared first.
Plain add_column (in-place ALTER): no batch mode, which on SQLite would rebuild `incident`.
"""

from alembic import op
import sqlalchemy as sa


revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("incident", sa.Column("public_search", sa.Text(), nullable=True))
    op.create_index("ix_incident_shared_at_id", "incident", ["shared_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_incident_shared_at_id", table_name="incident")
    op.drop_column("incident", "public_search")
