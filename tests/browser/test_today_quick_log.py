"""/today as a one-screen quick log with a "done" state, in real Chromium at 390x844:
every quick control and Save on the first screen and not under the sticky bars, a
typical entry in six taps or fewer, today's summary after saving (online, after a
reload, offline), focus on it, the knee map's keyboard order, details "as last time"
and taken back to "not recorded"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations
from tests.browser.conftest import PHONE
from tests.browser.profile_support import save_entry, signed_up
from tests.browser.pwa_support import OFFLINE_EMULATION, queued
from tests.support import make_entry
from webapp.extensions import db
from webapp.models import Entry, User

SCREEN_HEIGHT = PHONE["height"]


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page factory: one context per colour scheme or timezone."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def the_user(app: Flask) -> User:
    with app.app_context():
        user = db.session.scalar(db.select(User))
        db.session.expunge(user)
        return user


def stored(app: Flask) -> list[dict[str, Any]]:
    with app.app_context():
        entries = list(db.session.scalars(db.select(Entry).order_by(Entry.pk)))
        result = [entry.to_diary() for entry in entries]
        db.session.remove()
    return result


def local_today(app: Flask) -> dt.date:
    zone = the_user(app).timezone or "UTC"
    return dt.datetime.now(ZoneInfo(zone)).date()


QUICK_CONTROLS = [
    "#field-pain .pain-option",
    "[data-day-picker] button",
    "#field-locations .side-toggle .chip",
    "#field-locations .region",
    "#field-swelling .chip",
    "#field-numbness .chip",
    "#entry-form button[type=submit]",
]


def uncovered(page: Any, selector: str) -> list[dict[str, Any]]:
    """Each visible control of ``selector``: its box, and whether the point at its
    centre belongs to it (nothing sticky over it)."""
    return page.evaluate(
        """sel => Array.from(document.querySelectorAll(sel)).filter(el => el.offsetParent)
             .map(el => { const r = el.getBoundingClientRect();
               const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
               return { text: el.textContent.trim().slice(0, 20), top: r.top, bottom: r.bottom,
                        width: r.width, height: r.height, mine: !!hit && el.contains(hit) }; })""",
        selector,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_quick_control_and_save_are_on_the_first_screen_uncovered(phone, live_server, scheme):
    page = phone(color_scheme=scheme)
    register(page, live_server.url, f"{scheme}@example.com")
    page.reload()  # an ordinary visit: the welcome note of the first one is gone
    seen = []
    for selector in QUICK_CONTROLS:
        controls = uncovered(page, selector)
        assert controls, f"nothing visible for {selector}"
        for control in controls:
            seen.append(control)
            assert control["bottom"] <= SCREEN_HEIGHT, (selector, control)
            assert control["mine"], f"{selector} {control['text']!r} is covered"
            assert control["width"] >= 24 and control["height"] >= 24, (selector, control)
    # The activity row scrolls sideways: its first chips are on screen, uncovered.
    activities = uncovered(page, "#field-activity .chip")
    assert all(a["bottom"] <= SCREEN_HEIGHT for a in activities)
    assert sum(a["mine"] for a in activities) >= 2
    # The bars that stay on screen take well under a quarter of it.
    bars = page.evaluate(
        """() => ['.topbar', '.savebar', '.tabbar']
             .map(s => document.querySelector(s).getBoundingClientRect().height)"""
    )
    assert sum(bars) < 0.2 * SCREEN_HEIGHT, bars
    # Pain is one row of eleven.
    tops = {round(c["top"]) for c in uncovered(page, "#field-pain .pain-option")}
    assert len(tops) == 1
    assert serious_violations(page) == []


def test_a_typical_entry_takes_at_most_six_taps_and_lands_once(app, phone, live_server):
    page = phone()
    register(page, live_server.url)
    user = the_user(app)
    today = local_today(app)
    make_entry(
        app, user, date=today - dt.timedelta(days=1), pain=3, side="right", activity="cycling"
    )
    page.reload()
    # The side is remembered from the last entry, and that activity comes first.
    expect(page.locator("input[name=side][value=right]")).to_be_checked()
    expect(page.locator("#field-activity .chip").first).to_have_text("Cycling")

    taps = 0

    def tap(locator: Any) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    tap(page.locator("#field-pain").get_by_role("radio", name="5", exact=True))
    tap(page.get_by_role("checkbox", name="Centre of the hollow"))
    tap(page.locator("#field-activity").get_by_role("radio", name="Running", exact=True))
    tap(page.get_by_role("button", name="Save", exact=True))
    expect(page.locator("#today-done")).to_be_visible()
    assert taps <= 6
    todays = [e for e in stored(app) if e["date"] == today.isoformat()]
    assert len(todays) == 1
    assert {k: todays[0].get(k) for k in ("pain", "side", "locations", "activity")} == {
        "pain": 5,
        "side": "right",
        "locations": ["center"],
        "activity": "running",
    }


def test_today_opens_on_its_summary_after_a_save_and_on_every_return(app, phone, live_server):
    page = phone()
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="6", exact=True).click()
    page.locator("input[name=side][value=left]").click(force=True)
    page.get_by_role("checkbox", name="Down into the calf").click()
    page.locator("#field-activity").get_by_role("radio", name="Hiking", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()

    done = page.locator("#today-done")
    expect(done).to_be_visible()
    expect(done).to_contain_text("6")
    expect(done).to_contain_text("Left knee · Down into the calf")
    expect(done).to_contain_text("Hiking")
    expect(page.locator("#entry-form")).to_be_hidden()
    # Focus is on what was just saved, and the saved line is read with it.
    assert page.evaluate("document.activeElement.id") == "today-done"
    expect(done).to_have_attribute("aria-describedby", "saved-note")
    saved_id = stored(app)[0]["id"]

    page.reload()  # a return the same day
    expect(page.locator("#today-done")).to_be_visible()
    expect(page.locator("#entry-form")).to_be_hidden()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Add another").click()
    form = page.locator("#entry-form")
    expect(form).to_be_visible()
    expect(page.locator("#today-done")).to_be_hidden()
    assert form.locator("input[name=id]").input_value() != saved_id
    expect(form.locator("input[name=pain]:checked")).to_have_count(0)
    expect(form.locator("input[name=side][value=left]")).to_be_checked()  # remembered

    page.reload()
    page.locator("#today-done").get_by_role("link", name="Edit").first.click()
    page.wait_for_url(f"{live_server.url}/entries/{saved_id}/edit")
    expect(page.locator("input[name=pain][value='6']")).to_be_checked()


def test_without_javascript_the_redirect_shows_the_summary_and_add_another_the_form(
    app, phone, live_server
):
    page = phone(java_script_enabled=False)
    register(page, live_server.url)
    page.locator("input[name=pain][value='4']").check(force=True)
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(lambda url: "saved=" in url)
    expect(page.locator("#today-done")).to_contain_text("Saved for")
    page.get_by_role("link", name="Add another").click()
    page.wait_for_url(lambda url: "add=1" in url)
    expect(page.locator("#entry-form")).to_be_visible()
    expect(page.locator("#date")).to_be_visible()  # no day picker without JavaScript
    assert len(stored(app)) == 1


def test_the_next_local_day_opens_on_the_form_again(app, phone, live_server):
    # Saved late on a day in Pago Pago (UTC-11): in Kiritimati (UTC+14) it is already
    # the next day (or the one after), so that diary's "today" has nothing yet.
    page = phone(timezone_id="Pacific/Pago_Pago")
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="2", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#today-done")).to_be_visible()
    with app.app_context():
        user = db.session.scalar(db.select(User))
        user.timezone = "Pacific/Kiritimati"
        db.session.commit()
        db.session.remove()
    page.goto(f"{live_server.url}/today")
    expect(page.locator("#entry-form")).to_be_visible()
    expect(page.locator("#today-done")).to_have_count(0)
    expect(page.get_by_role("button", name="Today")).to_have_attribute("aria-pressed", "true")


def test_an_earlier_day_is_chosen_through_the_third_control_and_stays_shown(
    app, phone, live_server
):
    page = phone()
    register(page, live_server.url)
    date_field = page.locator("#date")
    expect(date_field).to_be_hidden()  # Today and Yesterday need no date field
    page.locator("[data-day-other]").click()
    expect(date_field).to_be_visible()
    today = local_today(app)
    earlier = today - dt.timedelta(days=4)
    date_field.fill(earlier.isoformat())
    other = page.locator("[data-day-other]")
    expect(other).to_have_attribute("aria-pressed", "true")
    expect(other).to_contain_text(f"{earlier:%a} {earlier.day} {earlier:%b}")
    page.locator("#field-pain").get_by_role("radio", name="3", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_contain_text(f"Saved for {earlier:%A} {earlier.day}")
    # Catching up: the form stays on that day, and says so.
    expect(date_field).to_have_value(earlier.isoformat())
    expect(page.locator("[data-day-other]")).to_have_attribute("aria-pressed", "true")
    expect(date_field).to_be_visible()
    assert [e["date"] for e in stored(app)] == [earlier.isoformat()]


@OFFLINE_EMULATION
def test_an_offline_save_shows_today_as_logged_on_the_phone(
    app, profile_server, launch_profile, tmp_path
):
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    context.set_offline(True)
    page.reload()
    save_entry(page, 5)
    card = page.locator("#today-done[data-queued-done]")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Saved on this phone")
    expect(card).to_contain_text("Not sent yet")
    expect(page.locator("#entry-form")).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "today-done"

    page.reload()  # back the same day, still offline: the card comes from the queue
    expect(page.locator("#today-done[data-queued-done]")).to_be_visible()
    expect(page.locator("#today-done")).to_contain_text("5")
    assert len(queued(page)) == 1

    page.get_by_role("link", name="Add another").click()
    expect(page.locator("#entry-form")).to_be_visible()
    context.set_offline(False)
    page.goto(f"{profile_server.url}/today")
    expect(page.locator("#today-done")).to_be_visible()
    expect(page.locator("#today-done[data-queued-done]")).to_have_count(0)
    assert [e["pain"] for e in stored(app)] == [5]
    # The summary swapped in is set up like any other: "Add another" gives a fresh form.
    page.get_by_role("link", name="Add another").click()
    expect(page.locator("#entry-form")).to_be_visible()
    expect(page.locator("#entry-form[data-id-given]")).to_have_count(1)


def focus_order(page: Any) -> list[str]:
    page.locator(".region-thigh input").focus()
    order = [page.evaluate("document.activeElement.value")]
    for _ in range(4):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.value"))
    return order


def test_the_knee_map_is_tabbed_in_the_order_it_is_drawn(phone, live_server):
    page = phone()
    register(page, live_server.url)
    page.locator("input[name=side][value=right]").click(force=True)
    assert focus_order(page) == ["thigh", "inner", "center", "outer", "calf"]

    # A left knee from behind has its inner side on the right of the drawing.
    page.locator("input[name=side][value=left]").click(force=True)
    order = focus_order(page)
    assert order == ["thigh", "outer", "center", "inner", "calf"]
    lefts = [page.locator(f".region-{v}").bounding_box()["x"] for v in order[1:4]]
    assert lefts == sorted(lefts)
    # Each region is a named control; space ticks it, and the calf asks the DVT question.
    page.locator(".region-calf input").focus()
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="Down into the calf")).to_be_checked()
    expect(
        page.locator('[data-safety-question][data-code="safety:dvt_calf_signs"]')
    ).to_be_visible()


def test_details_start_as_last_time_and_an_answer_taken_back_is_not_recorded(
    app, phone, live_server
):
    page = phone()
    register(page, live_server.url)
    user = the_user(app)
    today = local_today(app)
    make_entry(
        app,
        user,
        date=today - dt.timedelta(days=2),
        pain=4,
        side="both",
        clicking=True,
        provoked_by=["deep_flexion"],
        load_change="increase",
        calf_swelling=False,
        numbness=False,
    )
    page.reload()
    page.locator("#more-details summary").click()
    clicking = page.locator("#field-clicking")
    expect(clicking.locator("input[value=yes]")).to_be_checked()
    expect(clicking).to_contain_text("as last time")
    expect(page.locator("#field-provoked_by input[value=deep_flexion]")).to_be_checked()
    expect(page.locator("#field-load_change input[value=increase]")).to_be_checked()
    # A safety question is asked afresh each day, never answered from last time.
    expect(page.locator("#field-calf_swelling input:checked")).to_have_count(0)
    expect(page.locator("#field-numbness input:checked")).to_have_count(0)

    clicking.locator("input[value=yes]").click()  # the chosen answer, tapped again
    expect(clicking.locator("input:checked")).to_have_count(0)
    load = page.locator("#field-load_change")
    load.locator("input[value=increase]").click()
    expect(load.locator("input:checked")).to_have_count(0)
    page.locator("#field-pain").get_by_role("radio", name="3", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#today-done")).to_be_visible()
    saved = [e for e in stored(app) if e["date"] == today.isoformat()][0]
    assert "clicking" not in saved and "load_change" not in saved
    assert saved["provoked_by"] == ["deep_flexion"]
    assert saved["side"] == "both"
    with app.app_context():
        entry = db.session.scalar(db.select(Entry).filter_by(id=saved["id"]))
        assert entry.clicking is None and entry.load_change is None
        db.session.remove()


def test_the_live_emergency_can_save_the_entry_behind_it(app, phone, live_server):
    page = phone()
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="4", exact=True).click()
    page.locator(".region-calf").click()
    card = page.locator('[data-safety-question][data-code="safety:dvt_calf_signs"]')
    for sign in ("Swollen", "Red"):
        card.get_by_role("button", name=sign, exact=True).click()
    interrupt = page.locator("[data-live-emergency]")
    expect(interrupt).to_be_visible()
    call = interrupt.locator("a[href^='tel:']")
    save = interrupt.get_by_role("button", name="Save this entry")
    # The call stays the first and biggest action; saving comes after it.
    assert call.bounding_box()["height"] > save.bounding_box()["height"]
    assert call.bounding_box()["y"] < save.bounding_box()["y"]
    save.click()
    expect(page.locator(".emergency-interrupt").first).to_be_visible()
    expect(page.locator("#today-done")).to_be_visible()
    assert len(stored(app)) == 1
    assert stored(app)[0]["calf_swelling"] is True


@OFFLINE_EMULATION
def test_a_summary_kept_from_yesterday_opens_on_the_form_offline(
    app, profile_server, launch_profile, tmp_path
):
    """The worker's copy of /today says "Logged today" for the day it was stored; a
    day later, offline, that copy opens on a fresh form for the new day."""
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    save_entry(page, 3)
    expect(page.locator("#today-done")).to_be_visible()
    page.goto(f"{profile_server.url}/today")  # the worker keeps this copy: today logged
    expect(page.locator("#today-done")).to_be_visible()
    page.wait_for_timeout(500)
    context.set_offline(True)
    page.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    page.reload()
    expect(page.locator("#entry-form")).to_be_visible()
    expect(page.locator("#today-done")).to_have_count(0)
    tomorrow = local_today(app) + dt.timedelta(days=1)
    expect(page.locator("#date")).to_have_value(tomorrow.isoformat())
