"""The offline queue under random sequences of what a person really does.

One run: register, then a seeded random walk through going offline and online,
saving an entry (each with a note that names it), tapping a tab, reloading,
restarting the browser (close and relaunch on the same profile folder: the session
cookie is gone, the cached pages and the queue stay) and opening a second tab.
At the end the person is online and logged in, the queue has been replayed, and
the server must hold every entry the person saved exactly once, and nothing else;
the queue on the phone must be empty.

Steps also include the server failing saves with 503 for a while.
CI runs a few seeds of ~20 steps. A longer soak:
``FOSSA_CHAOS_SEEDS=1-40 FOSSA_CHAOS_STEPS=60 pytest tests/browser/test_offline_chaos.py -s``.
Every run prints its seed, its steps and the counts, so a failure can be replayed.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.browser.actions import PASSWORD, register
from tests.browser.pwa_support import (
    OFFLINE_EMULATION,
    CountingServer,
    first_page,
    poll,
    wait_until_cached,
    wait_until_controlled,
)
from webapp.extensions import db
from webapp.models import Entry

pytestmark = OFFLINE_EMULATION

EMAIL = "walker@example.com"
TABS = ("Today", "Diary", "Insights", "More")


def _seeds() -> list[int]:
    raw = os.environ.get("FOSSA_CHAOS_SEEDS", "20261201,2,3")
    seeds: list[int] = []
    for part in raw.split(","):
        if "-" in part:
            low, high = part.split("-")
            seeds.extend(range(int(low), int(high) + 1))
        elif part.strip():
            seeds.append(int(part))
    return seeds


STEPS = int(os.environ.get("FOSSA_CHAOS_STEPS", "18"))


@dataclass
class Person:
    """The browser as one person uses it, and what they believe they saved."""

    server: CountingServer
    launch: Callable[[Path], Any]
    profile: Path
    rng: random.Random
    context: Any = None
    page: Any = None
    online: bool = True
    broken: bool = False  # the server answers saves with 503
    saved: list[str] = field(default_factory=list)
    steps: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    # ---- what the person does ------------------------------------------------
    def start(self) -> None:
        self.context = self.launch(self.profile)
        self.page = first_page(self.context)
        register(self.page, self.url, EMAIL)
        wait_until_controlled(self.page)
        wait_until_cached(self.page, "/today")

    def set_online(self, online: bool) -> None:
        self.online = online
        self.context.set_offline(not online)
        if online:
            self.settle()

    def log_in_if_asked(self) -> None:
        """A person who meets the log-in form (online) logs in."""
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state()
        if "/login" in self.page.url or self.page.locator("#login").count():
            if not self.online:
                return
            self.page.get_by_label("Email").fill(EMAIL)
            self.page.get_by_label("Password", exact=True).fill(PASSWORD)
            self.page.get_by_role("button", name="Log in").click()
            # Back where the log-in was asked for (?next=…), or on /today.
            self.page.wait_for_url(lambda url: "/login" not in url, timeout=20000)
            self.settle()

    def settle(self, seconds: float = 0.4) -> None:
        """Give the page's own work (a replay, a swap) a moment, as a person would."""
        with contextlib.suppress(Exception):
            self.page.wait_for_load_state()
        time.sleep(seconds)

    def open_today(self) -> bool:
        """Get to the log form the way a person does: the Today tab, or the address."""
        self.log_in_if_asked()
        if self.page.locator("#entry-form").count():
            self.add_another_if_done()
            if self.page.locator("#entry-form:visible").count():
                return True
        tab = self.page.locator(".tabbar").get_by_role("link", name="Today")
        if tab.count():
            tab.click()
        else:
            with contextlib.suppress(Exception):
                self.page.goto(f"{self.url}/today")
        self.log_in_if_asked()
        with contextlib.suppress(Exception):
            self.page.locator("#entry-form").wait_for(state="attached", timeout=4000)
        self.add_another_if_done()
        return bool(self.page.locator("#entry-form:visible").count())

    def add_another_if_done(self) -> None:
        """Today logged already: /today shows its summary; "Add another" gives the form."""
        another = self.page.locator("[data-add-another]:visible")
        with contextlib.suppress(Exception):
            # The queued entry's card may replace the form just after load.
            self.page.locator("html[data-today-ready]").wait_for(state="attached", timeout=5000)
            if not self.page.locator("#entry-form:visible").count() and another.count():
                another.first.click(timeout=2000)

    def save(self) -> None:
        if not self.open_today():
            self.steps.append("save (no form to fill: skipped)")
            return
        note = f"chaos note {len(self.saved) + 1} {self.rng.randrange(10**6):06d}"
        form = self.page.locator("#entry-form")
        pain = self.rng.randrange(11)
        form.locator("#field-pain").get_by_role("radio", name=str(pain), exact=True).click()
        details = form.locator("#more-details")
        if details.get_attribute("open") is None:
            details.locator("summary").click()
        form.locator("#notes").fill(note)
        form.get_by_role("button", name="Save", exact=True).click()
        self.saved.append(note)
        self.steps.append(f"save {note!r} ({'online' if self.online else 'offline'})")
        # What the person waits for: the form empties (saved, or kept on the phone),
        # or some message appears. A save that silently fails leaves the note there.
        deadline = time.monotonic() + 4
        while time.monotonic() < deadline:
            with contextlib.suppress(Exception):
                if self.page.locator("#notes").input_value(timeout=500) != note:
                    break
            time.sleep(0.1)
        self.settle(0.3)

    def tap_tab(self) -> None:
        name = self.rng.choice(TABS)
        self.steps.append(f"tap {name}")
        tab = self.page.locator(".tabbar").get_by_role("link", name=name)
        if tab.count():
            with contextlib.suppress(Exception):
                tab.click()
        self.settle()

    def reload(self) -> None:
        self.steps.append("reload")
        with contextlib.suppress(Exception):
            self.page.reload()
        self.settle()

    def restart(self) -> None:
        self.steps.append("restart the browser")
        self.context.close()
        self.context = self.launch(self.profile)
        self.context.set_offline(not self.online)
        self.route_saves()
        self.page = first_page(self.context)
        with contextlib.suppress(Exception):
            self.page.goto(f"{self.url}/today")
        self.settle()

    def second_tab(self) -> None:
        self.steps.append("open a second tab")
        older = list(self.context.pages)
        self.page = self.context.new_page()
        with contextlib.suppress(Exception):
            self.page.goto(f"{self.url}/today")
        # Keep at most two tabs: the oldest one is closed.
        if len(older) > 1:
            older[0].close()
        self.settle()

    def flap(self) -> None:
        self.steps.append("go " + ("offline" if self.online else "online"))
        self.set_online(not self.online)

    def server_trouble(self) -> None:
        """The server answers saves with 503 for a while (a deploy, an overload)."""
        self.broken = not self.broken
        self.steps.append("the server " + ("fails saves (503)" if self.broken else "recovers"))
        self.route_saves()

    def route_saves(self) -> None:
        with contextlib.suppress(Exception):
            self.context.unroute("**/entries")
        if self.broken:
            self.context.route("**/entries", _refuse_posts)

    def step(self) -> None:
        actions = [
            (self.flap, 3),
            (self.save, 4),
            (self.tap_tab, 3),
            (self.reload, 1),
            (self.restart, 1),
            (self.second_tab, 1),
            (self.server_trouble, 1),
        ]
        action = self.rng.choices([a for a, _ in actions], weights=[w for _, w in actions])[0]
        action()

    # ---- the end -------------------------------------------------------------
    def finish(self) -> None:
        """Online, logged in, on /today: the queue replays until nothing waits."""
        self.broken = False
        self.route_saves()
        self.set_online(True)
        for other in self.context.pages:
            if other is not self.page:
                other.close()
        with contextlib.suppress(Exception):
            self.page.goto(f"{self.url}/today")
        self.log_in_if_asked()
        self.page.goto(f"{self.url}/today")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            self.page.evaluate("FossaQueue.replay()")
            if not stored_in_queue(self.page):
                break
            time.sleep(0.5)


