"""Take the README's screenshots of Fossa at phone size (390×844) in Debian's Chromium.

Runs the app on a throwaway SQLite database, registers a person, logs a few days,
and saves PNGs under docs/screenshots/. Usage: python scripts/screenshot.py
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import threading
import uuid
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.conftest import CHROMIUM_ARGS, PHONE  # noqa: E402
from webapp import create_app  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def seed_entries(page, base: str) -> None:
    """A fortnight of runs, through the JSON API the offline queue uses."""
    token = page.locator("body").get_attribute("hx-headers").split('"')[3]
    today = dt.date.today()
    for back in range(14, 0, -1):
        day = today - dt.timedelta(days=back)
        entry = {
            "id": str(uuid.uuid4()),
            "date": day.isoformat(),
            "pain": [2, 3, 1, 4, 3, 5, 0, 4, 5, 3, 6, 4, 5, 3][back - 1],
            "side": "left",
            "locations": ["center"],
            "activity": "none" if back % 4 == 0 else "running",
        }
        page.request.post(f"{base}/api/entries", data=entry, headers={"X-CSRFToken": token})


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.pop("DATABASE_URL", None)
        app = create_app(
            {"INSTANCE_PATH": tmp, "SECRET_KEY": "screenshot", "RATELIMIT_ENABLED": False}
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport=PHONE, device_scale_factor=2)
            page.goto(f"{base}/register")
            page.get_by_label("Email").fill("sam@example.com")
            page.get_by_label("Password", exact=True).fill("a long password")
            page.get_by_label("Repeat the password").fill("a long password")
            page.get_by_role("button", name="Create my diary").click()
            page.wait_for_url(f"{base}/today")
            seed_entries(page, base)
            page.goto(f"{base}/today")
            page.locator("#field-pain").get_by_role("radio", name="4", exact=True).click()
            page.get_by_role("radio", name="Left", exact=True).click()
            page.get_by_role("checkbox", name="Centre of the hollow").click()
            page.locator("#field-activity").get_by_role("radio", name="Running", exact=True).click()
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(OUT / "today.png"))
            page.goto(f"{base}/diary")
            page.screenshot(path=str(OUT / "diary.png"))
            page.goto(f"{base}/insights")
            page.screenshot(path=str(OUT / "insights.png"))
            browser.close()
        server.shutdown()
    print(f"screenshots written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
