"""Reminders in real Chromium: "Turn on" subscribes this browser (permission asked
after the tap), the server's push reaches the local receiver, and a push delivered
through CDP shows the notification; clicking it opens /today, and "No pain today"
records a pain-0 entry through the offline queue.

Chromium cannot reach a real push service here, so ``pushManager.subscribe`` is
replaced by an init script returning a subscription whose endpoint is the test's
receiver. Automation cannot click a system notification either: the click is a
``notificationclick`` event dispatched in the service worker on the notification
the push handler showed.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations
from tests.web.reminders_support import (
    PushReceiver,
    reminders_app,
    running_receiver,
)
from webapp.extensions import db
from webapp.models import Entry

FAKE_PUSH = """
(() => {
  const subscription = %s;
  const fake = {
    endpoint: subscription.endpoint,
    expirationTime: null,
    options: { userVisibleOnly: true, applicationServerKey: null },
    toJSON: () => subscription,
    unsubscribe: () => Promise.resolve(true),
  };
  let subscribed = false;
  if (self.PushManager) {
    PushManager.prototype.subscribe = function (options) {
      subscribed = true;
      return Promise.resolve(fake);
    };
    PushManager.prototype.getSubscription = () => Promise.resolve(subscribed ? fake : null);
  }
  if (self.Notification) {
    // Count the permission prompts, to see they come only after "Turn on".
    const ask = Notification.requestPermission.bind(Notification);
    Notification.requestPermission = () => {
      sessionStorage.setItem("asked", String(Number(sessionStorage.getItem("asked") || 0) + 1));
      return ask();
    };
  }
})();
"""

NOTIFICATIONS = """
() => navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((list) => list.map((n) => ({
    title: n.title, body: n.body, tag: n.tag, icon: n.icon,
    actions: n.actions.map((a) => a.action), data: n.data,
  })))
"""

CLICK = """
([action]) => self.registration.getNotifications().then((list) => {
  const init = { notification: list[list.length - 1] };
  if (action) init.action = action;
  self.dispatchEvent(new NotificationEvent("notificationclick", init));
  return list.length;
})
"""


@pytest.fixture(scope="module")
def receiver() -> Iterator[PushReceiver]:
    with running_receiver() as server:
        yield server


@pytest.fixture
def app(database_uri: str, tmp_path: Any, receiver: PushReceiver) -> Iterator[Flask]:
    yield from reminders_app(database_uri, tmp_path / "instance", receiver)


def wait_for(page: Any, check: Any, timeout: float = 10.0) -> Any:
    """Poll ``check``; waiting through Playwright lets its events (CDP) arrive meanwhile."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        page.wait_for_timeout(100)


def test_push_reminder_shows_and_its_actions_work(
    page: Any, context: Any, live_server: Any, receiver: PushReceiver, app: Flask
) -> None:
    base = live_server.url
    subscription = receiver.subscription("browser")
    context.grant_permissions(["notifications"], origin=base)
    page.add_init_script(FAKE_PUSH % json.dumps(subscription))

    register(page, base)
    page.goto(f"{base}/reminders")
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    assert page.evaluate("() => sessionStorage.getItem('asked')") is None
    page.get_by_role("switch", name="Daily reminder").check()
    expect(page.get_by_role("heading", name="Reminders are on")).to_be_visible()
    expect(page.get_by_role("switch", name="Daily reminder")).to_be_checked()
    expect(page.locator(".device")).to_have_count(1)
    assert page.evaluate("() => sessionStorage.getItem('asked')") == "1"
    assert serious_violations(page) == []

    # The server encrypts and signs; the receiver decrypts what the browser would get.
    page.get_by_role("button", name="Send me a test notification").click()
    expect(page.locator(".test-result")).to_contain_text("sent to 1 of 1 device")
    [message] = receiver.messages_for(subscription)
    assert receiver.rejected == []

    # Hand that same message to the service worker, as the push service would.
    cdp = context.new_cdp_session(page)
    registrations: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(
            r["registrationId"] for r in event["registrations"] if r["scopeURL"] == base + "/"
        ),
    )
    cdp.send("ServiceWorker.enable")
    assert wait_for(page, lambda: registrations), "no service worker registration seen"

    def deliver(payload: dict) -> list[dict]:
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {"origin": base, "registrationId": registrations[0], "data": json.dumps(payload)},
        )

        # Handled once its own notification shows: a list read sooner may still hold
        # the one before it, and the push would then land after the next step.
        def shown_now() -> list[dict]:
            shown = page.evaluate(NOTIFICATIONS)
            return shown if any(n["body"] == payload["body"] for n in shown) else []

        return wait_for(page, shown_now)

    shown = deliver(message)
    assert [(n["title"], n["body"], n["tag"]) for n in shown] == [
        ("Fossa", message["body"], "fossa-daily-reminder")
    ]
    assert shown[0]["actions"] == ["log", "no-pain"]
    assert shown[0]["icon"].endswith("/static/icons/icon-192.png")

    # Repeats collapse: the same tag replaces the earlier notification.
    assert len(deliver({**message, "body": "How is your knee today?"})) == 1

    worker = wait_for(page, lambda: context.service_workers)[0]
    assert worker.evaluate(CLICK, [None]) == 1
    page.wait_for_url(f"{base}/today")
    # The tapped reminder closes; wait for that before the next one arrives.
    assert wait_for(page, lambda: not page.evaluate(NOTIFICATIONS))

    # "No pain today": a pain-0 entry for the reminder's day, through the offline queue.
    deliver(message)
    worker.evaluate(CLICK, ["no-pain"])

    def stored() -> list[tuple[str, int]]:
        with app.app_context():
            rows = db.session.execute(db.select(Entry.date, Entry.pain)).all()
            return [(day.isoformat(), pain) for day, pain in rows]

    assert wait_for(page, stored) == [(message["day"], 0)]
    confirmation = wait_for(
        page, lambda: [n for n in page.evaluate(NOTIFICATIONS) if n["body"].startswith("Saved")]
    )
    assert confirmation[0]["body"] == "Saved: no pain today."
