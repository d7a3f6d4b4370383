"""HTTP throughput, latency and server CPU of Fossa's pages under gunicorn, measured by wrk.

For each database (SQLite always; PostgreSQL when --postgres or BENCH_POSTGRES_URL
names one, whose tables this script DROPS and re-creates), starts gunicorn as the
Procfile does (gunicorn.conf.py), registers a person, gives them 90 days of daily
entries, then loads each route for a fixed time: GET /healthz (the hello-world
baseline served by the same server), GET /today, GET /diary, GET /insights, the
default PDF report and POST /api/entries (a new entry every request, run last so
it does not grow the diary the other pages read).

Prints requests/s, p50 and p99 latency, the ratio of req/s to hello world in the
same run, and the server's CPU per request: user + system time of gunicorn's
processes (from /proc) over the run, divided by the requests wrk completed. On a
shared machine the CPU figure is the steadier one.

Usage: python tests/bench/bench_http.py [--seconds 5] [--connections 8]
       [--postgres postgresql://postgres@127.0.0.1:5432/fossa_bench] [--only sqlite]
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.cookiejar
import json
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

# What a phone's offline queue posts: the quick form's answers with a fresh random v4
# UUID. A day holds at most 50 entries (webapp/diary/store.py ENTRIES_PER_DAY_MAX), so
# the days walk back from 100 days ago, at most 40 entries each (20 per wrk thread),
# before the 90 days the other pages read. The first answer that is not 2xx is printed.
POST_ENTRY_LUA = r"""
local threads = {}
local count = 0
function setup(thread)
  count = count + 1
  thread:set("tag", count)
  table.insert(threads, thread)
end
function init(args)
  math.randomseed(os.time() * 100 + tag)
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local counter = 0
local day0 = os.time({year = YEAR, month = MONTH, day = DAY, hour = 12})
local function uuid4()
  local function hex(n)
    local s = ""
    for _ = 1, n do s = s .. string.format("%x", math.random(0, 15)) end
    return s
  end
  return hex(8) .. "-" .. hex(4) .. "-4" .. hex(3) .. "-" .. string.format("%x", math.random(8, 11))
    .. hex(3) .. "-" .. hex(12)
end
request = function()
  counter = counter + 1
  local day = os.date("!%Y-%m-%d", day0 - 86400 * math.floor((counter - 1) / 20))
  local body = '{"id":"' .. uuid4() .. '","date":"' .. day .. '","pain":4,"side":"left",'
    .. '"locations":["center"],"activity":"running","timing":"during",'
    .. '"swelling":"none","warm_up":true,"notes":"Tight after the hills."}'
  return wrk.format(nil, "/api/entries", nil, body)
end
response = function(status, headers, body)
  if status >= 300 and first_error == nil then
    first_error = status .. " " .. string.sub(body, 1, 300)
  end
end
done = function(summary, latency, requests)
  for _, thread in ipairs(threads) do
    local problem = thread:get("first_error")
    if problem then io.write("first non-2xx answer: " .. problem .. "\n") end
  end
