"""A long note is refused with a clear message beside the field, and everything typed
comes back; the server never shortens a note."""

from __future__ import annotations

import html

from tests.support import count_entries, htmx
from tests.web.test_diary_log import entry_form
from webapp.diary.format import NOTES_MAX


def test_an_overlong_note_comes_back_whole_with_the_reason(app, client, logged_in):
    note = "膝の裏が痛い。" * 400  # 2,800 characters
    response = client.post(
        "/entries", data=entry_form(logged_in.csrf, notes=note), headers=htmx(logged_in.headers)
    )
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    assert note in page  # whole, not cut
    assert "Keep notes to 2,000 characters (now 2,800)." in page
    assert 'id="notes-error"' in page  # beside the field
    assert "error-summary" in page  # and at the top of the form, in view
    assert "maxlength" not in page
    assert count_entries(app) == 0


def test_a_note_of_exactly_the_limit_is_stored_as_typed(app, client, logged_in):
    note = "痛" * NOTES_MAX
    response = client.post(
        "/entries", data=entry_form(logged_in.csrf, notes=note), headers=htmx(logged_in.headers)
    )
    assert response.status_code == 201
    listed = client.get("/api/entries").get_json()["entries"]
    assert listed[0]["notes"] == note


def test_the_api_refuses_an_overlong_note_instead_of_cutting_it(client, logged_in):
    response = client.post(
        "/api/entries",
        json={"date": "2026-11-20", "pain": 2, "notes": "x" * (NOTES_MAX + 1)},
        headers=logged_in.headers,
    )
    assert response.status_code == 422
    assert "now 2,001" in response.get_json()["errors"]["notes"][0]
