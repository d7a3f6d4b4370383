"""What the PWA browser tests share: a persistent Chromium profile, a server that
counts what reaches it, and waits on the service worker and its caches."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from flask import Flask, request

from tests.browser.conftest import CHROMIUM_ARGS, PHONE, LiveServer

__all__ = ["CHROMIUM_ARGS", "PHONE"]

# Pages a person opens and expects to open again offline.
OFFLINE_PATHS = ["/today", "/diary", "/insights"]


# Playwright's offline emulation reaches a service worker late at times (upstream
# microsoft/playwright#2311): seen here as a worker's /api/csrf-token reaching the
# server after context.set_offline(True), and as the first page of a restarted
# browser fetched from the network. Those tests run once more after a failure, and
# the run's summary counts the rerun; a test that fails twice fails the run.
OFFLINE_EMULATION = pytest.mark.flaky(reruns=1, reruns_delay=1)


class CountingServer(LiveServer):
    """The live server, remembering every path the app was asked for."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        self.paths: list[str] = []
        self.slow: dict[str, float] = {}  # path -> seconds the server takes to answer
        self._busy = 0
        self._lock = threading.Lock()
        app.before_request(self._seen)
        app.teardown_request(self._done)

    def _seen(self) -> None:
        with self._lock:
            self._busy += 1
        self.paths.append(request.path)
        time.sleep(self.slow.get(request.path, 0))

    def _done(self, _error: BaseException | None) -> None:
        with self._lock:
            self._busy -= 1

    def stop(self) -> None:
        """Stop once requests still running (the worker's background fetches) are
        answered, so none holds a database connection past the test."""
        self.slow.clear()
        deadline = time.monotonic() + 10
        while self._busy > 0 and time.monotonic() < deadline:
            time.sleep(0.05)
        super().stop()


def first_page(context: Any) -> Any:
    return context.pages[0] if context.pages else context.new_page()


def poll(page: Any, expression: str, timeout: float = 10.0) -> Any:
    """Evaluate until truthy. (page.wait_for_function evaluates strings with eval(),
    which the app's CSP rightly forbids.)"""
    deadline = time.monotonic() + timeout
    while not (value := page.evaluate(expression)):
        if time.monotonic() > deadline:
            raise AssertionError(f"never true: {expression}")
        time.sleep(0.1)
    return value


def wait_until_controlled(page: Any) -> None:
    poll(page, "navigator.serviceWorker && navigator.serviceWorker.controller !== null")


def cached_pages(page: Any) -> list[str]:
    return page.evaluate(
        """caches.has('fossa-pages').then(has => !has ? [] : caches.open('fossa-pages')
             .then(c => c.keys()).then(k => k.map(r => new URL(r.url).pathname)))"""
    )


def wait_until_cached(page: Any, path: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while path not in cached_pages(page):
        if time.monotonic() > deadline:
            raise AssertionError(f"{path} never reached the pages cache: {cached_pages(page)}")
        time.sleep(0.1)


def queued(page: Any) -> list[dict[str, Any]]:
    return page.evaluate("FossaQueue.pending()")
