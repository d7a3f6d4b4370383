"""/insights in real Chromium at 390×844: the story and the urgency on the first screen,
an emergency above everything, and no axe finding of any impact, light and dark."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from playwright.sync_api import expect

from tests.browser.actions import register
from tests.browser.conftest import PHONE
from tests.browser.test_screens_accessible import both_schemes
from tests.browser.tour import csrf_token, seed_story


def log(page: Any, base: str, back: int, **answers: Any) -> None:
    entry = {
        "id": str(uuid.uuid4()),
        "date": (dt.date.today() - dt.timedelta(days=back)).isoformat(),
        **answers,
    }
    response = page.request.post(
        f"{base}/api/entries", data=entry, headers={"X-CSRFToken": csrf_token(page)}
    )
    assert response.ok, response.text()


def on_first_screen(page: Any, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + 24 <= PHONE["height"]


def test_a_runners_month_reads_as_a_story_then_one_urgency(page: Any, live_server: Any):
    base = live_server.url
    register(page, base)
    seed_story(page, base)
    page.goto(f"{base}/insights")
    story = page.locator("#story")
    expect(story.locator(".story-text")).to_contain_text("Your pain went up from")
    expect(page.get_by_role("img", name="Your pain from")).to_be_visible()
    # The story first, and the urgency's headline still on the first screen.
    assert on_first_screen(page, "#story-title")
    assert on_first_screen(page, "#urgency-title")
    expect(page.get_by_text("See a healthcare professional", exact=True)).to_have_count(1)
    # A reason opens to its evidence in place.
    reason = page.locator("#urgency .urgency-reasons li").first
    reason.locator("summary").click()
    expect(reason.locator(".evidence")).to_be_visible()
    # The chart's days, as a table.
    page.locator("#story .chart-table summary").click()
    expect(page.locator("#story table tbody tr").first).to_be_visible()
    assert both_schemes(page) == {}


def test_an_emergency_comes_before_the_story_with_the_call(page: Any, live_server: Any):
    base = live_server.url
    register(page, base)
    log(page, base, 3, pain=2, activity="running")
    log(page, base, 0, pain=5, calf_swelling=True, calf_tenderness=True)
    page.goto(f"{base}/insights")
    urgency = page.locator("#urgency")
    expect(urgency.get_by_role("heading", name="Seek emergency care now")).to_be_visible()
    expect(urgency.get_by_role("link", name="Call")).to_be_visible()
    assert on_first_screen(page, "#urgency .emergency-call")
    top = page.evaluate("() => [...document.querySelectorAll('#urgency, #story')].map((e) => e.id)")
    assert top == ["urgency", "story"]
    assert both_schemes(page) == {}


def test_a_new_diary_is_told_what_the_page_will_show(page: Any, live_server: Any):
    register(page, live_server.url)
    page.goto(f"{live_server.url}/insights")
    expect(page.locator("#story")).to_contain_text("Fossa will tell the story of your pain")
    assert both_schemes(page) == {}
