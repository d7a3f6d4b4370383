"""An entry being typed survives a closed tab: everything typed is back on return,
for that person only; saving, "Start over" and logging out clear it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.actions import PASSWORD, register
from tests.browser.conftest import PHONE

NOTE = "Sore behind the left knee after the hill repeats, worse on the way d"


def fill_half_an_entry(page):
    form = page.locator("#entry-form")
    form.locator("#field-pain").get_by_role("radio", name="7", exact=True).click()
    form.locator("#field-activity input[value=downhill_running]").check()
    form.locator("#field-swelling input[value=mild]").check()
    form.locator("#more-details summary").click()
    form.locator("#field-calf_tenderness input[value=no]").check()
    form.locator("#notes").fill(NOTE)


def expect_everything_back(page):
    form = page.locator("#entry-form")
    expect(form.locator("#field-pain").get_by_role("radio", name="7", exact=True)).to_be_checked()
    expect(form.locator("#field-activity input[value=downhill_running]")).to_be_checked()
    expect(form.locator("#field-swelling input[value=mild]")).to_be_checked()
    expect(form.locator("#field-calf_tenderness input[value=no]")).to_be_checked()
    expect(form.locator("#notes")).to_have_value(NOTE)
    expect(form.locator("#notes")).to_be_visible()  # "more details" opened to show it
    expect(page.locator("#draft-note")).to_contain_text("Your unsaved entry is back")


def test_a_closed_tab_keeps_everything_typed(app, browser, live_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, live_server.url)
    fill_half_an_entry(page)
    page.wait_for_timeout(400)  # kept as typed (a quarter of a second after the last key)
    page.close()

    page = context.new_page()
    page.goto(f"{live_server.url}/today")
    expect_everything_back(page)
    page.screenshot(path="test-output/draft-restored.png")

    # Saved: the draft has done its job and does not come back.
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_contain_text("Saved for")
    page.reload()
    expect(page.locator("#notes")).to_have_value("")
    expect(page.locator("#draft-note")).to_have_count(0)
    context.close()


def test_start_over_and_logout_clear_the_draft_and_nobody_else_sees_it(app, browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    register(page, live_server.url, "first@example.com")
    fill_half_an_entry(page)
    page.wait_for_timeout(400)
    page.reload()
    expect_everything_back(page)
    page.get_by_role("button", name="Start over").click()
    expect(page.locator("#notes")).to_have_value("")
    page.reload()
    expect(page.locator("#draft-note")).to_have_count(0)

    fill_half_an_entry(page)
    page.wait_for_timeout(400)
    page.goto(f"{live_server.url}/account")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('fossa-draft:'))") == []
    )

    register(page, live_server.url, "second@example.com")
    expect(page.locator("#notes")).to_have_value("")
    expect(page.locator("#draft-note")).to_have_count(0)
    page.goto(f"{live_server.url}/account")
    page.get_by_role("button", name="Log out").click()
    # Let the log-out finish before going on: a goto now would cancel its request.
    page.wait_for_url(re.compile(r"/login"))
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill("first@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/today"))
    expect(page.locator("#draft-note")).to_have_count(0)  # logging out cleared it for good
    context.close()
