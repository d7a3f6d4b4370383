"""Real-browser fixtures: the app on a live local server, driven in Debian's Chromium.

A missing browser fails the run in CI (CI is set) and skips elsewhere, so a
machine without Chromium never turns these tests into a silent pass.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def _require_chromium() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path:
        return path
    message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return _require_chromium()


@pytest.fixture(scope="session")
def browser_type_launch_args(chromium_path: str) -> dict[str, Any]:
    """pytest-playwright launches Debian's Chromium, never a downloaded one."""
    return {"executable_path": chromium_path, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args() -> dict[str, Any]:
    return {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


class LiveServer:
    """The app served on 127.0.0.1 in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.port = self._server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app).start()
    yield server
    server.stop()


@pytest.fixture
def profile_server(app: Flask) -> Iterator[Any]:
    """The live server, counting requests; pages fall back to the cache after 0.8 s."""
    from tests.browser.pwa_support import CountingServer

    app.config["PWA_PAGE_TIMEOUT_MS"] = 800  # a slow network falls back to the cache soon
    live = CountingServer(app)
    live.start()
    yield live
    live.stop()


@pytest.fixture
def launch_profile(playwright: Any, chromium_path: str) -> Iterator[Callable[..., Any]]:
    """Start Chromium on a profile folder; the same folder again is a browser restart
    (the session cookie is gone; the worker, its caches and IndexedDB stay)."""
    contexts: list[Any] = []

    def start(profile: Path, **options: Any) -> Any:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path,
            args=CHROMIUM_ARGS,
            viewport=PHONE,
            is_mobile=True,
            has_touch=True,
            **options,
        )
        context.set_default_timeout(8000)
        contexts.append(context)
        return context

    yield start
    for context in contexts:
        with contextlib.suppress(Exception):  # already closed by the test (a "restart")
            context.close()
