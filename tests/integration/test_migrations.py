"""Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from tests.conftest import TEST_SECRET, _database_url_from_env, postgres_schema_url


@pytest.fixture
def empty_database_url(tmp_path, db_backend):
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    base = _database_url_from_env()
    schema = f"m_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_schema_url(base, "public"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield postgres_schema_url(base, schema)
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def migrated_app(url, tmp_path):
    from wsgi import create_app

    return create_app(
        {"TESTING": True, "SECRET_KEY": TEST_SECRET, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / "instance")}
    )


def _without_inline_partner_fk(conn, diff):
    """Drop the one difference SQLite's reflection makes up: `report.partner_id`'s ON DELETE SET NULL.

    0015 adds the column with its reference inline (ALTER TABLE ... ADD COLUMN ... REFERENCES ... ON DELETE
    SET NULL), as SQLite cannot add a table constraint without rebuilding the table. SQLAlchemy reads the
    ON DELETE of table constraints only, so it reports this one as remove_fk + add_fk; SQLite's own
    PRAGMA shows the rule is there.
    """
    rows = conn.exec_driver_sql("PRAGMA foreign_key_list(report)").mappings().all()
    partner = [r for r in rows if r["from"] == "partner_id"]
    assert [(r["table"], r["to"], r["on_delete"]) for r in partner] == [("partner", "id", "SET NULL")]

    def partner_fk(entry):
        return entry[0] in ("remove_fk", "add_fk") and [c.name for c in entry[1].columns] == ["partner_id"]

    found = [entry for entry in diff if partner_fk(entry)]
    if found:  # exactly the made-up pair, and the model's side is what the database holds: nothing else hides here
        assert sorted(entry[0] for entry in found) == ["add_fk", "remove_fk"], found
        (added,) = [entry[1] for entry in found if entry[0] == "add_fk"]
        assert (added.referred_table.name, [e.column.name for e in added.elements], added.ondelete) == (
            "partner",
            ["id"],
            "SET NULL",
        )
    return [entry for entry in diff if not partner_fk(entry)]


def test_upgrade_reaches_the_models_schema(empty_database_url, tmp_path):
    app = migrated_app(empty_database_url, tmp_path)
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
        tables = set(inspect(conn).get_table_names())
        if conn.dialect.name == "sqlite":
            diff = _without_inline_partner_fk(conn, diff)
    engine.dispose()
    assert diff == []
    assert {
        "staff_user",
        "staff_session",
        "audit_event",
        "audit_head",
        "report",
        "message",
        "attachment",
        "alembic_version",
    } <= tables


def test_downgrade_to_base_and_up_again(empty_database_url, tmp_path):
    app = migrated_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    engine = create_engine(empty_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0


def test_upgrade_from_0001_keeps_reports_and_counts_them(empty_database_url, tmp_path):
    app = migrated_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0001"]).exit_code == 0
    engine = create_engine(empty_database_url)
    row = (
        "INSERT INTO report (channel, category, severity, model_name, share_consent, status, created_at, "
        "updated_at, version, language, flag_death, flag_health, flag_critical_infrastructure, "
        "flag_fundamental_rights, flag_property_environment, flag_cybersecurity, wrapped_keys) VALUES "
        "(:channel, 'other', 'hazard', :model, false, :status, '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00', 1, 'en', false, false, false, false, false, false, '{}')"
    )
    with engine.begin() as conn:
        for channel, status, model in [
            ("public", "received", "  Aurora  7B "),
            ("public", "received", None),
            ("public", "resolved", "x"),
            ("whistleblower", "received", None),
        ]:
            conn.execute(text(row), {"channel": channel, "status": status, "model": model})
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with engine.begin() as conn:
        counts = dict(((c, s), n) for c, s, n in conn.execute(text("SELECT channel, status, n FROM report_count")))
        assert counts == {("public", "received"): 2, ("public", "resolved"): 1, ("whistleblower", "received"): 1}
        assert conn.execute(text("SELECT model_key FROM report WHERE id = 1")).scalar() == "aurora 7b"
        conn.execute(text("UPDATE report SET status = 'dismissed' WHERE id = 2"))
        counts = dict(((c, s), n) for c, s, n in conn.execute(text("SELECT channel, status, n FROM report_count")))
    engine.dispose()
    assert counts[("public", "received")] == 1 and counts[("public", "dismissed")] == 1


def test_0018_makes_every_stored_report_a_general_one_and_goes_back(empty_database_url, tmp_path):
    app = migrated_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0015"]).exit_code == 0
    engine = create_engine(empty_database_url)
    row = (
        "INSERT INTO report (channel, category, severity, share_consent, status, created_at, updated_at, version, "
        "language, flag_death, flag_health, flag_critical_infrastructure, flag_fundamental_rights, "
        "flag_property_environment, flag_cybersecurity, flag_widespread_infringement, flag_weight_exfiltration, "
        "wrapped_keys) VALUES ('public', 'privacy', 'incident', false, 'received', '2026-01-01 00:00:00', "
        "'2026-01-01 00:00:00', 1, 'en', false, false, false, false, false, false, false, false, '{}')"
    )
    with engine.begin() as conn:
        conn.execute(text(row))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    answers = (
        "kind, abuse_type, information_type, reporter_role, notice_type, good_faith, licence, licence_clause, use_rule"
    )
    with engine.begin() as conn:
        stored = conn.execute(text(f"SELECT {answers} FROM report")).one()
        assert tuple(stored) == ("general", None, None, None, None, False, None, None, None)
        indexes = {index["name"]: index["column_names"] for index in inspect(conn).get_indexes("report")}
        assert indexes["ix_report_queue_kind"] == ["channel", "kind", "id"]
    assert runner.invoke(args=["db", "downgrade", "0015"]).exit_code == 0
    with engine.begin() as conn:
        columns = {column["name"] for column in inspect(conn).get_columns("report")}
        assert "kind" not in columns and "good_faith" not in columns and "licence" not in columns
        assert conn.execute(text("SELECT category FROM report")).scalar_one() == "privacy"
    engine.dispose()


def test_migrated_database_serves_the_app(empty_database_url, tmp_path):
    app = migrated_app(empty_database_url, tmp_path)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["demo", "seed", "--reports", "50"]).exit_code == 0
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
    assert app.test_client().get("/healthz").status_code == 200


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path, db_backend):
    if db_backend != "sqlite":
        pytest.skip("SQLite pragmas: this run is on PostgreSQL")
    from core.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'wal.db'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()
