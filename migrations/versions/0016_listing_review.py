"""listing review: the pre-upload review of models, and flags down the lineage

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-10 10:00:00

`model_record` gains its listing (`listed` for every model stored before, so none disappears), the
review criteria its last evaluation found, when its listing changed, when two staff members
approved it and the criteria their approval judged, and the owner's contact address.
`listing_proposal` holds each approve-or-return proposal and its second person's decision, at most
one waiting per model (a partial unique index, as 0013 does for appeals); `upstream_flag` a derived model flagged when a model up
its lineage was restricted, suspended or decommissioned; `upstream_notice` the owner e-mail sent about
a flag, claimed by its unique row. Plain add_column and create_table: no batch mode, which on SQLite
would rebuild `model_record` and, with foreign keys on, clear the links other tables hold to it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

COLUMNS = (
    "listing",
    "listing_criteria",
    "listing_changed_at",
    "listing_approved_at",
    "listing_approved_criteria",
    "owner_contact",
)
WAITING = sa.text("status = 'pending'")


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    when = core.db.UTCDateTime(timezone=True)
    op.add_column("model_record", sa.Column("listing", string(length=20), nullable=False, server_default="listed"))
    op.add_column(
        "model_record", sa.Column("listing_criteria", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
    )
    op.add_column("model_record", sa.Column("listing_changed_at", when, nullable=True))
    op.add_column("model_record", sa.Column("listing_approved_at", when, nullable=True))
    op.add_column(
        "model_record",
        sa.Column("listing_approved_criteria", sa.JSON(), nullable=False, server_default=sa.text("'[]'")),
    )
    op.add_column("model_record", sa.Column("owner_contact", string(length=254), nullable=True))
    op.create_index(op.f("ix_model_record_listing"), "model_record", ["listing"], unique=False)
    op.create_table(
        "listing_proposal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("outcome", string(length=10), nullable=False),
        sa.Column("reasons", string(length=2000), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("status", string(length=20), nullable=False),
        sa.Column("proposed_by", sa.Integer(), nullable=True),
        sa.Column("proposed_at", when, nullable=False),
        sa.Column("decided_by", sa.Integer(), nullable=True),
        sa.Column("decided_at", when, nullable=True),
        sa.Column("decision_note", string(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["model_id"], ["model_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["proposed_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_listing_proposal_model_id"), "listing_proposal", ["model_id"], unique=False)
    op.create_index(op.f("ix_listing_proposal_status"), "listing_proposal", ["status"], unique=False)
    op.create_index(
        "ix_listing_proposal_one_waiting",
        "listing_proposal",
        ["model_id"],
        unique=True,
        sqlite_where=WAITING,
        postgresql_where=WAITING,
    )
    op.create_table(
        "upstream_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("upstream_id", sa.Integer(), nullable=False),
        sa.Column("upstream_status", string(length=20), nullable=False),
        sa.Column("upstream_changed_at", when, nullable=False),
        sa.Column("flagged_at", when, nullable=False),
        sa.Column("cleared_by", sa.Integer(), nullable=True),
        sa.Column("cleared_at", when, nullable=True),
        sa.Column("clear_note", string(length=1000), nullable=False),
        sa.ForeignKeyConstraint(["model_id"], ["model_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["upstream_id"], ["model_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["cleared_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("model_id", "upstream_id", "upstream_status", "upstream_changed_at", name="uq_upstream_flag"),
    )
    op.create_index(op.f("ix_upstream_flag_model_id"), "upstream_flag", ["model_id"], unique=False)
    op.create_index(op.f("ix_upstream_flag_upstream_id"), "upstream_flag", ["upstream_id"], unique=False)
    op.create_table(
        "upstream_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("sent_at", when, nullable=False),
        sa.ForeignKeyConstraint(["flag_id"], ["upstream_flag.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("flag_id"),
    )


def downgrade() -> None:
    op.drop_table("upstream_notice")
    op.drop_index(op.f("ix_upstream_flag_upstream_id"), table_name="upstream_flag")
    op.drop_index(op.f("ix_upstream_flag_model_id"), table_name="upstream_flag")
    op.drop_table("upstream_flag")
    op.drop_index("ix_listing_proposal_one_waiting", table_name="listing_proposal")
    op.drop_index(op.f("ix_listing_proposal_status"), table_name="listing_proposal")
    op.drop_index(op.f("ix_listing_proposal_model_id"), table_name="listing_proposal")
    op.drop_table("listing_proposal")
    op.drop_index(op.f("ix_model_record_listing"), table_name="model_record")
    for name in reversed(COLUMNS):
        op.drop_column("model_record", name)
