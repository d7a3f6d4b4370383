"""A person registers, logs an entry by tapping on /today, and finds it in /diary."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations


def test_entry_logged_by_tapping_shows_in_the_diary(page, live_server):
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="6", exact=True).click()
    page.get_by_role("checkbox", name="Centre of the hollow").click()
    page.locator("#field-activity").get_by_role("radio", name="Running", exact=True).click()
    page.locator("#field-swelling").get_by_role("radio", name="Mild", exact=True).click()
    page.locator("#field-numbness").get_by_role("radio", name="No", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.locator("#saved-note")).to_contain_text("Saved for")
    # htmx swapped the fragment: no page load happened, the URL is unchanged.
    assert page.url == f"{live_server.url}/today"
    page.get_by_role("link", name="Diary").last.click()
    page.wait_for_url(f"{live_server.url}/diary")
    entry = page.locator(".entry").first
    expect(entry).to_contain_text("6")
    expect(entry).to_contain_text("Running")
    expect(entry).to_contain_text("Centre of the hollow")


def test_form_with_bad_input_keeps_what_was_typed(page, live_server):
    register(page, live_server.url)
    page.locator("#more-details summary").click()
    page.locator("#notes").fill("Sharp after the hill reps")
    page.get_by_role("button", name="Save", exact=True).click()  # no pain chosen
    expect(page.locator("#field-pain .field-errors")).to_contain_text("Rate the pain")
    expect(page.locator("#notes")).to_have_value("Sharp after the hill reps")


def test_core_pages_have_no_serious_accessibility_violations(page, live_server):
    page.goto(f"{live_server.url}/login")
    assert serious_violations(page) == []
    register(page, live_server.url)
    assert serious_violations(page) == []
    page.locator("#field-pain").get_by_role("radio", name="3", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_be_visible()
    page.goto(f"{live_server.url}/diary")
    assert serious_violations(page) == []
