"""Ask what matters, as a person meets it on a phone (real Chromium, 390x844):
safety questions inline as the form fills in, the notes read as typed, the
emergency interrupt (offline too) that stays until acknowledged, and a follow-up
question answered with one tap after saving."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations
from tests.browser.conftest import PHONE
from tests.browser.pwa_support import (
    OFFLINE_EMULATION,
    CountingServer,
    wait_until_cached,
    wait_until_controlled,
)

CALF = "safety:dvt_calf_signs"
SHOTS = Path(os.environ.get("FOSSA_SCREENSHOTS", "test-output/screenshots"))


@pytest.fixture
def server(app: Flask) -> Iterator[CountingServer]:
    live = CountingServer(app)
    live.start()
    yield live
    live.stop()


def shot(page: Any, name: str) -> None:
    """Keep a picture of the screen for a person to look at (test-output/, not committed)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def in_viewport(locator: Any, seconds: float = 3.0) -> None:
    """The top of ``locator`` (its first 120 px) comes into the phone's screen.

    Polled, not read once: htmx scrolls to a swapped-in element (``show:top``) when
    the swap settles, 20 ms after the new content is in the page, and a box read in
    between is wherever the old scroll position left it."""
    expect(locator).to_be_visible()
    deadline = time.monotonic() + seconds
    while True:
        box = locator.bounding_box()
        shown = box is not None and 0 <= box["y"] <= PHONE["height"] - min(box["height"], 120)
        if shown or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert shown, box


def pain(page: Any, value: int) -> None:
    page.locator("#field-pain").get_by_role("radio", name=str(value), exact=True).click()


def tap_region(page: Any, region: str) -> None:
    page.locator(f".region-{region}").click()


def safety_card(page: Any, code: str) -> Any:
    return page.locator(f'[data-safety-question][data-code="{code}"]')


def tap_sign(page: Any, code: str, **sets: Any) -> None:
    """Tap the chip of the inline question whose tap stores exactly ``sets``."""
    number = page.evaluate(
        """([code, wanted]) => JSON.parse(document.getElementById('safety-screens').textContent)
             .find(s => s.code === code).options
             .findIndex(o => JSON.stringify(o.set) === JSON.stringify(wanted))""",
        [code, sets],
    )
    assert number >= 0, f"no option of {code} sets {sets}"
    safety_card(page, code).locator(f'[data-option="{number}"]').click()


def live_emergency(page: Any) -> Any:
    return page.locator("[data-live-emergency]")


def type_notes(page: Any, text: str) -> None:
    details = page.locator("#more-details")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    page.locator("#notes").fill("")
    page.locator("#notes").press_sequentially(text, delay=5)


def test_tapping_the_calf_asks_inline_and_two_signs_interrupt_before_saving(page, server):
    register(page, server.url)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    pain(page, 4)
    tap_region(page, "calf")
    card = safety_card(page, CALF)
    in_viewport(card)
    # Inline, next to the knee map that triggered it, with "More details" still closed.
    assert page.locator("#more-details").get_attribute("open") is None
    assert card.evaluate("c => !!c.closest('form') && !c.closest('details')")
    assert card.evaluate(
        """c => { let p = c.previousElementSibling;
                  while (p && p.hasAttribute('data-safety-question')) p = p.previousElementSibling;
                  return p && p.id === 'field-locations'; }"""
    )
    shot(page, "safety-question-light")

    tap_sign(page, CALF, calf_swelling=True)
    expect(live_emergency(page)).to_have_count(0)  # one sign with pain 4 is not yet the rule
    tap_sign(page, CALF, calf_redness=True)
    interrupt = live_emergency(page)
    in_viewport(interrupt)
    expect(interrupt).to_contain_text("Seek emergency care now")
    expect(interrupt.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:112")
    shot(page, "emergency-live-light")
    # Judged in the page: nothing but a lazily loaded icon went to the server.
    assert [url for url in requests if "/static/" not in url] == []
    assert serious_violations(page) == []

    # The taps are the form's answers: the third sign, not tapped, is stored as no.
    checked = page.evaluate(
        """() => ['calf_swelling','calf_redness','calf_tenderness'].map(n =>
             (document.querySelector(`input[name=${n}]:checked`) || {}).value)"""
    )
    assert checked == ["yes", "yes", "no"]
    interrupt.get_by_role("button", name="Back to my entry").click()
    expect(live_emergency(page)).to_have_count(0)
    expect(page.locator("[data-live-flags]")).to_contain_text("Seek emergency care now")


@OFFLINE_EMULATION
def test_the_calf_question_and_the_interrupt_work_with_the_network_cut(browser, server, tmp_path):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, server.url)
    wait_until_controlled(page)
    wait_until_cached(page, "/today")
    page.reload()  # the page is now served under the worker's control
    wait_until_controlled(page)
    context.set_offline(True)
    server.paths.clear()
    pain(page, 5)
    tap_region(page, "calf")
    in_viewport(safety_card(page, CALF))
    tap_sign(page, CALF, calf_swelling=True)
    tap_sign(page, CALF, calf_redness=True)
    in_viewport(live_emergency(page))
    # Saved offline, the entry waits on the phone ...
    live_emergency(page).get_by_role("button", name="Back to my entry").click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#offline-note")).to_contain_text("No connection")
    page.reload()  # a fresh visit, still offline: the waiting entry still warns
    in_viewport(live_emergency(page))
    expect(live_emergency(page)).to_contain_text("waiting for the connection")
    assert server.paths == []
    context.close()


