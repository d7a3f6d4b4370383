"""Fossa's page-weight and quality budgets, printed (not asserted).

1. Bytes on the wire for a first load of /today in Chromium (a fresh profile, the
   app's own compression: Brotli for pages, precompressed static files), counted
   from each response's headers and body as transferred. Target: at most 35 KB.
   The service worker's precache, fetched after the page has loaded, is shown apart.
2. Requests for static files that reach the server on a repeat visit of /today,
   once the service worker runs (counted from gunicorn's access log). Target: 0.
3. Lighthouse mobile scores (performance, accessibility, best practices) for /login
   and /today (logged in, the session cookie passed with --extra-headers).
   Target: 100/100/100. Lighthouse comes from the npm registry, pinned, installed
   once into a cache folder outside the repository; it drives Debian's Chromium.

Usage: python tests/bench/bench_budgets.py [--skip-lighthouse]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_http import free_port, log_in, start_gunicorn, wait_for  # noqa: E402
from tests.browser.conftest import CHROMIUM_ARGS, PHONE  # noqa: E402

LIGHTHOUSE_VERSION = "12.8.2"
LIGHTHOUSE_HOME = (
    Path(os.environ.get("FOSSA_BENCH_CACHE", Path.home() / ".cache" / "fossa-bench"))
    / f"lighthouse-{LIGHTHOUSE_VERSION}"
)
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
BUDGET_KB = 35


def first_load_bytes(base: str, cookie: str) -> list[tuple[str, str, int, int]]:
    """(url, content encoding, bytes on the wire, bytes decoded) of a first /today load."""
    from playwright.sync_api import sync_playwright

    name, value = cookie.split(";")[0].split("=", 1)
    rows: list[tuple[str, str, int, int]] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=PHONE, service_workers="block")
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.new_page()
        finished = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.goto(f"{base}/today", wait_until="networkidle")
        for request in finished:
            response = request.response()
            sizes = request.sizes()
            wire = sizes["responseHeadersSize"] + sizes["responseBodySize"]
            encoding = response.headers.get("content-encoding", "-") if response else "-"
            decoded = len(response.body()) if response else 0
            rows.append((request.url.removeprefix(base), encoding, wire, decoded))
        context.close()
        browser.close()
    return rows


def repeat_visit_static_requests(base: str, cookie: str, access_log: Path) -> tuple[int, int]:
    """Static requests reaching the server on the first and on a repeat visit of /today."""
    from playwright.sync_api import sync_playwright

    name, value = cookie.split(";")[0].split("=", 1)

    def static_hits() -> int:
        return sum(1 for line in access_log.read_text().splitlines() if " /static/" in line)

    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=PHONE
        )
        context.add_cookies([{"name": name, "value": value, "url": base}])
        page = context.pages[0] if context.pages else context.new_page()
        before = static_hits()
        page.goto(f"{base}/today")
        deadline = time.monotonic() + 15
        while not page.evaluate("navigator.serviceWorker.controller !== null"):
            if time.monotonic() > deadline:
                raise RuntimeError("the service worker never took control")
            time.sleep(0.1)
        time.sleep(0.5)  # let the precache settle before measuring again
        first = static_hits() - before
        before = static_hits()
        page.goto(f"{base}/today")
        page.wait_for_load_state("load")
        time.sleep(0.5)
        repeat = static_hits() - before
        context.close()
    return first, repeat


def ensure_lighthouse() -> Path:
    binary = LIGHTHOUSE_HOME / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        LIGHTHOUSE_HOME.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=LIGHTHOUSE_HOME,
            check=True,
            capture_output=True,
        )
    return binary


def lighthouse(binary: Path, url: str, cookie: str | None, out: Path) -> dict[str, object]:
    command = [
        str(binary),
        url,
        "--quiet",
        f"--chrome-flags={' '.join(CHROMIUM_ARGS)}",
        "--only-categories=performance,accessibility,best-practices",
        "--form-factor=mobile",
        "--output=json",
        f"--output-path={out}",
    ]
    if cookie:
        command.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    flagged = [
        f"{audit_id}: {audit['title']}"
        for audit_id, audit in report["audits"].items()
        if audit.get("score") is not None
        and audit["score"] < 1
        and audit.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric")
    ]
    return {"scores": scores, "flagged": flagged, "final_url": report.get("finalDisplayedUrl")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's JSON reports here")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        access_log = Path(tmp) / "access.log"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "FOSSA_AUTO_MIGRATE": "1",
            "SECRET_KEY": "bench-only-secret",
            "RATELIMIT_ENABLED": "0",
        }
        server = start_gunicorn(
            env,
            port,
            *("--log-level", "info"),  # access lines are logged at info
            *("--error-logfile", str(Path(tmp) / "error.log")),
            *("--access-logfile", str(access_log)),
        )
        try:
            wait_for(f"{base}/healthz")
            cookie, _token = log_in(base)
            rows = first_load_bytes(base, cookie)
            first, repeat = repeat_visit_static_requests(base, cookie, access_log)
            if os.environ.get("BENCH_DEBUG"):
                print(access_log.read_text()[-3000:])
            reports = {}
            if not args.skip_lighthouse:
                binary = ensure_lighthouse()
                for path, with_cookie in (("/login", None), ("/today", cookie)):
                    out = (args.reports or Path(tmp)) / f"lighthouse{path.replace('/', '-')}.json"
                    reports[path] = lighthouse(binary, base + path, with_cookie, out)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)

    print("First load of /today in Chromium, bytes on the wire (headers + body as sent)")
    print(f"{'file':48} {'encoding':>8} {'wire':>8} {'decoded':>8}")
    for url, encoding, wire, decoded in rows:
        print(f"{url[:48]:48} {encoding:>8} {wire:8d} {decoded:8d}")
    total_wire = sum(r[2] for r in rows)
    total_decoded = sum(r[3] for r in rows)
    verdict = "within" if total_wire <= BUDGET_KB * 1024 else "OVER"
    print(
        f"{'total, ' + str(len(rows)) + ' requests':48} {'':>8} {total_wire:8d} {total_decoded:8d}"
        f"  ({total_wire / 1024:.1f} KB, {verdict} the {BUDGET_KB} KB budget)"
    )
    print()
    print(
        f"Static requests reaching the server: first visit {first}, repeat visit {repeat} "
        "(target 0)"
    )
    for path, report in reports.items():
        scores = report["scores"]
        print()
        print(
            f"Lighthouse {LIGHTHOUSE_VERSION} mobile {path}: performance "
            f"{scores.get('performance')}, accessibility {scores.get('accessibility')}, "
            f"best practices {scores.get('best-practices')} (final URL {report['final_url']})"
        )
        for line in report["flagged"]:
            print(f"  flagged (opportunity or failed audit): {line}")


if __name__ == "__main__":
    main()
