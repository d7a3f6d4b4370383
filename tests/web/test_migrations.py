"""The committed migrations build exactly the models' schema, and undo cleanly."""

from __future__ import annotations

from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect

from webapp import create_app
from webapp.extensions import db


@pytest.fixture
def empty_database(database_uri, tmp_path):
    """A database of its own: SQLite file, or a fresh schema on the PostgreSQL server."""
    if database_uri.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    engine = create_engine(database_uri)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
        connection.exec_driver_sql("CREATE SCHEMA migration_check")
    separator = "&" if "?" in database_uri else "?"
    yield f"{database_uri}{separator}options=-csearch_path%3Dmigration_check"
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA IF EXISTS migration_check CASCADE")
    engine.dispose()


def _unmigrated_app(database: str, tmp_path: Any) -> Flask:
    """The app on ``database``, left unmigrated so a test can step through the revisions."""
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "AUTO_MIGRATE": False,
        }
    )


def test_upgrade_gives_the_models_schema_and_downgrade_empties_it(empty_database, tmp_path):
    app = _unmigrated_app(empty_database, tmp_path)
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []

        downgrade(revision="base")
        tables = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        db.engine.dispose()


def test_first_run_creates_the_embedded_database(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": "test"})
    assert (instance / "fossa.sqlite3").exists()
    with app.app_context():
        assert "entry" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_due_times_migration_backfills_next_due_at(empty_database, tmp_path):
    """Rows from before next_due_at get the moment of their next reminder not yet done."""
    import datetime as dt

    from sqlalchemy import text

    app = _unmigrated_app(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="c83443b03347")
        now = dt.datetime.now(dt.UTC)
        with db.engine.begin() as connection:
            for user_id, enabled in ((1, True), (2, False)):
                connection.execute(
                    text(
                        'INSERT INTO "user" (id, email, password_hash, session_id, timezone,'
                        " created_at) VALUES (:id, :email, 'x', :sid, 'Asia/Tokyo', :now)"
                    ),
                    {"id": user_id, "email": f"u{user_id}@example.com", "sid": f"s{user_id}",
                     "now": now},
                )  # fmt: skip
                connection.execute(
                    text(
                        "INSERT INTO reminder_settings (user_id, enabled, local_time, days_mask,"
                        " skip_if_logged, updated_at) VALUES (:id, :on, '07:15:00', 127, :on, :now)"
                    ),
                    {"id": user_id, "on": enabled, "now": now},
                )
        upgrade()
        with db.engine.connect() as connection:
            result = connection.execute(text("SELECT user_id, next_due_at FROM reminder_settings"))
            rows = {user_id: due for user_id, due in result}
        assert rows[2] is None
        due = rows[1] if isinstance(rows[1], dt.datetime) else dt.datetime.fromisoformat(rows[1])
        due = due.replace(tzinfo=dt.UTC) if due.tzinfo is None else due
        # 07:15 in Tokyo (UTC+9) is 22:15 UTC the day before; today's or tomorrow's
        assert (due.hour, due.minute) == (22, 15)
        assert now - dt.timedelta(days=1) <= due <= now + dt.timedelta(days=1)
        downgrade(revision="base")
        db.engine.dispose()


def test_upgrading_keeps_every_persons_entries_and_devices(empty_database, tmp_path):
    """A person's rows survive every migration: SQLite batch rebuilds of a parent table
    must not cascade (a rebuild of "user" once deleted every entry and reminder)."""
    import datetime as dt

    from sqlalchemy import text

    app = _unmigrated_app(empty_database, tmp_path)
    with app.app_context():
        upgrade(revision="c83443b03347")
        now = dt.datetime.now(dt.UTC)
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    'INSERT INTO "user" (id, email, password_hash, session_id, timezone,'
                    " created_at) VALUES (1, 'a@example.com', 'x', 's1', 'UTC', :now)"
                ),
                {"now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO entry (id, user_id, date, pain, notes, created_at, updated_at)"
                    " VALUES ('6f1c0d3e-6f5d-4a37-9f53-2f0e0c8f4d11', 1, :day, 4,"
                    " 'kept through every migration', :now, :now)"
                ),
                {"day": now.date(), "now": now},
            )
            connection.execute(
                text(
                    "INSERT INTO push_subscription (user_id, endpoint, p256dh, auth, created_at)"
                    " VALUES (1, 'https://fcm.googleapis.com/fcm/send/x', 'k', 'a', :now)"
                ),
                {"now": now},
            )
        upgrade()
        with db.engine.connect() as connection:
            notes = connection.execute(text("SELECT notes FROM entry")).scalars().all()
            devices = connection.execute(text("SELECT count(*) FROM push_subscription")).scalar()
        assert notes == ["kept through every migration"]
        assert devices == 1
        downgrade(revision="base")
        db.engine.dispose()
