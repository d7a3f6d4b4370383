"""Undo lives on the server, scoped to its owner: a deleted entry is hidden from every
read, can be restored by its owner for a short while, and is then purged. Nothing of
the entry is kept in the session cookie."""

from __future__ import annotations

import base64
import datetime as dt
import zlib

from tests.support import count_entries, create_user, csrf_of, htmx
from webapp.diary import store
from webapp.extensions import db
from webapp.models import Entry, User

CJK_NOTE = ("膝の裏が走った後に痛む。" * 167)[:2000]  # the limit exactly, 6 kB in UTF-8


def session_text(response) -> str:
    """The Flask session cookie in a response, decoded (it is signed, not encrypted)."""
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith("session="):
            value = header.split(";", 1)[0].split("=", 1)[1]
            compressed = value.startswith(".")
            payload = value.lstrip(".").split(".")[0]
            raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
            return (zlib.decompress(raw) if compressed else raw).decode()
    return ""


def delete(client, auth, entry_id, fragment=True):
    headers = htmx(auth.headers) if fragment else auth.headers
    return client.post(
        f"/entries/{entry_id}/delete",
        data={"csrf_token": auth.csrf, "next": "/diary"},
        headers=headers,
    )


def test_undo_restores_a_2000_character_cjk_note_and_the_cookie_holds_none_of_it(
    app, client, logged_in, user, entry_factory
):
    entry = entry_factory(user, pain=6, notes=CJK_NOTE)
    response = delete(client, logged_in, entry.id, fragment=False)
    assert response.status_code == 303
    assert "膝" not in session_text(response) and entry.id not in session_text(response)
    assert count_entries(app) == 0
    page = client.get("/diary").get_data(as_text=True)
    assert f"/entries/{entry.id}/restore" in page  # the Undo in the flash
    assert "膝の裏" not in page
    response = client.post(f"/entries/{entry.id}/restore", data={"csrf_token": logged_in.csrf})
    assert response.status_code == 303
    with app.app_context():
        restored = db.session.scalar(db.select(Entry).filter_by(id=entry.id))
        assert restored.notes == CJK_NOTE and restored.deleted_at is None


def test_another_person_on_the_same_browser_cannot_restore_it(app, client, logged_in, user):
    response = client.post(
        "/entries",
        data={"csrf_token": logged_in.csrf, "date": "2026-11-20", "pain": "4", "notes": "mine"},
    )
    entry_id = response.headers["Location"].split("saved=")[1]
    delete(client, logged_in, entry_id, fragment=False)
    logged_in.logout()

    create_user(app, email="b@example.com")
    logged_in.login(email="b@example.com")
    for path in (f"/entries/{entry_id}/restore", "/entries/undo-delete"):
        response = client.post(path, data={"csrf_token": logged_in.csrf})
        assert response.status_code in (404, 405)
    page = client.get("/diary").get_data(as_text=True)
    assert "restore" not in page
    assert client.get("/api/entries").get_json()["entries"] == []
    with app.app_context():
        b = db.session.scalar(db.select(User).filter_by(email="b@example.com"))
        assert (
            db.session.scalar(db.select(db.func.count()).select_from(Entry).filter_by(user_id=b.id))
            == 0
        )


def test_logout_clears_the_session(client, logged_in):
    response = logged_in.logout()
    cookie = session_text(response)
    assert cookie in ("", "{}") or "_user_id" not in cookie


def test_a_deleted_entry_is_gone_from_every_read(app, client, logged_in, user, entry_factory):
    with app.app_context():
        person = db.session.get(User, user.id)
        today = store.local_today(person)
    entry = entry_factory(user, date=today, pain=9, notes="secret calf note", calf_swelling=True)
    delete(client, logged_in, entry.id)
    for path in (
        "/today",
        "/diary",
        "/diary?range=90",
        "/insights",
        "/api/insights",
        "/api/entries",
        "/account/diary.json",
        "/export/report.pdf",
        "/export/diary.csv",
        "/export/diary.json",
        "/export/fhir.json",
        f"/entries/{entry.id}",
        f"/entries/{entry.id}/edit",
    ):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        assert b"secret calf note" not in response.get_data(), path
    with app.app_context():
        from webapp.reminders.batches import _logged_on

        # The reminders' "logged that day" check of a batch does not count it either.
        assert (user.id, today) not in _logged_on({user.id: today})


def test_a_replay_of_a_deleted_entry_does_not_bring_it_back(app, client, logged_in, user):
    entry = {"id": "6f1c0d3e-6f5d-4a37-9f53-2f0e0c8f4d11", "date": "2026-11-20", "pain": 3}
    assert client.post("/api/entries", json=entry, headers=logged_in.headers).status_code == 201
    delete(client, logged_in, entry["id"])
    again = client.post("/api/entries", json=entry, headers=logged_in.headers)
    assert again.status_code == 200 and again.get_json()["id"] == entry["id"]  # the queue lets go
    assert count_entries(app) == 0


def test_the_window_closes_and_the_purge_removes_it(
    app, runner, client, logged_in, user, entry_factory
):
    entry = entry_factory(user, pain=2)
    delete(client, logged_in, entry.id)
    with app.app_context():
        row = db.session.scalar(db.select(Entry).filter_by(id=entry.id))
        row.deleted_at = dt.datetime.now(dt.UTC) - store.RESTORE_WINDOW - dt.timedelta(minutes=1)
        db.session.commit()
    response = client.post(
        f"/entries/{entry.id}/restore",
        data={"csrf_token": logged_in.csrf},
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 404
    assert "can no longer be restored" in response.get_data(as_text=True)
    result = runner.invoke(args=["diary", "purge-deleted"])
    assert result.exit_code == 0 and "Purged 1 deleted entry." in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Entry)) == 0
    csrf_of(client, "/diary")  # the diary still answers
