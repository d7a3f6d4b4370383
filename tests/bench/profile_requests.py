"""Where one request's time goes: CPU per request and a cProfile of the hot routes.

Runs the app in this one process through the Flask test client (no server, no
network): a person with 90 days of daily entries, then each route many times.
Prints CPU ms per request (process time, steadier than wall time on a shared
machine) and, with --profile ROUTE, the functions that cost most.

Usage: python tests/bench/profile_requests.py [--requests 300] [--profile /today]
       [--database postgresql://postgres@127.0.0.1:5432/fossa_bench] (its tables are DROPPED)
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_pdf import daily_diary  # noqa: E402
from tests.support import csrf_from  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402

ROUTES = ["/healthz", "/today", "POST /api/entries", "/diary", "/insights", "/export/report.pdf"]


def build(database: str, instance: Path):
    app = create_app(
        {
            "SECRET_KEY": "profile-only",
            "SQLALCHEMY_DATABASE_URI": database,
            "INSTANCE_PATH": str(instance),
            "AUTO_MIGRATE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    client.post(
        "/register",
        data={
            "email": "profile@example.com",
            "password": "a long password",
            "confirm": "a long password",
            "csrf_token": csrf_from(page),
        },
    )
    token = csrf_from(client.get("/account").get_data(as_text=True))
    today = dt.datetime.now(dt.UTC).date()
    shift = (today - dt.timedelta(days=1)) - dt.date(2026, 11, 26)
    for entry in daily_diary(90):
        entry["date"] = (dt.date.fromisoformat(entry["date"]) + shift).isoformat()
        answer = client.post("/api/entries", json=entry, headers={"X-CSRFToken": token})
        assert answer.status_code == 201, answer.get_data(as_text=True)
    return app, client, token, today


def caller(client, token: str, today: dt.date, route: str):
    if route.startswith("POST "):
        counter = iter(range(10**9))

        def post():
            n = next(counter)
            day = today - dt.timedelta(days=100 + n // 40)
            entry = {
                "id": str(uuid.uuid4()),
                "date": day.isoformat(),
                "pain": 4,
                "activity": "running",
                "locations": ["center"],
            }
            return client.post(
                "/api/entries",
                json=entry,
                headers={"X-CSRFToken": token, "Accept-Encoding": "gzip, br"},
            )

        return post
    return lambda: client.get(route, headers={"Accept-Encoding": "gzip, br"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--profile", action="append", default=[])
    parser.add_argument("--database")
    parser.add_argument("--top", type=int, default=35)
    parser.add_argument("--only", action="append", default=[])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        database = args.database or f"sqlite:///{folder}/profile.sqlite3"
        app, client, token, today = build(database, Path(folder))
        for route in args.only or ROUTES:
            call = caller(client, token, today, route)
            count = args.requests if "pdf" not in route and "diary" not in route else 40
            for _ in range(5):
                status = call().status_code
            assert status in (200, 201), (route, status)
            start = time.process_time()
            for _ in range(count):
                call()
            cpu = (time.process_time() - start) * 1000 / count
            print(f"{route:24} {cpu:7.3f} ms CPU per request (status {status})")
            if route in args.profile:
                profile = cProfile.Profile()
                profile.enable()
                for _ in range(count):
                    call()
                profile.disable()
                stats = pstats.Stats(profile).sort_stats("cumulative")
                stats.print_stats(args.top)
                stats.sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
