"""HTTP throughput and latency of the log's hot paths under gunicorn, measured by wrk.

Starts gunicorn (2 workers) on a throwaway SQLite database, logs a person in, and
loads, each for a fixed time: GET /healthz (a hello-world baseline served by the
same server), GET /today and POST /api/entries (a new entry every request).
Prints requests/s, p50 and p99 latency, and each figure's ratio to hello-world.

Usage: python tests/bench/bench_http.py [--seconds 10] [--connections 8]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

POST_ENTRY_LUA = r"""
-- Each thread gets its own number so every request posts a new entry id.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tag", threads)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
request = function()
  counter = counter + 1
  local id = string.format("%08x-0000-4000-8000-%012d", counter, tag)
  local body = '{"id":"' .. id .. '","date":"2026-11-20","pain":4,'
    .. '"activity":"running","locations":["center"]}'
  return wrk.format(nil, "/api/entries", nil, body)
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, *options: str) -> subprocess.Popen:
    """The app under gunicorn with 2 workers, as the Procfile runs it."""
    command = [sys.executable, "-m", "gunicorn", "webapp:create_app()", "--workers", "2"]
    command += ["--bind", f"127.0.0.1:{port}", *options]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()  # noqa: S310 (local server)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not answer at {url}")


def log_in(base: str) -> tuple[str, str]:
    """Register a person; return the session cookie header and a CSRF token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/register").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {
            "email": "bench@example.com",
            "password": "a long password",
            "confirm": "a long password",
            "csrf_token": token,
        }
    ).encode()
    today = opener.open(f"{base}/register", data=form).read().decode()
    api_token = re.search(r'"X-CSRFToken": "([^"]+)"', today).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, api_token


def run_wrk(url: str, seconds: int, connections: int, headers: list[str], script: str | None):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return rps, latency("50"), latency("99"), int(errors.group(1)) if errors else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "FOSSA_AUTO_MIGRATE": "1",
            "SECRET_KEY": "bench-only-secret",
            "RATELIMIT_ENABLED": "0",
        }
        server = start_gunicorn(env, port, "--log-level", "warning")
        try:
            wait_for(f"{base}/healthz")
            cookie, token = log_in(base)
            script = Path(tmp) / "post_entry.lua"
            script.write_text(POST_ENTRY_LUA)
            auth = [f"Cookie: {cookie}"]
            runs = [
                ("GET /healthz (hello world)", f"{base}/healthz", [], None),
                ("GET /today", f"{base}/today", auth, None),
                ("POST /api/entries", base, [*auth, f"X-CSRFToken: {token}"], str(script)),
            ]
            results = [
                (name, *run_wrk(url, args.seconds, args.connections, h, s))
                for name, url, h, s in runs
            ]
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=10)

    base_rps = results[0][1]
    print(
        f"gunicorn 2 workers, SQLite, wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'route':30} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9} {'non-2xx':>8}")
    for name, rps, p50, p99, errors in results:
        print(f"{name:30} {rps:9.0f} {p50:8.2f} {p99:8.2f} {rps / base_rps:9.2f} {errors:8d}")


if __name__ == "__main__":
    main()
