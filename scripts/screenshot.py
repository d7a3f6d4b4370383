"""The screen tour: every page and main state of Fossa, phone and desktop, light and dark.

Runs the app on a throwaway SQLite database, signs a person up, logs a month of a
runner's knee (tests/browser/tour.py), then photographs each stop of the tour at
390x844 and 1280x800 in both colour schemes into docs/screenshots/ as
<screen>-<phone|desktop>-<light|dark>.png, plus the doctor's view and page 1 of
the PDF report. Usage: python scripts/screenshot.py [screen-name ...]
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.actions import PASSWORD  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS  # noqa: E402
from tests.browser.tour import EMAIL, SCREENS, csrf_token, sign_up_with_story  # noqa: E402
from webapp import create_app  # noqa: E402

OUT = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "docs" / "screenshots")
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
SCHEMES = ("light", "dark")
ZONE = "Europe/Berlin"
LOCALE = "en-GB"


def shrink(path: Path) -> None:
    """Keep the tour small in git: a 256-colour palette PNG looks the same for a UI."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def snap(page, path: Path, full_page: bool = False) -> None:
    page.screenshot(path=str(path), full_page=full_page)
    shrink(path)


def log_in(page, base: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/today")


def name_reports(page, base: str) -> None:
    page.goto(f"{base}/export")
    page.get_by_label("Your name, as your doctor should read it on the report").fill("Sam Taylor")
    page.get_by_role("button", name="Put my name on reports").click()
    page.wait_for_url(f"{base}/export")


def doctor_link(page, base: str) -> str:
    page.goto(f"{base}/share")
    response = page.request.post(
        f"{base}/api/share-links",
        data={"days": 7, "label": "Dr Weber"},
        headers={"X-CSRFToken": csrf_token(page)},
    )
    return response.json()["url"]


def pdf_page_one(page, base: str, path: Path) -> None:
    """Page 1 of the PDF report as a PNG, rendered with pypdfium2."""
    import pypdfium2

    data = page.request.get(f"{base}/export/report.pdf").body()
    document = pypdfium2.PdfDocument(data)
    try:
        document[0].render(scale=1.4).to_pil().save(path, optimize=True)
        shrink(path)
    finally:
        document.close()


def main(only: set[str]) -> None:
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
            setup = browser.new_context(timezone_id=ZONE, locale=LOCALE).new_page()
            sign_up_with_story(setup, base)
            for device, viewport in VIEWPORTS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(
                        viewport=viewport,
                        device_scale_factor=1,
                        color_scheme=scheme,
                        is_mobile=device == "phone",
                        has_touch=device == "phone",
                        timezone_id=ZONE,
                        locale=LOCALE,
                    )
                    page = context.new_page()
                    signed_in = False
                    for screen in SCREENS:
                        if only and screen.name not in only:
                            continue
                        if screen.signed_in and not signed_in:
                            log_in(page, base)
                            signed_in = True
                        page.goto(base + screen.path)
                        if screen.before:
                            screen.before(page)
                        page.wait_for_timeout(150)
                        name = f"{screen.name}-{device}-{scheme}.png"
                        snap(page, OUT / name, screen.full_page)
                    context.close()
            # The name prompt was part of the tour; the doctor's side shows the name.
            name_reports(setup, base)
            if not only or "report-pdf" in only:
                pdf_page_one(setup, base, OUT / "report-pdf-page-1.png")
            doctor_url = doctor_link(setup, base)
            for device, viewport in VIEWPORTS.items():
                for scheme in SCHEMES:
                    if only and "doctor" not in only:
                        continue
                    doctor = browser.new_context(
                        viewport=viewport, device_scale_factor=1, color_scheme=scheme
                    )
                    view = doctor.new_page()
                    view.goto(doctor_url)
                    snap(view, OUT / f"doctor-{device}-{scheme}.png")
                    doctor.close()
            setup.context.close()
            browser.close()
        server.shutdown()
    print(f"screenshots written to {OUT}")


if __name__ == "__main__":
    main(set(sys.argv[1:]))