end
"""
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(env: dict[str, str], port: int, *options: str) -> subprocess.Popen:
    """The app under gunicorn as the Procfile runs it (gunicorn.conf.py), on this port."""
    command = [sys.executable, "-m", "gunicorn", "webapp:create_app()", "-c", "gunicorn.conf.py"]
    command += ["--bind", f"127.0.0.1:{port}", *options]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(url: str, seconds: float = 30) -> None:
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


def seed_diary(base: str, cookie: str, token: str, days: int, today: dt.date) -> None:
    """One realistic entry a day for ``days`` days up to yesterday, through the JSON API."""
    sys.path.insert(0, str(ROOT))
    from tests.bench.bench_pdf import daily_diary

    for entry in daily_diary(days):
        shift = (today - dt.timedelta(days=1)) - dt.date(2026, 11, 26)
        entry["date"] = (dt.date.fromisoformat(entry["date"]) + shift).isoformat()
        request = urllib.request.Request(  # noqa: S310 (local server)
            f"{base}/api/entries",
            data=json.dumps(entry).encode(),
            headers={"Cookie": cookie, "X-CSRFToken": token, "Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()  # noqa: S310


def server_cpu_seconds(master: int) -> float:
    """User + system CPU of the gunicorn master and its live workers, in seconds."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def run_wrk(
    url: str, seconds: int, connections: int, headers: list[str], script: str | None, master: int
) -> tuple[float, float, float, int, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script]
    cpu_before = server_cpu_seconds(master)
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    for line in output.splitlines():
        if line.startswith("first non-2xx answer"):
            print(f"{url}: {line}")
    cpu = server_cpu_seconds(master) - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    count = int(re.search(r"(\d+) requests in", output).group(1))

    def latency(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    cpu_ms = cpu * 1000 / count if count else float("nan")
    return rps, latency("50"), latency("99"), int(errors.group(1)) if errors else 0, cpu_ms


def reset_postgres(url: str) -> None:
    """Empty the bench database, creating it first on a machine that lacks it."""
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            server.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def bench_database(label: str, database_url: str, args: argparse.Namespace, tmp: Path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FOSSA_AUTO_MIGRATE": "1",
        "SECRET_KEY": "bench-only-secret",
        "RATELIMIT_ENABLED": "0",
    }
    extra = args.gunicorn.split() if args.gunicorn else []
    server = start_gunicorn(
        env, port, "--log-level", "warning", "--access-logfile", "/dev/null", *extra
    )
    try:
        wait_for(f"{base}/healthz")
        cookie, token = log_in(base)
        today = dt.datetime.now(dt.UTC).date()
        seed_diary(base, cookie, token, args.days, today)
        script = tmp / f"post_entry_{label}.lua"
        first = today - dt.timedelta(days=100)
        script.write_text(
            POST_ENTRY_LUA.replace("YEAR", str(first.year))
            .replace("MONTH", str(first.month))
            .replace("DAY", str(first.day))
        )
        auth = [f"Cookie: {cookie}", "Accept-Encoding: gzip, br"]
        runs = [
            ("GET /healthz (hello world)", f"{base}/healthz", ["Accept-Encoding: gzip, br"], None),
            ("GET /today", f"{base}/today", auth, None),
            ("GET /diary (90 days)", f"{base}/diary", auth, None),
            ("GET /insights", f"{base}/insights", auth, None),
            ("GET /export/report.pdf (90 d)", f"{base}/export/report.pdf", auth, None),
            ("POST /api/entries", base, [*auth, f"X-CSRFToken: {token}"], str(script)),
        ]
        results = []
        for name, url, headers, lua in runs:
            seconds = args.seconds
            results.append(
                (name, *run_wrk(url, seconds, args.connections, headers, lua, server.pid))
            )
        # Hello world again at the end: the machine is shared, the ratio uses the mean.
        again = run_wrk(f"{base}/healthz", args.seconds, args.connections, [], None, server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=15)
    hello = results[0]
    base_rps = (hello[1] + again[0]) / 2
    print()
    print(
        f"{label}: gunicorn.conf.py {args.gunicorn or ''}, "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"{os.cpu_count()} cores, {args.days} days of entries "
        f"(hello world {hello[1]:.0f} then {again[0]:.0f} req/s)"
    )
    print(
        f"{'route':32} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'vs hello':>9} "
        f"{'CPU ms/req':>11} {'non-2xx':>8}"
    )
    for name, rps, p50, p99, errors, cpu in results:
        print(
            f"{name:32} {rps:8.0f} {p50:8.2f} {p99:8.2f} {rps / base_rps:9.2f} "
            f"{cpu:11.2f} {errors:8d}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES_URL"))
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--gunicorn", help='more gunicorn options, e.g. "-k sync"')
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        if args.only in (None, "sqlite"):
            bench_database("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args, tmp)
        if args.only in (None, "postgresql"):
            if not args.postgres:
                print("\nPostgreSQL skipped: pass --postgres URL (its tables are dropped)")
                return
            reset_postgres(args.postgres)
            bench_database("PostgreSQL", args.postgres, args, tmp)


if __name__ == "__main__":
    main()