def _refuse_posts(route: Any) -> None:
    if route.request.method == "POST":
        route.fulfill(status=503, content_type="text/plain", body="Service Unavailable")
    else:
        route.continue_()


def stored_in_queue(page: Any) -> int:
    """Every item in the queue's IndexedDB store, whoever owns it."""
    return page.evaluate(
        """new Promise((resolve, reject) => {
             const open = indexedDB.open("fossa");
             open.onerror = () => reject(open.error);
             open.onsuccess = () => {
               const db = open.result;
               if (!db.objectStoreNames.contains("queue")) { db.close(); resolve(0); return; }
               const count = db.transaction("queue").objectStore("queue").count();
               count.onsuccess = () => { db.close(); resolve(count.result); };
               count.onerror = () => reject(count.error);
             };
           })"""
    )


def server_notes(app: Flask) -> Counter[str]:
    with app.app_context():
        notes = db.session.scalars(db.select(Entry.notes)).all()
        db.session.remove()
    return Counter(note or "" for note in notes)


@pytest.mark.parametrize("seed", _seeds())
def test_every_saved_entry_reaches_the_server_exactly_once(
    app, profile_server, launch_profile, tmp_path, seed
):
    rng = random.Random(seed)
    server = profile_server
    person = Person(server, launch_profile, tmp_path / "profile", rng)
    person.start()
    try:
        for _ in range(STEPS):
            person.step()
        person.finish()
    except Exception:
        print(f"\nseed {seed}: stopped after steps:\n  " + "\n  ".join(person.steps))
        raise

    on_server = server_notes(app)
    arrived = [note for note in person.saved if on_server[note] >= 1]
    doubled = [note for note in person.saved if on_server[note] > 1]
    strangers = [note for note in on_server if note not in person.saved]
    left_in_queue = stored_in_queue(person.page)
    report = (
        f"seed {seed}, {STEPS} steps: saved {len(person.saved)}, arrived {len(arrived)}, "
        f"doubled {len(doubled)}, unknown on server {len(strangers)}, "
        f"left in queue {left_in_queue}\n  steps: " + "\n         ".join(person.steps)
    )
    print("\n" + report)
    assert len(arrived) == len(person.saved), report
    assert not doubled, report
    assert not strangers, report
    assert left_in_queue == 0, report
    poll(person.page, "document.readyState === 'complete'")
