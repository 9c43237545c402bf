"""incident sources: each public article with its title, publisher, authors, dates and excerpt

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 12:00:00.000000

An incident's source_urls become incident_source rows (their details left for staff to record),
and the column goes: an article's URL now lives with its details only.
"""

from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

incident = sa.table('incident', sa.column('id', sa.Integer()), sa.column('source_urls', sa.JSON()))


def upgrade() -> None:
    bind = op.get_bind()
    urls = list(bind.execute(sa.select(incident.c.id, incident.c.source_urls).order_by(incident.c.id)))
    # A plain DROP COLUMN (SQLite 3.35 and later, PostgreSQL), never batch mode's rebuild of the table: with
    # foreign keys on, dropping the old incident table would set every report's and action's incident_id to NULL.
    op.execute('ALTER TABLE incident DROP COLUMN source_urls')
    source = op.create_table(
        'incident_source',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('incident_id', sa.Integer(), nullable=False),
        sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('publication', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('authors', sa.JSON(), nullable=False),
        sa.Column('published_on', sa.Date(), nullable=True),
        sa.Column('retrieved_on', sa.Date(), nullable=True),
        sa.Column('excerpt', sa.Text(), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['incident_id'], ['incident.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by'], ['staff_user.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('incident_source', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incident_source_incident_id'), ['incident_id'], unique=False)
    now = datetime.now(timezone.utc)
    rows = [
        dict(incident_id=incident_id, url=url, title='', publication='', authors=[], excerpt='', language='en', created_at=now)
        for incident_id, values in urls
        for url in values or []
    ]
    if rows:
        bind.execute(sa.insert(source), rows)


def downgrade() -> None:
    bind = op.get_bind()
    source = sa.table('incident_source', sa.column('incident_id', sa.Integer()), sa.column('url', sa.String()), sa.column('id', sa.Integer()))
    urls: dict = {}
    for incident_id, url in bind.execute(sa.select(source.c.incident_id, source.c.url).order_by(source.c.id)):
        urls.setdefault(incident_id, []).append(url)
    op.drop_table('incident_source')
    # A plain ADD COLUMN, for the reason upgrade() gives; the default fills the rows without URLs.
    op.add_column('incident', sa.Column('source_urls', sa.JSON(), nullable=False, server_default='[]'))
    for incident_id, ids in urls.items():
        bind.execute(sa.update(incident).where(incident.c.id == incident_id).values(source_urls=ids))
