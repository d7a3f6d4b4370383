"""A pasted note is never cut: past the limit the count says by how much, the text stays
as pasted, and when the server refuses it the reason is in view beside the field."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.actions import register
from tests.browser.conftest import PHONE


def test_a_long_pasted_note_stays_whole_and_the_reason_is_in_view(app, browser, live_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="4", exact=True).click()
    page.locator("#more-details summary").click()
    notes = page.locator("#notes")
    notes.fill("a" * 1850)
    expect(page.locator("#notes-count")).to_have_text("1,850 of 2,000 characters")
    pasted = "Ran 12 km of trails; the back of the knee ached from km 8. " * 40
    over = len(pasted) - 2000
    notes.fill(pasted)  # as a paste: the whole text at once
    expect(notes).to_have_value(pasted)
    expect(page.locator("#notes-count")).to_contain_text(f"{over} over the limit of 2,000")
    expect(page.locator("#notes-count")).to_contain_text("nothing has been cut")

    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text(f"Keep notes to 2,000 characters (now {len(pasted):,})")
    expect(summary).to_be_in_viewport()
    expect(page.locator("#notes-error")).to_contain_text(f"now {len(pasted):,}")
    expect(page.locator("#notes")).to_have_value(pasted)
    page.screenshot(path="test-output/note-too-long.png")
    summary.get_by_role("link").click()
    expect(page.locator("#notes")).to_be_in_viewport()
    expect(page.locator("#notes-count")).to_contain_text(f"{over} over")
    context.close()
