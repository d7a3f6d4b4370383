"""A push address another Fossa account registered first (with other keys): the
server answers 409, and the switch says so in plain words next to it, clears the
browser's subscription so the next try gets a new address, and leaves reminders off
(real Chromium, the real server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations
from tests.web.reminders_support import PushReceiver, reminders_app, running_receiver

# A subscription whose address another account holds with other keys (a push service
# reusing an address, or a stale copy). Unsubscribing is counted, to see it is cleared.
SAME_ADDRESS = """
(() => {
  const subscription = %s;
  const fake = {
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: null },
    toJSON: () => subscription,
    unsubscribe: () => {
      const count = Number(localStorage.getItem("unsubscribed") || 0);
      localStorage.setItem("unsubscribed", String(count + 1));
      return Promise.resolve(true);
    },
  };
  if (self.PushManager) {
    PushManager.prototype.subscribe = () => Promise.resolve(fake);
    PushManager.prototype.getSubscription = () => Promise.resolve(null);
  }
})();
"""


@pytest.fixture(scope="module")
def receiver() -> Iterator[PushReceiver]:
    with running_receiver() as server:
        yield server


@pytest.fixture
def app(database_uri: str, tmp_path: Any, receiver: PushReceiver) -> Iterator[Flask]:
    yield from reminders_app(database_uri, tmp_path / "instance", receiver)


def switch_on(page: Any, base: str, script: str) -> Any:
    page.context.grant_permissions(["notifications"], origin=base)
    page.add_init_script(script)
    page.goto(f"{base}/reminders")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    switch = page.get_by_role("switch", name="Daily reminder")
    switch.click()
    return switch


def test_an_address_owned_by_another_account_is_explained_and_cleared(
    page: Any, browser: Any, browser_context_args: dict, live_server: Any, receiver: PushReceiver
) -> None:
    base = live_server.url
    owned = receiver.subscription("shared-address")
    again = receiver.subscription("shared-address")  # the same address, new keys
    assert owned["endpoint"] == again["endpoint"] and owned["keys"] != again["keys"]

    first = browser.new_context(**browser_context_args).new_page()
    try:
        register(first, base, email="first@example.com")
        switch_on(first, base, SAME_ADDRESS % json.dumps(owned))
        expect(first.get_by_role("heading", name="Reminders are on")).to_be_visible()
    finally:
        first.context.close()

    register(page, base, email="second@example.com")
    switch = switch_on(page, base, SAME_ADDRESS % json.dumps(again))
    message = page.locator("#push-message")
    expect(message).to_contain_text("already belongs to another Fossa account")
    expect(message).to_contain_text("switch reminders on again")
    expect(message).to_have_class("push-message is-problem")
    assert "409" not in message.inner_text() and "Error" not in message.inner_text()
    expect(switch).not_to_be_checked()
    expect(page.get_by_role("heading", name="Reminders are off")).to_be_visible()
    assert page.evaluate("() => localStorage.getItem('unsubscribed')") == "1"
    # The message is the switch's description, so a screen reader hears it with it.
    assert switch.get_attribute("aria-describedby") == "push-message"
    assert serious_violations(page) == []
