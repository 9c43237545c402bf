"""jobs: work queued for the task worker (publishing, exporting), with its state and progress

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 18:00:00

`job` holds each queued job: its task's name and parameters, the token its queue message carries,
its state (queued, running, done, failed), its progress (a step, done of total), the outcome or why
it failed, the worker that ran it, who asked, and when. The queue itself (huey's SQLite file or
Redis) holds only job ids, so the staff pages read progress here, across processes and restarts.
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel
import core.db


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    string = sqlmodel.sql.sqltypes.AutoString
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", string(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("token", string(length=16), nullable=False),
        sa.Column("state", string(length=10), nullable=False),
        sa.Column("step", string(length=120), nullable=True),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("message", string(length=500), nullable=True),
        sa.Column("worker", string(length=120), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("updated_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_job_kind"), "job", ["kind"], unique=False)
    op.create_index(op.f("ix_job_state"), "job", ["state"], unique=False)
    op.create_index(op.f("ix_job_created_at"), "job", ["created_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_job_created_at"), table_name="job")
    op.drop_index(op.f("ix_job_state"), table_name="job")
    op.drop_index(op.f("ix_job_kind"), table_name="job")
    op.drop_table("job")
