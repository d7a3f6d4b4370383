"""The answer to a save names the entry it is about, so the offline queue on the phone
lets an entry go only on proof that the server has it (see docs/architecture.md)."""

from __future__ import annotations

import uuid

from tests.support import count_entries, htmx
from tests.web.test_diary_log import entry_form


def test_a_stored_entry_is_named_in_the_answer(app, client, logged_in):
    data = entry_form(logged_in.csrf)
    response = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 201
    assert response.headers["X-Fossa-Entry-Id"] == data["id"]
    # The same entry sent again (a replay raced it, a double tap) is named again, stored once.
    again = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert again.headers["X-Fossa-Entry-Id"] == data["id"]
    assert count_entries(app) == 1


def test_a_refused_entry_is_named_and_the_form_keeps_its_id(app, client, logged_in):
    data = entry_form(logged_in.csrf, pain=None)
    response = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    assert response.headers["X-Fossa-Entry-Id"] == data["id"]
    page = response.get_data(as_text=True)
    assert f'value="{data["id"]}"' in page  # the same entry, fixed, keeps its identity
    assert "data-new-entry" not in page
    assert count_entries(app) == 0


def test_a_fresh_form_is_marked_for_a_new_id_from_the_browser(client, logged_in):
    page = client.get("/today").get_data(as_text=True)
    assert "data-new-entry" in page


def test_a_stale_session_answers_without_naming_any_entry(app, client, logged_in):
    logged_in.logout()
    data = entry_form(logged_in.csrf)
    response = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert response.status_code in (400, 401)
    assert "X-Fossa-Entry-Id" not in response.headers
    assert count_entries(app) == 0


def test_the_api_answer_carries_the_id(client, logged_in):
    entry_id = str(uuid.uuid4())
    response = client.post(
        "/api/entries",
        json={"id": entry_id, "date": "2026-11-20", "pain": 2},
        headers=logged_in.headers,
    )
    assert response.status_code == 201
    assert response.get_json()["id"] == entry_id
