"""The triggers that keep `report_count` (the queue's counts by channel and status), for SQLite and PostgreSQL.

Kept in the database rather than in Python so that every writer (intake, triage, a bulk import,
a hand-run UPDATE) keeps the counts right, at the cost of one small row update per change.
migrations/versions/0002_triage.py carries the same statements. incidents.models imports this module,
so the triggers are installed whenever the metadata creates the tables.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlmodel import SQLModel

SQLITE_COUNT_TRIGGERS = (
    """CREATE TRIGGER report_count_insert AFTER INSERT ON report BEGIN
         INSERT INTO report_count (channel, status, n) VALUES (NEW.channel, NEW.status, 1)
           ON CONFLICT (channel, status) DO UPDATE SET n = n + 1;
       END""",
    """CREATE TRIGGER report_count_delete AFTER DELETE ON report BEGIN
         UPDATE report_count SET n = n - 1 WHERE channel = OLD.channel AND status = OLD.status;
       END""",
    """CREATE TRIGGER report_count_update AFTER UPDATE OF channel, status ON report
         WHEN OLD.channel IS NOT NEW.channel OR OLD.status IS NOT NEW.status BEGIN
         UPDATE report_count SET n = n - 1 WHERE channel = OLD.channel AND status = OLD.status;
         INSERT INTO report_count (channel, status, n) VALUES (NEW.channel, NEW.status, 1)
           ON CONFLICT (channel, status) DO UPDATE SET n = n + 1;
       END""",
)

POSTGRES_COUNT_TRIGGERS = (
    """CREATE FUNCTION report_count_keep() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP IN ('UPDATE', 'DELETE') THEN
           UPDATE report_count SET n = n - 1 WHERE channel = OLD.channel AND status = OLD.status;
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           INSERT INTO report_count (channel, status, n) VALUES (NEW.channel, NEW.status, 1)
             ON CONFLICT (channel, status) DO UPDATE SET n = report_count.n + 1;
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER report_count_insert_delete AFTER INSERT OR DELETE ON report
         FOR EACH ROW EXECUTE FUNCTION report_count_keep()""",
    """CREATE TRIGGER report_count_update AFTER UPDATE OF channel, status ON report
         FOR EACH ROW WHEN (OLD.channel IS DISTINCT FROM NEW.channel OR OLD.status IS DISTINCT FROM NEW.status)
         EXECUTE FUNCTION report_count_keep()""",
)


def _install_count_triggers(target, connection, tables=None, **_kw) -> None:
    names = {table.name for table in tables} if tables is not None else {"report", "report_count"}
    if not {"report", "report_count"} <= names:
        return
    statements = {"sqlite": SQLITE_COUNT_TRIGGERS, "postgresql": POSTGRES_COUNT_TRIGGERS}.get(
        connection.dialect.name, ()
    )
    for statement in statements:
        connection.exec_driver_sql(statement)


# Installed once every table exists, whichever of report and report_count was created first.
event.listen(SQLModel.metadata, "after_create", _install_count_triggers)
