"""partners: trusted flaggers, authorities and hubs that file reports with an API token

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 16:00:00

`partner` holds each partner's kind and the SHA-256 of its API token (and of a hub's webhook
secret), never the secrets. `report` gains `source_type` (`public` for every report stored before)
and `partner_id`, the partner whose token filed it (SET NULL if the partner row goes).
Plain create_table and add_column (in-place ALTERs): no batch mode, which on SQLite would rebuild
`report` and, with foreign keys on, clear the links other tables hold to it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", string(length=100), nullable=False),
        sa.Column("kind", string(length=20), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("token_hash", string(length=64), nullable=False),
        sa.Column("webhook_secret_hash", string(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index(op.f("ix_partner_token_hash"), "partner", ["token_hash"], unique=True)
    op.add_column("report", sa.Column("source_type", string(length=20), nullable=False, server_default="public"))
    # The reference inline in ADD COLUMN, which SQLite and PostgreSQL both take; Alembic would add it as a
    # separate constraint, which SQLite can only do in batch mode.
    op.execute("ALTER TABLE report ADD COLUMN partner_id INTEGER REFERENCES partner (id) ON DELETE SET NULL")


def downgrade() -> None:
    op.drop_column("report", "partner_id")
    op.drop_column("report", "source_type")
    op.drop_index(op.f("ix_partner_token_hash"), table_name="partner")
    op.drop_table("partner")
