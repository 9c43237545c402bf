"""model cards: what a model's card says, its lineage, and the review of its documentation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 10:00:00

`model_record` gains the card's licence, base models (hub repo ids, JSON), the hub URL, the release
type, the card's Markdown and what was read from it, and when it was imported. `card_review_item`
holds, per model and checklist item, the automatic result and the reviewer's.
Plain add_column (an in-place ALTER): no batch mode, which on SQLite would rebuild `model_record`
and, with foreign keys on, clear the links other tables hold to it.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

COLUMNS = ("licence", "base_models", "hub_url", "release_type", "card_markdown", "card_data", "card_imported_at")


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.add_column("model_record", sa.Column("licence", string(length=100), nullable=False, server_default=""))
    op.add_column("model_record", sa.Column("base_models", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    op.add_column("model_record", sa.Column("hub_url", string(length=500), nullable=True))
    op.add_column("model_record", sa.Column("release_type", string(length=20), nullable=True))
    op.add_column("model_record", sa.Column("card_markdown", sa.Text(), nullable=True))
    op.add_column("model_record", sa.Column("card_data", sa.JSON(none_as_null=True), nullable=True))
    op.add_column("model_record", sa.Column("card_imported_at", core.db.UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "card_review_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_id", sa.Integer(), nullable=False),
        sa.Column("item_id", string(length=40), nullable=False),
        sa.Column("automatic_result", string(length=4), nullable=False),
        sa.Column("automatic_reason", string(length=20), nullable=False),
        sa.Column("reviewer_result", string(length=4), nullable=True),
        sa.Column("note", string(length=1000), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["model_id"], ["model_record.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["reviewer_id"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("model_id", "item_id", name="uq_card_review_item"),
    )
    op.create_index(op.f("ix_card_review_item_model_id"), "card_review_item", ["model_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_card_review_item_model_id"), table_name="card_review_item")
    op.drop_table("card_review_item")
    for name in reversed(COLUMNS):
        op.drop_column("model_record", name)
