"""The edit page opened on its own, and the small words: counts that agree, one English."""

from __future__ import annotations

import re

import pytest

from tests.web.test_diary_log import entry_form
from tests.web.test_no_codes_shown import every_value_diary, visible_text
from webapp.auth.routes import import_summary

# US spellings Fossa's British English must not mix in (checked in the visible text).
US_SPELLINGS = re.compile(
    r"\b(?:colou?r(?<!colour)|center|behavior|favorite|gray|analyze|recognize|organize|"
    r"realize|apologize|customize|summarize|meters?|kilometers?|canceled|labeled|"
    r"traveled|modeled|fiber|dialog|practicing|program)\b",
    re.IGNORECASE,
)


def test_the_edit_page_has_a_heading_and_saving_leads_back(
    app, client, logged_in, user, entry_factory
):
    entry = entry_factory(user, pain=2, activity="cycling")
    page = client.get(f"/entries/{entry.id}/edit").get_data(as_text=True)
    assert re.search(r"<h1>Edit the entry of \w+ \d+ \w+</h1>", page)
    assert (
        "hx-post" not in page.split('id="entry-form"')[0].split(f'id="entry-{entry.id}"')[1][:300]
    )
    data = entry_form(logged_in.csrf, pain="6", date=entry.date.isoformat())
    response = client.post(f"/entries/{entry.id}", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/entries/{entry.id}")
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Entry updated." in shown
    assert "Back to your diary" in shown and "<h1>Your entry of" in shown


@pytest.mark.parametrize(
    ("added", "already", "expected"),
    [
        (1, 0, "Imported 1 entry."),
        (0, 0, "Imported 0 entries."),
        (3, 1, "Imported 3 entries; 1 was already in your diary."),
        (1, 2, "Imported 1 entry; 2 were already in your diary."),
    ],
)
def test_import_counts_agree(added, already, expected):
    assert import_summary(added, already) == expected


def test_no_page_mixes_in_us_spelling(app, client, user, logged_in):
    every_value_diary(app, user)
    for path in (
        "/",
        "/today",
        "/diary",
        "/insights",
        "/account",
        "/reminders",
        "/share",
        "/export",
    ):
        text = visible_text(client.get(path, follow_redirects=True).get_data(as_text=True))
        assert not US_SPELLINGS.findall(text), (path, US_SPELLINGS.findall(text))
        # "Turn on on this device": a small word said twice in a row.
        assert not re.search(r"\b(on|the|a|to|of|in|is) \1\b", text, re.IGNORECASE), path
