"""Logging, editing and deleting entries through the pages, with and without htmx."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from tests.support import count_entries, htmx
from webapp.extensions import db
from webapp.models import Entry

TODAY = dt.date.today()


def entry_form(csrf: str, **fields):
    data = {
        "csrf_token": csrf,
        "id": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "pain": "4",
        "side": "left",
        "locations": ["center", "calf"],
        "activity": "running",
        "swelling": "mild",
        "numbness": "no",
    }
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def stored(app):
    with app.app_context():
        return [e.to_diary() for e in db.session.scalars(db.select(Entry))]


def test_plain_form_post_saves_and_redirects(app, client, logged_in):
    response = client.post("/entries", data=entry_form(logged_in.csrf))
    assert response.status_code == 303
    assert "/today?saved=" in response.headers["Location"]
    [entry] = stored(app)
    assert entry["pain"] == 4
    assert entry["locations"] == ["center", "calf"]
    assert entry["numbness"] is False
    assert "calf_swelling" not in entry  # unanswered stays unknown, not "no"


def test_htmx_post_answers_with_the_log_fragment(app, client, logged_in):
    response = client.post(
        "/entries", data=entry_form(logged_in.csrf), headers=htmx(logged_in.headers)
    )
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<section id="log"')
    assert "<html" not in page
    assert "Saved for" in page
    assert "HX-Request" in response.headers["Vary"]


def test_double_submit_of_one_form_saves_once(app, client, logged_in):
    data = entry_form(logged_in.csrf)
    client.post("/entries", data=data)
    client.post("/entries", data=data)
    assert count_entries(app) == 1


def test_several_entries_a_day_are_allowed(app, client, logged_in):
    client.post("/entries", data=entry_form(logged_in.csrf, pain="2"))
    client.post("/entries", data=entry_form(logged_in.csrf, pain="5"))
    assert count_entries(app) == 2


@pytest.mark.parametrize(
    ("fields", "field_id", "message"),
    [
        ({"pain": "11"}, "pain", "Pain must be from 0 (none) to 10"),
        ({"pain": "-1"}, "pain", "Pain must be from 0 (none) to 10"),
        ({"pain": "abc"}, "pain", "Pain must be a whole number from 0 to 10."),
        ({"pain": None}, "pain", "Rate the pain from 0 to 10."),
        ({"activity": "skydiving"}, "activity", "Not a valid choice"),
        ({"locations": ["knee-cap"]}, "locations", "not a valid choice"),
        ({"numbness": "maybe"}, "numbness", "Not a valid choice"),
        (
            {"date": (TODAY + dt.timedelta(days=3)).isoformat()},
            "date",
            "This day is in the future.",
        ),
        ({"date": "yesterday"}, "date", "Use a date like 2026-11-25."),
        ({"notes": "x" * 2001}, "notes", "Keep notes to 2,000 characters"),
    ],
)
def test_bad_input_is_shown_next_to_its_field_and_nothing_is_saved(
    app, client, logged_in, fields, field_id, message
):
    data = entry_form(logged_in.csrf, **{"notes": "hill repeats, left knee", **fields})
    response = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error_block = page.split(f'id="{field_id}-error"', 1)
    assert len(error_block) == 2, f"no error next to {field_id}"
    assert message.lower() in error_block[1][:400].lower()
    if "notes" not in fields:
        assert "hill repeats, left knee" in page  # what was typed is kept
    assert count_entries(app) == 0


def test_a_date_one_day_ahead_is_allowed_for_timezones(app, client, logged_in):
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    response = client.post("/entries", data=entry_form(logged_in.csrf, date=tomorrow))
    assert response.status_code == 303


def test_edit_changes_the_answers_but_not_the_id(app, client, logged_in, user, entry_factory):
    entry = entry_factory(user, pain=2, activity="cycling")
    page = client.get(f"/entries/{entry.id}/edit", headers=htmx())
    assert page.status_code == 200
    assert re.search(r'value="cycling"\s+checked', page.get_data(as_text=True))
    data = entry_form(logged_in.csrf, pain="7", date=entry.date.isoformat(), id=str(uuid.uuid4()))
    response = client.post(f"/entries/{entry.id}", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 200
    assert f'id="entry-{entry.id}"' in response.get_data(as_text=True)
    [saved] = stored(app)
    assert saved["id"] == entry.id
    assert saved["pain"] == 7


def test_delete_then_undo_restores_the_entry(app, client, logged_in, user, entry_factory):
    entry = entry_factory(user, pain=5, notes="after the long run")
    response = client.post(
        f"/entries/{entry.id}/delete",
        data={"csrf_token": logged_in.csrf},
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    assert "Undo" in response.get_data(as_text=True)
    assert count_entries(app) == 0
    response = client.post(
        f"/entries/{entry.id}/restore",
        data={"csrf_token": logged_in.csrf},
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    [restored] = stored(app)
    assert restored["id"] == entry.id
    assert restored["notes"] == "after the long run"


def test_history_groups_by_week_and_pages_with_htmx(app, client, logged_in, user, entry_factory):
    start = TODAY - dt.timedelta(days=70)
    for offset in range(0, 70, 2):
        entry_factory(user, date=start + dt.timedelta(days=offset), pain=offset % 11)
    page = client.get("/diary").get_data(as_text=True)
    assert "Week of" in page
    assert page.count('class="entry"') < 35
    assert "Older entries" in page
    before = page.split("/diary?before=", 1)[1].split('"', 1)[0]
    more = client.get(f"/diary?before={before}", headers=htmx())
    fragment = more.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div class="weeks-page"')
    shown = page.count('class="entry"') + fragment.count('class="entry"')
    assert shown <= 35


def test_history_chart_has_a_text_alternative(client, logged_in, user, entry_factory):
    entry_factory(user, date=TODAY - dt.timedelta(days=1), pain=6)
    entry_factory(user, date=TODAY - dt.timedelta(days=1), pain=2)
    page = client.get("/diary?range=90").get_data(as_text=True)
    assert "Pain, last 90 days" in page
    assert 'role="img"' in page
    assert "1 day logged" in page
    assert "highest 6" in page


def test_chart_range_swaps_only_the_chart(client, logged_in):
    response = client.get("/diary?range=30", headers=htmx())
    assert (
        response.get_data(as_text=True)
        .lstrip()
        .startswith('<section class="card chart-card" id="chart"')
    )


def test_a_history_restore_gets_the_whole_page(client, logged_in):
    # The back button, with htmx's history cache off, asks again with HX-Request set.
    headers = htmx({"HX-History-Restore-Request": "true"})
    page = client.get("/diary", headers=headers).get_data(as_text=True)
    assert "<html" in page
    assert "<html" not in client.get("/diary?range=90", headers=htmx()).get_data(as_text=True)
