"""The reminders switch in real Chromium: each way switching on can fail gets its own
plain message (never the browser's error text), and without JavaScript the same
switch is a checkbox the form saves."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations

RAW_ERROR = "AbortError: Registration failed - push service error"
BREAKS = {
    # No Web Push at all (Safari on an iPhone outside the Home Screen).
    "unsupported": "delete window.PushManager;",
    # The push service cannot be reached: the browser rejects with its own words.
    "push service": (
        "PushManager.prototype.subscribe = () => Promise.reject("
        f"new DOMException('{RAW_ERROR}', 'AbortError'));"
        "PushManager.prototype.getSubscription = () => Promise.resolve(null);"
    ),
}
EXPECTED = {
    "unsupported": "This browser can't show notifications from a website",
    "push service": "Your browser couldn't reach its notification service",
    "denied": "Notifications are blocked for Fossa in this browser",
}


@pytest.mark.parametrize("failure", ["unsupported", "push service", "denied"])
def test_each_failure_says_what_to_do_in_plain_words(
    page: Any, context: Any, live_server: Any, failure
):
    base = live_server.url
    if failure == "denied":
        context.clear_permissions()  # headless Chromium answers an unasked prompt with "denied"
    else:
        context.grant_permissions(["notifications"], origin=base)
        page.add_init_script(BREAKS[failure])
    register(page, base)
    page.goto(f"{base}/reminders")
    switch = page.get_by_role("switch", name="Daily reminder")
    switch.click()
    message = page.locator("#push-message")
    expect(message).to_contain_text(EXPECTED[failure])
    assert RAW_ERROR not in message.inner_text()
    assert "Error" not in message.inner_text()
    expect(switch).not_to_be_checked()
    expect(page.get_by_role("heading", name="Reminders are off")).to_be_visible()
    assert serious_violations(page) == []


def test_the_switch_works_without_javascript(browser: Any, live_server: Any, browser_context_args):
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    try:
        page = context.new_page()
        register(page, live_server.url)
        page.goto(f"{live_server.url}/reminders")
        page.get_by_role("switch", name="Daily reminder").check()
        page.locator("#reminder-settings").get_by_role("button", name="Save").click()
        # Saved, and honest about it: switched on, but no device can get a push yet.
        expect(page.get_by_role("heading", name="No device is set up yet")).to_be_visible()
        expect(page.get_by_role("switch", name="Daily reminder")).to_be_checked()
    finally:
        context.close()
