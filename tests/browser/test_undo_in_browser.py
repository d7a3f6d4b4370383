"""Undo in the browser: a 2,000-character CJK note comes back whole (the old session
copy made Chromium drop a 4 kB cookie), and the next person on the same browser
cannot restore someone else's deleted entry."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.actions import register
from tests.browser.conftest import PHONE
from tests.support import count_entries

CJK_NOTE = ("膝の裏が走った後に痛む。階段を下りると悪化する。" * 90)[:2000]


def test_undo_brings_back_a_long_cjk_note_and_only_for_its_owner(app, browser, live_server):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    register(page, live_server.url, "a@example.com")
    page.locator("#field-pain").get_by_role("radio", name="6", exact=True).click()
    page.locator("#more-details summary").click()
    page.locator("#notes").fill(CJK_NOTE)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_contain_text("Saved for")

    page.goto(f"{live_server.url}/diary")
    page.locator("details.entry-row > summary").first.click()  # the row opens to the entry
    entry = page.locator("article.entry").first
    entry_id = entry.get_attribute("id").removeprefix("entry-")
    entry.get_by_role("button", name=re.compile("Delete")).click()
    expect(page.locator(".entry.deleted")).to_contain_text("deleted")
    assert count_entries(app) == 0
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(f"#entry-{entry_id} .entry-notes")).to_have_text(CJK_NOTE)
    assert count_entries(app) == 1
    cookies = {c["name"]: c for c in context.cookies()}
    assert len(cookies["session"]["value"]) < 1000  # nothing of the entry in it

    # Deleted again, then A logs out and B logs in on the same browser.
    page.locator(f"#entry-{entry_id}").get_by_role("button", name=re.compile("Delete")).click()
    expect(page.locator(".entry.deleted")).to_be_visible()
    page.goto(f"{live_server.url}/account")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    register(page, live_server.url, "b@example.com")
    status = page.evaluate(
        """async (id) => {
             const token = JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"];
             const response = await fetch(`/entries/${id}/restore`, {
               method: "POST", headers: {"X-CSRFToken": token, "HX-Request": "true"}});
             return response.status;
           }""",
        entry_id,
    )
    assert status == 404
    page.goto(f"{live_server.url}/diary")
    expect(page.locator("article.entry")).to_have_count(0)
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)
    assert count_entries(app) == 0
    context.close()
