"""How long `send-due` takes: a quiet minute (nobody due) and a busy one (everyone due).

Makes N people spread over zones from Auckland to Los Angeles, each with reminders on
and one device whose endpoint is a fast local stand-in push service (it answers
201 without decrypting). Then times, on the chosen database:
- the quiet run: candidates read, due decided, nothing claimed;
- the busy run: every person claimed, encrypted (aes128gcm), signed (VAPID) and posted;
- the repeat run right after: everything already claimed.
Prints seconds per run and pushes per second.

Usage: python tests/bench/bench_reminders.py [--people 2000] [--database-url URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

ZONES = [
    "Pacific/Auckland",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
]


class FastPushService(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--database-url", default=None, help="default: a throwaway SQLite file")
    args = parser.parse_args()

    from tests.web.reminders_support import BrowserKeys, b64url, make_vapid_private_key

    server = ThreadingHTTPServer(("127.0.0.1", 0), FastPushService)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_port}"
    private_pem, public = make_vapid_private_key()

    workdir = Path(tempfile.mkdtemp(prefix="fossa-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("SECRET_KEY", "bench")

    from cryptography.hazmat.primitives.asymmetric import ec

    from webapp import create_app
    from webapp.config import normalise_database_url
    from webapp.extensions import db
    from webapp.models import PushSubscription, ReminderSettings, User
    from webapp.reminders.delivery import send_due_reminders

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
            "INSTANCE_PATH": str(workdir / "instance"),
            "AUTO_MIGRATE": False,
            "PUSH_ALLOWED_ORIGINS": origin,
            "VAPID_PRIVATE_KEY": private_pem,
            "VAPID_PUBLIC_KEY": public,
            "REMINDER_PUSH_BACKOFF": 0,
        }
    )
    # One browser key pair for everyone: making 10k P-256 keys is not what is measured.
    keys = BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        for n in range(args.people):
            user = User(email=f"p{n}@bench.invalid", password_hash="x", timezone=ZONES[n % 7])
            db.session.add(user)
            db.session.flush()
            db.session.add(
                ReminderSettings(user_id=user.id, enabled=True, local_time=dt.time(20, 0))
            )
            db.session.add(
                PushSubscription(
                    user_id=user.id,
                    endpoint=f"{origin}/push/{n}",
                    p256dh=keys.p256dh,
                    auth=b64url(keys.auth_secret),
                )
            )
        db.session.commit()
        made = time.perf_counter() - started
        print(f"people: {args.people} in {len(ZONES)} zones ({made:.1f}s to make)")
        print(f"database: {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}")

        # The clock process over 36 hours, one run every 5 minutes: each zone's 20:00
        # comes once or twice; most runs find nobody due.
        now = dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)
        quiet: list[float] = []
        busy: list[tuple[float, int]] = []
        for _ in range(36 * 12):
            started = time.perf_counter()
            report = send_due_reminders(now)
            seconds = time.perf_counter() - started
            (busy.append((seconds, report.pushes)) if report.pushes else quiet.append(seconds))
            now += dt.timedelta(minutes=5)
        quiet.sort()
        pushes = sum(count for _s, count in busy)
        busy_seconds = sum(seconds for seconds, _c in busy)
        print(f"runs: {len(quiet) + len(busy)} ({len(busy)} with pushes)")
        print(
            f"quiet run (nobody due): median {quiet[len(quiet) // 2] * 1000:.1f} ms, "
            f"slowest {quiet[-1] * 1000:.1f} ms"
        )
        print(
            f"busy runs: {pushes} pushes in {busy_seconds:.2f}s = "
            f"{pushes / busy_seconds:.0f} pushes/s (8 threads, local push service); "
            f"slowest run {max(seconds for seconds, _c in busy):.2f}s"
        )
        # Independently: how many 20:00s fell inside the window, person by person.
        from zoneinfo import ZoneInfo

        end = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)
        expected = 0
        for n in range(args.people):
            zone = ZoneInfo(ZONES[n % 7])
            for offset in range(-1, 3):
                day = dt.date(2026, 11, 26) + dt.timedelta(days=offset)
                moment = dt.datetime.combine(day, dt.time(20), tzinfo=zone)
                start = dt.datetime(2026, 11, 26, 0, 0, tzinfo=dt.UTC)
                expected += start <= moment < end
        print(f"pushes: {pushes}, expected {expected} (each person once per local day)")
        db.session.remove()
        if not args.database_url:
            db.engine.dispose()
    server.shutdown()


if __name__ == "__main__":
    main()
