"""The embedded SQLite file: private to its owner, and deleted data really gone.

The file (and with it the -wal and -shm files SQLite makes with the same mode)
is created 0600 before the first connection. ``secure_delete`` overwrites deleted
content in the file, and after an account is deleted a checkpoint copies the
write-ahead log into the file and truncates it, so no note outlives its account
in the WAL.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine, make_url

PRIVATE = 0o600


def make_private(database_uri: str) -> None:
    """Create the SQLite file 0600 if it is missing; tighten its mode if it exists."""
    url = make_url(database_uri)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return
    path = Path(url.database)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Never open (and close) an existing database file: closing any descriptor of
    # a file drops every POSIX lock this process holds on it, SQLite's included.
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, PRIVATE))
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists():
            companion.chmod(PRIVATE)


def tune(engine: Engine) -> None:
    """WAL for concurrent readers, foreign keys on, deleted content overwritten."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()


def checkpoint(engine: Engine) -> None:
    """Move the WAL into the file and empty it (after deleting an account)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
