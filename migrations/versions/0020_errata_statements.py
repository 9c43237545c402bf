"""errata and period statements: corrections to publications, and the qualitative parts of a quarter's report

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 21:00:00

`publication_erratum` holds the corrections a publisher adds to a publication after it was published,
append-only (its files never change). `period_statement` holds the qualitative text of a quarter's
report (automated means, staff and training, safeguards), edited before the quarter is published and
frozen into its files when it is.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "publication_erratum",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_id", sa.Integer(), nullable=False),
        sa.Column("wrong", string(length=2000), nullable=False),
        sa.Column("corrected", string(length=2000), nullable=False),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["publication_id"], ["publication.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_publication_erratum_publication_id"), "publication_erratum", ["publication_id"], unique=False
    )
    op.create_table(
        "period_statement",
        sa.Column("period", string(length=7), nullable=False),
        sa.Column("automated_means", string(length=5000), nullable=False),
        sa.Column("staff_and_training", string(length=5000), nullable=False),
        sa.Column("safeguards", string(length=5000), nullable=False),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("period"),
    )


def downgrade() -> None:
    op.drop_table("period_statement")
    op.drop_index(op.f("ix_publication_erratum_publication_id"), table_name="publication_erratum")
    op.drop_table("publication_erratum")