def test_a_note_typed_with_calf_signs_interrupts_as_typed(page, live_server):
    register(page, live_server.url)
    pain(page, 3)
    type_notes(page, "my calf is swollen, red and hot")
    interrupt = live_emergency(page)
    in_viewport(interrupt)
    expect(interrupt).to_contain_text("What you wrote describes signs of a deep vein thrombosis")
    shot(page, "emergency-from-note-light")


def test_a_note_that_denies_the_signs_shows_nothing(page, live_server):
    register(page, live_server.url)
    pain(page, 3)
    type_notes(page, "calf not swollen, not red")
    page.wait_for_timeout(600)  # the notes are read a moment after the last key
    expect(live_emergency(page)).to_have_count(0)
    expect(page.locator("[data-live-flags]")).to_be_hidden()


def test_a_saved_emergency_stays_on_today_until_acknowledged(browser, live_server):
    for scheme in ("light", "dark"):
        context = browser.new_context(
            viewport=PHONE, is_mobile=True, has_touch=True, color_scheme=scheme
        )
        page = context.new_page()
        register(page, live_server.url, email=f"{scheme}@example.com")
        pain(page, 4)
        tap_region(page, "calf")
        tap_sign(page, CALF, calf_swelling=True)
        tap_sign(page, CALF, calf_tenderness=True)
        live_emergency(page).get_by_role("button", name="Back to my entry").click()
        page.get_by_role("button", name="Save", exact=True).click()
        saved = page.locator(".emergency-interrupt").first
        in_viewport(saved)

        page.goto(f"{live_server.url}/today")  # a fresh visit
        kept = page.locator(".emergency-interrupt").first
        in_viewport(kept)
        expect(kept).to_contain_text("Seek emergency care now")
        expect(kept.locator('a[href^="tel:"]')).to_have_attribute("href", "tel:112")
        expect(page.locator(".tabbar [data-emergency-badge]")).to_be_visible()
        shot(page, f"emergency-saved-{scheme}")
        assert serious_violations(page) == []

        kept.get_by_role("button", name="I have read this").click()
        page.wait_for_url(f"{live_server.url}/today")
        expect(page.locator(".emergency-interrupt")).to_have_count(0)
        expect(page.locator("[data-emergency-badge]")).to_have_count(0)
        page.goto(f"{live_server.url}/diary")  # the history keeps it
        expect(page.locator(".row-flag.flag-emergency").first).to_be_visible()
        context.close()


def test_a_follow_up_answered_with_one_tap_updates_the_entry_and_insights(page, live_server):
    register(page, live_server.url)
    pain(page, 5)
    tap_region(page, "calf")
    # Not answered inline (nothing is required): Fossa asks again after saving.
    page.get_by_role("button", name="Save", exact=True).click()
    questions = page.locator("#questions")
    in_viewport(questions.locator(".question-card").first)
    shot(page, "follow-up-light")
    insights_before = page.evaluate("fetch('/insights').then(r => r.text())")
    assert "calf or thigh swollen, red" in insights_before

    card = page.locator("#questions .question-card").filter(has_text="calf or thigh")
    card.locator("[data-none-of-these]").click()
    expect(page.locator("#questions")).to_contain_text("Thank you, saved")
    expect(page.locator("#questions")).not_to_contain_text("calf or thigh swollen, red")
    stored = page.evaluate("fetch('/api/entries').then(r => r.json())")["entries"][-1]
    assert (stored["calf_swelling"], stored["calf_redness"], stored["calf_tenderness"]) == (
        False,
        False,
        False,
    )
    page.goto(f"{live_server.url}/insights")
    expect(page.locator("#findings")).not_to_contain_text("calf or thigh swollen, red")
    assert serious_violations(page) == []


def test_an_answer_given_under_more_details_is_kept_by_the_inline_question(page, live_server):
    register(page, live_server.url)
    pain(page, 3)
    page.locator("#more-details summary").click()
    page.locator("#field-calf_swelling").get_by_role("radio", name="Yes", exact=True).click()
    page.locator("#more-details summary").click()  # closed again
    tap_region(page, "calf")
    card = safety_card(page, CALF)
    in_viewport(card)
    expect(card.get_by_role("button", name="Swollen")).to_have_attribute("aria-pressed", "true")
    tap_sign(page, CALF, calf_redness=True)
    checked = page.evaluate(
        """() => ['calf_swelling','calf_redness','calf_tenderness'].map(n =>
             (document.querySelector(`input[name=${n}]:checked`) || {}).value)"""
    )
    assert checked == ["yes", "yes", "no"]
    in_viewport(live_emergency(page))
