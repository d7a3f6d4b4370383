"""Fossa as an installed app in real Chromium: the worker, offline pages, the offline
queue across reloads and browser restarts, logout, updates and the install offer.

"Offline" is ``context.set_offline(True)``; every test that relies on it also checks
that no request reached the server meanwhile, so the worker's own fetches were cut too.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import PASSWORD, register, serious_violations
from tests.browser.pwa_support import (
    CHROMIUM_ARGS,
    OFFLINE_EMULATION,
    OFFLINE_PATHS,
    PHONE,
    CountingServer,
    cached_pages,
    first_page,
    poll,
    queued,
    wait_until_cached,
    wait_until_controlled,
)
from tests.support import count_entries

pytestmark = OFFLINE_EMULATION

IOS_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def server(app: Flask) -> Iterator[CountingServer]:
    live = CountingServer(app)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def launch(playwright: Any, chromium_path: str) -> Iterator[Callable[..., Any]]:
    """Start Chromium on a profile folder; the same folder again is a browser restart.

    A persistent profile also matters for installability: an ordinary Playwright
    context counts as incognito, where Chromium refuses to install.
    """
    contexts: list[Any] = []

    def start(profile: Path, *extra_args: str) -> Any:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path,
            args=[*CHROMIUM_ARGS, *extra_args],
            viewport=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
        )
        contexts.append(context)
        return context

    yield start
    for context in contexts:
        with contextlib.suppress(Exception):  # already closed by the test (a "restart")
            context.close()


def signed_up_and_controlled(context: Any, server: CountingServer) -> Any:
    page = first_page(context)
    register(page, server.url)
    wait_until_controlled(page)
    wait_until_cached(page, "/today")
    return page


def log_in(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email").fill("walker@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base_url}/today")


def log_pain(page: Any, pain: int | None) -> None:
    # The queued entry's card may replace the form just after load: let the page decide.
    page.locator("html[data-today-ready]").wait_for(state="attached", timeout=10_000)
    if not page.locator("#entry-form:visible").count():
        page.get_by_role("link", name="Add another").click()  # today is logged already
    if pain is not None:
        page.locator("#field-pain").get_by_role("radio", name=str(pain), exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()


def test_worker_controls_the_page_and_the_app_is_installable(server, launch, tmp_path):
    # Chromium offers installation only after some engagement; the flag skips the wait.
    context = launch(tmp_path / "profile", "--bypass-app-banner-engagement-checks")
    page = signed_up_and_controlled(context, server)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    assert cdp.send("Page.getAppManifest")["errors"] == []
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == f"{server.url}/"

    # Chromium's own install offer arrives as beforeinstallprompt: our button shows.
    expect(page.get_by_role("button", name="Install app")).to_be_visible()
    assert serious_violations(page) == []

    server.paths.clear()
    context.set_offline(True)
    page.goto(f"{server.url}/offline")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert serious_violations(page) == []
    assert server.paths == []


def test_ios_safari_gets_the_add_to_home_screen_hint(browser, live_server):
    """Safari on iOS has no install prompt: the page says how to add Fossa instead."""
    context = browser.new_context(
        user_agent=IOS_SAFARI, viewport=PHONE, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    register(page, live_server.url)
    hint = page.locator("#ios-install-hint")
    expect(hint).to_contain_text("Add to Home Screen")
    expect(page.get_by_role("button", name="Install app")).to_be_hidden()
    assert serious_violations(page) == []
    hint.get_by_role("button", name="Got it").click()
    page.reload()
    expect(hint).to_be_hidden()  # dismissed for good
    context.close()


def test_visited_pages_open_offline_and_others_show_the_offline_page(app, server, launch, tmp_path):
    app.config["PWA_PAGE_TIMEOUT_MS"] = 500
    context = launch(tmp_path / "profile")
    page = signed_up_and_controlled(context, server)
    titles = {}
    paths = OFFLINE_PATHS
    assert paths[:2] == ["/today", "/diary"]
    for path in paths:
        page.goto(f"{server.url}{path}")
        titles[path] = page.title()
        wait_until_cached(page, path)

    server.paths.clear()
    context.set_offline(True)
    for path in paths:
        page.goto(f"{server.url}{path}")
        assert page.title() == titles[path]
        assert "You are offline" not in page.content()
    # The home-screen start URL finds the /today opened in the browser.
    page.goto(f"{server.url}/today?source=pwa")
    assert page.title() == titles["/today"]
    page.goto(f"{server.url}/account")  # never visited
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    # A boosted link (htmx) goes to the cache too.
    page.goto(f"{server.url}/today")
    page.get_by_role("link", name="Diary").last.click()
    expect(page).to_have_title(titles["/diary"])
    assert server.paths == [], "the network was not really cut"

    context.set_offline(False)
    page.evaluate("fetch('/api/csrf-token').then(r => r.json())")
    stored = page.evaluate(
        "caches.keys().then(names => Promise.all(names.map(n => caches.open(n)"
        ".then(c => c.keys())))).then(lists => lists.flat().map(r => new URL(r.url).pathname))"
    )
    assert not [p for p in stored if p.startswith("/api/")], stored

    # A server slower than the worker's patience: the cached copy shows meanwhile.
    server.slow["/diary"] = 2.0
    started = time.monotonic()
    page.goto(f"{server.url}/diary")
    assert page.title() == titles["/diary"]
    assert time.monotonic() - started < 1.6


def test_entry_made_offline_survives_a_restart_and_syncs_once(app, server, launch, tmp_path):
    profile = tmp_path / "profile"
    context = launch(profile)
    page = signed_up_and_controlled(context, server)

    context.set_offline(True)
    log_pain(page, 6)
    status = page.locator("#sync-status")
    expect(status).to_contain_text("1 entry waiting to sync")
    tags = page.evaluate("navigator.serviceWorker.ready.then(r => r.sync.getTags())")
    assert tags == ["fossa-queue"]  # Background Sync will replay it, tab open or not
    page.reload()
    expect(status).to_contain_text("1 entry waiting to sync")
    entry_id = queued(page)[0]["id"]
    context.close()  # the browser quits with the entry still unsent

    context = launch(profile)
    context.set_offline(True)
    page = first_page(context)
    page.goto(f"{server.url}/today")
    expect(page.locator("#sync-status")).to_contain_text("1 entry waiting to sync")
    assert count_entries(app) == 0

    # The restart ended the browser session: the entry waits for the person to log in.
    context.set_offline(False)
    page.evaluate("FossaQueue.replay()")
    expect(page.locator("#sync-status")).to_contain_text("Log in again to send")
    assert count_entries(app) == 0
    log_in(page, server.url)
    expect(page.locator("#sync-status")).to_be_hidden()
    expect(page.locator("#offline-note")).to_contain_text("now in your diary")
    assert count_entries(app) == 1
    page.goto(f"{server.url}/diary")
    expect(page.locator(".entry").first).to_contain_text("6")

    # A second offline entry, then two tabs (and the worker) replay it at once.
    page.goto(f"{server.url}/today")
    context.set_offline(True)
    log_pain(page, 2)
    expect(page.locator("#sync-status")).to_contain_text("1 entry waiting to sync")
    other = context.new_page()
    other.goto(f"{server.url}/today")
    expect(other.locator("#sync-status")).to_contain_text("1 entry waiting to sync")
    # The server answers slowly, so every replay sends before any has heard back.
    server.slow["/api/entries"] = 0.5
    sent_before = server.paths.count("/api/entries")
    context.set_offline(False)
    page.evaluate("window.race = FossaQueue.replay()")
    other.evaluate("window.race = FossaQueue.replay()")
    page.evaluate("window.race")
    other.evaluate("window.race")
    expect(page.locator("#sync-status")).to_be_hidden()
    expect(other.locator("#sync-status")).to_be_hidden()
    assert server.paths.count("/api/entries") - sent_before >= 2  # it was really sent twice
    assert count_entries(app) == 2
    assert entry_id not in [item["id"] for item in queued(page)]


def test_rejected_replay_shows_the_reason_until_fixed_or_discarded(app, server, launch, tmp_path):
    context = launch(tmp_path / "profile")
    page = signed_up_and_controlled(context, server)
    context.set_offline(True)
    page.locator("#more-details summary").click()
    page.locator("#notes").fill("Sore after the trail run")
    log_pain(page, None)  # no pain chosen: the server will refuse it
    expect(page.locator("#sync-status")).to_contain_text("1 entry waiting to sync")

    context.set_offline(False)
    problem = page.locator(".sync-problem")
    expect(problem).to_contain_text("Rate the pain from 0 to 10")
    page.reload()
    expect(problem).to_contain_text("Rate the pain from 0 to 10")  # kept, not dropped
    assert count_entries(app) == 0

    problem.get_by_role("button", name="Fix").click()
    expect(page.locator("#notes")).to_have_value("Sore after the trail run")
    log_pain(page, 4)
    expect(page.locator("#saved-note")).to_contain_text("Saved for")
    expect(page.locator("#sync-status")).to_be_hidden()
    assert queued(page) == []
    assert count_entries(app) == 1

    # One the person does not want to fix: discarding it is final.
    page.evaluate("FossaQueue.enqueue({date: '2999-01-01', pain: 3})")
    page.evaluate("FossaQueue.replay()")
    expect(problem).to_contain_text("This day is in the future")
    problem.get_by_role("button", name="Discard").click()
    expect(page.locator("#sync-status")).to_be_hidden()
    assert queued(page) == []
    assert count_entries(app) == 1


def test_after_logout_the_diary_is_gone_offline(app, server, launch, tmp_path):
    context = launch(tmp_path / "profile")
    page = signed_up_and_controlled(context, server)
    page.locator("#more-details summary").click()
    page.locator("#notes").fill("Private note about my knee")
    log_pain(page, 5)
    expect(page.locator("#saved-note")).to_be_visible()
    for path in OFFLINE_PATHS:
        page.goto(f"{server.url}{path}")
        wait_until_cached(page, path)
    page.goto(f"{server.url}/account")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert cached_pages(page) == []

    context.set_offline(True)
    for path in OFFLINE_PATHS:
        page.goto(f"{server.url}{path}")
        expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
        assert "Private note" not in page.content()


def test_a_new_version_offers_a_reload(server, launch, tmp_path, monkeypatch):
    context = launch(tmp_path / "profile")
    page = signed_up_and_controlled(context, server)
    old = [n for n in page.evaluate("caches.keys()") if n.startswith("fossa-shell-")]
    assert len(old) == 1

    monkeypatch.setattr("webapp.pwa.routes._version", lambda app: "0000newversion")
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    expect(page.get_by_text("New version ready")).to_be_visible()
    assert serious_violations(page) == []
    with page.expect_navigation():
        page.get_by_role("button", name="Reload").click()
    wait_until_controlled(page)
    poll(
        page,
        "caches.keys().then(k => k.filter(n => n.startsWith('fossa-shell-')).join()"
        " === 'fossa-shell-0000newversion')",
    )
