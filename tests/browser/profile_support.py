"""What a person does in a browser that keeps its profile (see the ``launch_profile``
and ``profile_server`` fixtures in conftest.py): sign up, log in, save an entry."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.actions import PASSWORD, register
from tests.browser.pwa_support import (
    first_page,
    wait_until_cached,
    wait_until_controlled,
)


def signed_up(context: Any, base_url: str, email: str = "walker@example.com") -> Any:
    """Register in the first tab and wait until the worker runs and /today is cached."""
    page = first_page(context)
    register(page, base_url, email)
    wait_until_controlled(page)
    wait_until_cached(page, "/today")
    return page


def log_in(page: Any, base_url: str, email: str = "walker@example.com") -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/today")


def save_entry(page: Any, pain: int, note: str | None = None) -> None:
    """Fill in pain (and a note) on /today and tap Save ("Add another" first when
    /today shows today's summary)."""
    another = page.locator("[data-add-another]:visible")
    if page.locator("#entry-form:visible").count() == 0 and another.count():
        another.first.click()
    page.locator("#field-pain").get_by_role("radio", name=str(pain), exact=True).click()
    if note is not None:
        details = page.locator("#more-details")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        page.locator("#notes").fill(note)
    # A note that reads as an emergency brings up the interrupt over the form; a person
    # goes back to their entry (its secondary action) and then saves it.
    interrupt = page.locator("[data-live-emergency]").first
    if note is not None:
        try:
            interrupt.wait_for(state="visible", timeout=1500)
        except PlaywrightTimeoutError:
            pass  # nothing alarming in the note
        else:
            interrupt.locator("[data-emergency-back]").click()
    page.get_by_role("button", name="Save", exact=True).click()
