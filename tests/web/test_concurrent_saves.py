"""Saves racing from many threads of two app instances (two workers) on one database.

Every new entry is stored once and counted once in the diary version, whatever
the interleaving: on SQLite the writers queue on the writer lock
(diary/store.py), on PostgreSQL on the database's own locks.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from tests.support import AuthActions, create_user, make_app
from webapp.extensions import db
from webapp.models import Entry, User

THREADS_PER_APP = 4
SAVES_PER_THREAD = 8


def test_racing_saves_from_two_workers_are_each_stored_and_counted_once(
    app, database_uri, tmp_path
):
    other = make_app(database_uri, tmp_path / "second-worker")
    user = create_user(app)
    with app.app_context():
        start_version = db.session.get(User, user.id).diary_version
    today = dt.datetime.now(dt.UTC).date()
    answers: list[tuple[int, str]] = []
    failures: list[BaseException] = []
    ready = threading.Barrier(2 * THREADS_PER_APP)

    def phone(worker, number: int) -> None:
        try:
            client = worker.test_client()
            auth = AuthActions(client)
            auth.login()
            ready.wait()
            for count in range(SAVES_PER_THREAD):
                entry_id = str(uuid.uuid4())
                day = today - dt.timedelta(days=(number * SAVES_PER_THREAD + count) % 20)
                entry = {"id": entry_id, "date": day.isoformat(), "pain": count % 11}
                answer = client.post("/api/entries", json=entry, headers=auth.headers)
                answers.append((answer.status_code, entry_id))
                # A replay racing the others answers with the stored entry.
                again = client.post("/api/entries", json=entry, headers=auth.headers)
                answers.append((again.status_code, entry_id))
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            failures.append(error)

    threads = [
        threading.Thread(target=phone, args=(worker, number))
        for number, worker in enumerate([app, other] * THREADS_PER_APP)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    total = 2 * THREADS_PER_APP * SAVES_PER_THREAD
    assert sorted(status for status, _ in answers) == [200] * total + [201] * total
    with app.app_context():
        stored = db.session.scalars(db.select(Entry.id).filter_by(user_id=user.id)).all()
        assert sorted(stored) == sorted({entry_id for _, entry_id in answers})
        assert db.session.get(User, user.id).diary_version == start_version + total
    with other.app_context():
        db.engine.dispose()
