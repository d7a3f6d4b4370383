"""The busiest reminder minute: N people all due at once, sent by K worker processes.

Sets up N people spread over zones from Auckland to Los Angeles, each with one
device and a reminder time equal to their local time now, so everyone is due in
the same minute. A local stand-in push service (its own process, aiohttp)
answers every push after L ms and fails a share of the endpoints (split evenly): 404 and 410
(gone for good: the device is forgotten, not sent), 500 and a timeout on the
first attempt (sent on a retry). The clock enqueues; K worker processes
(``flask reminders worker``) claim batches and push them through the real queue:
Redis (db 7, or --queue-url) with PostgreSQL, a SqliteHuey file with SQLite.

Measured:
- the quiet minute: the clock's tick with nobody due, N people in the table;
- the busy minute: from the first tick until the last push the service took.
It counts from the stand-in's side: each person's reminder taken once (sent),
more than once (duplicates) or not at all when it should have been (lost).

Uses PostgreSQL when TEST_DATABASE_URL is set (its tables are dropped and made
again: give it a database of its own), SQLite otherwise.

Usage: python tests/bench/bench_reminders.py --people 20000 --latency-ms 100 [--workers 2]
Ends with one line:
RESULT people=N due=D sent=S duplicates=X lost=Y seconds=T pushes_per_s=R quiet_minute_ms=Q
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
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
PUSH_HOST = "push.bench.test"
PUSH_TIMEOUT = 5.0  # the production default (REMINDER_PUSH_TIMEOUT)
# kinds of endpoint, by share of the people (the rest answer 201)
FAILING = ("g404", "g410", "e500", "slow")


# -- the stand-in push service (its own process) ---------------------------------------


def serve_receiver(port_queue: multiprocessing.Queue, latency: float) -> None:
    """A minimal HTTP/1.1 keep-alive server on asyncio's protocol layer.

    Lighter than a full web framework, so that on a 2-core machine the stand-in
    takes as little CPU as it can from the senders it measures.
    """
    delivered: dict[str, int] = {}
    attempts: dict[str, int] = {}
    # reply_lag: how much later than L ms its own loop got to answer (it shares the cores)
    state = {"last": 0.0, "requests": 0, "connections": 0, "reply_lag": 0.0}
    responses = {
        status: f"HTTP/1.1 {status} X\r\nContent-Length: 0\r\n\r\n".encode()
        for status in (201, 404, 410, 500)
    }

    def answer(path: str) -> tuple[int, float]:
        """(status, seconds to wait) for a push to ``path``; counts deliveries."""
        _, kind, person = path.split("/", 2)
        state["requests"] += 1
        tries = attempts[person] = attempts.get(person, 0) + 1
        if kind == "slow" and tries == 1:
            return 201, PUSH_TIMEOUT * 3  # longer than the sender waits: not taken
        if kind in ("g404", "g410"):
            return int(kind[1:]), latency
        if kind == "e500" and tries == 1:
            return 500, latency
        delivered[person] = delivered.get(person, 0) + 1
        state["last"] = time.time()
        return 201, latency

    def stats_body() -> bytes:
        body = json.dumps(
            {
                "unique": len(delivered),
                "pushes": sum(delivered.values()),
                "duplicates": sum(count - 1 for count in delivered.values()),
                "requests": state["requests"],
                "connections": state["connections"],
                "reply_lag": state["reply_lag"],
                "last": state["last"],
            }
        ).encode()
        return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)

    class Push(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            state["connections"] += 1
            self.transport = transport
            self.buffer = b""

        def data_received(self, data: bytes) -> None:
            self.buffer += data
            while True:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = self.buffer[:end].decode("latin-1")
                length = 0
                for line in head.split("\r\n")[1:]:
                    name, _, value = line.partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                if len(self.buffer) < end + 4 + length:
                    return
                self.buffer = self.buffer[end + 4 + length :]
                method, path = head.split(" ", 2)[:2]
                loop = asyncio.get_running_loop()
                if method == "GET":
                    self.transport.write(stats_body())  # type: ignore[attr-defined]
                    continue
                status, wait = answer(path)
                loop.call_later(wait, self._reply, responses[status], loop.time() + wait)

        def _reply(self, response: bytes, due: float) -> None:
            state["reply_lag"] = max(state["reply_lag"], asyncio.get_running_loop().time() - due)
            if not self.transport.is_closing():
                self.transport.write(response)  # type: ignore[attr-defined]

    async def main() -> None:
        loop = asyncio.get_running_loop()
        server = await loop.create_server(Push, "127.0.0.1", 0, backlog=4096)
        port_queue.put(server.sockets[0].getsockname()[1])
        await asyncio.Event().wait()

    asyncio.run(main())


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process and of its living descendants (a worker's job processes)."""
    total = cpu_seconds(pid)
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            try:
                total += tree_cpu_seconds(int(child))
            except (FileNotFoundError, ProcessLookupError):
                continue  # ended meanwhile
    return total


def wait_for_consumers(logs: list[Path], seconds: float = 120) -> None:
    """Until every worker's Huey consumer has started (imports and connections done)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if all(b"consumer started" in path.read_bytes() for path in logs):
            time.sleep(1.0)  # its job processes or threads start right after
            return
        time.sleep(0.2)
    raise SystemExit("the workers did not start; see " + ", ".join(map(str, logs)))


def receiver_stats(port: int) -> dict:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/stats", timeout=30) as response:
        return json.load(response)


# -- the bench -------------------------------------------------------------------------


def kind_of(n: int, share: float) -> str:
    """Person ``n``'s kind of endpoint: ``share`` of all people fail, split evenly over FAILING.

    (Until this session a share of 0.04 made 4 % fail in EACH way, 16 % in all,
    against its help text; runs before then are not comparable.)
    """
    step = int(round(len(FAILING) / share)) if share > 0 else 0
    if step and n % step < len(FAILING):
        return FAILING[n % step]
    return "ok"


def encryption_figures(repeat: int = 2000) -> tuple[float, float]:
    """CPU µs per payload encryption: (Fossa's encrypt_payload, pywebpush's WebPusher.encode)."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from pywebpush import WebPusher

    from tests.web.reminders_support import BrowserKeys, b64url
    from webapp.reminders.batches import reminder_message
    from webapp.reminders.encryption import encrypt_payload

    keys = BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
    auth = b64url(keys.auth_secret)
    data = json.dumps(reminder_message(dt.date.today()), separators=(",", ":")).encode()
    subscription = {
        "endpoint": f"https://{PUSH_HOST}/x",
        "keys": {"p256dh": keys.p256dh, "auth": auth},
    }
    started = time.process_time()
    for _ in range(repeat):
        encrypt_payload(data, keys.p256dh, auth)
    ours = (time.process_time() - started) / repeat * 1e6
    started = time.process_time()
    for _ in range(repeat):
        WebPusher(subscription).encode(data, "aes128gcm")
    theirs = (time.process_time() - started) / repeat * 1e6
    return ours, theirs


def make_people(app, people: int, share: float, now: dt.datetime) -> dict[str, int]:  # noqa: ANN001
    """Bulk-insert everyone (Core executemany): users, due settings, one device each."""
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.web.reminders_support import BrowserKeys, b64url
    from webapp.extensions import db
    from webapp.models import PushSubscription, ReminderSettings, User
    from webapp.reminders.due_times import next_due_at
    from webapp.reminders.schedule import ReminderRule, zone_or_utc

    # One browser key pair for everyone: making 100k P-256 keys is not what is
    # measured; the server still encrypts each push with a fresh ephemeral key.
    keys = BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
    kinds: dict[str, int] = {}
    created = dt.datetime.now(dt.UTC)
    chunk = 5000
    for start in range(0, people, chunk):
        numbers = range(start, min(people, start + chunk))
        users, settings, devices = [], [], []
        for n in numbers:
            zone = ZONES[n % len(ZONES)]
            local = now.astimezone(zone_or_utc(zone))
            at = dt.time(local.hour, local.minute)
            kind = kind_of(n, share)
            kinds[kind] = kinds.get(kind, 0) + 1
            users.append(
                {
                    "id": n + 1,
                    "email": f"p{n}@bench.invalid",
                    "password_hash": "x",
                    "session_id": secrets.token_urlsafe(24),
                    "timezone": zone,
                    "created_at": created,
                }
            )
            settings.append(
                {
                    "user_id": n + 1,
                    "enabled": True,
                    "local_time": at,
                    "days_mask": 127,
                    "skip_if_logged": True,
                    "updated_at": created,
                    "push_attempts": 0,
                    "next_due_at": next_due_at(ReminderRule(zone, at, 127, None), now),
                }
            )
            devices.append(
                {
                    "id": n + 1,
                    "user_id": n + 1,
                    "endpoint": f"https://{PUSH_HOST}/{kind}/{n + 1}",
                    "p256dh": keys.p256dh,
                    "auth": b64url(keys.auth_secret),
                    "created_at": created,
                }
            )
        db.session.execute(User.__table__.insert(), users)
        db.session.execute(ReminderSettings.__table__.insert(), settings)
        db.session.execute(PushSubscription.__table__.insert(), devices)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("user", "push_subscription"):
            db.session.execute(
                db.text(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), {people + 1})")
            )
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
    return kinds


def quiet_minute_ms(queue, app, now: dt.datetime, repeat: int = 7) -> float:  # noqa: ANN001
    """The clock's tick when nobody is due: median of ``repeat``, in ms."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        jobs = queue.tick(now)
        times.append((time.perf_counter() - started) * 1000)
        assert jobs == 0, "the quiet minute found someone due"
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--processes", type=int, default=1, help="job processes per worker")
    parser.add_argument("--threads", type=int, default=1, help="job threads per worker process")
    parser.add_argument(
        "--fail-share", type=float, default=0.04, help="share failing, split over the 4 kinds"
    )
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument(
        "--concurrency", type=int, default=500, help="pushes in flight per job (the default)"
    )
    parser.add_argument("--queue-url", default=None)
    parser.add_argument("--timeout", type=float, default=900, help="give up after (s)")
    args = parser.parse_args()

    from tests.web.reminders_support import make_vapid_private_key
    from webapp import create_app
    from webapp.config import normalise_database_url
    from webapp.extensions import db
    from webapp.reminders.queue import reminder_queue

    context = multiprocessing.get_context("spawn")
    port_queue = context.Queue()
    receiver = context.Process(
        target=serve_receiver, args=(port_queue, args.latency_ms / 1000), daemon=True
    )
    receiver.start()
    port = port_queue.get(timeout=30)

    workdir = Path(tempfile.mkdtemp(prefix="fossa-bench-"))
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir / 'bench.sqlite3'}"
    postgres = database_url.startswith("postgres")
    queue_url = args.queue_url or (
        "redis://127.0.0.1:6379/7" if postgres else f"sqlite:///{workdir / 'queue.sqlite3'}"
    )
    private_pem, public = make_vapid_private_key()
    settings = {
        "SECRET_KEY": "bench",
        "PUSH_ALLOWED_ORIGINS": f"https://{PUSH_HOST}",
        "PUSH_DEV_ROUTES": f"{PUSH_HOST}=http://127.0.0.1:{port}",
        "VAPID_PRIVATE_KEY": private_pem,
        "VAPID_PUBLIC_KEY": public,
        "REMINDER_QUEUE_URL": queue_url,
        "REMINDER_BATCH_SIZE": str(args.batch),
        "REMINDER_PUSH_CONCURRENCY": str(args.concurrency),
        "REMINDER_PUSH_TIMEOUT": str(PUSH_TIMEOUT),
        "REMINDER_RETRY_BASE": "1",
        "RATELIMIT_ENABLED": "0",
    }
    app = create_app(
        {
            **settings,
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
            "INSTANCE_PATH": str(workdir / "instance"),
            "AUTO_MIGRATE": False,
            "REMINDER_BATCH_SIZE": args.batch,
        }
    )
    queue = reminder_queue(app)
    if queue_url.startswith("redis"):
        queue.huey.storage.flush_all()

    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    with app.app_context():
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        kinds = make_people(app, args.people, args.fail_share, now)
        made = time.perf_counter() - started
        db.session.remove()
    should_send = args.people - kinds.get("g404", 0) - kinds.get("g410", 0)
    print(f"database: {'PostgreSQL' if postgres else 'SQLite'}; queue: {queue_url.split(':')[0]}")
    print(f"people: {args.people} in {len(ZONES)} zones, made in {made:.1f}s; endpoints {kinds}")
    ours, theirs = encryption_figures()
    print(f"encryption: {ours:.0f} µs CPU per push (pywebpush would take {theirs:.0f} µs)")
    print(
        f"workers: {args.workers} × {args.processes} process(es) × {args.threads} thread(s), "
        f"batches of {args.batch}, "
        f"{args.concurrency} pushes in flight per job; push service latency {args.latency_ms} ms"
    )
    quiet_before = quiet_minute_ms(queue, app, now - dt.timedelta(minutes=1))
    print(f"quiet minute before (nobody due yet): {quiet_before:.1f} ms")

    env = {
        **os.environ,
        **settings,
        "DATABASE_URL": database_url,
        "FOSSA_AUTO_MIGRATE": "0",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("FOSSA_ENV", None)
    logs = [open(workdir / f"worker{k}.log", "wb") for k in range(args.workers)]  # noqa: SIM115
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "webapp",
                "reminders",
                "worker",
                "--processes",
                str(args.processes),
                "--threads",
                str(args.threads),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        for log in logs
    ]
    wait_for_consumers([workdir / f"worker{k}.log" for k in range(args.workers)])
    # What start-up cost (imports, the app, connections) is not a push's.
    cpu_at_start = sum(tree_cpu_seconds(worker.pid) for worker in workers)
    started = time.time()
    jobs = queue.tick()
    print(f"tick: {jobs} batch jobs enqueued in {time.time() - started:.2f}s")
    last_tick = time.time()
    stats = receiver_stats(port)
    while stats["unique"] < should_send and time.time() - started < args.timeout:
        time.sleep(0.5)
        if time.time() - last_tick >= 60:  # the clock's next minute
            queue.tick()
            last_tick = time.time()
        stats = receiver_stats(port)
    time.sleep(1.0)  # let any straggling repeat arrive before counting
    stats = receiver_stats(port)
    cpu = sum(tree_cpu_seconds(worker.pid) for worker in workers) - cpu_at_start
    receiver_cpu = cpu_seconds(receiver.pid)  # type: ignore[arg-type]
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.wait(timeout=30)
    for log in logs:
        log.close()

    seconds = max(0.001, (stats["last"] or time.time()) - started)
    with app.app_context():
        from webapp.reminders.batches import count_due

        left_due = count_due(dt.datetime.now(dt.UTC))
        db.session.remove()
    quiet_after = quiet_minute_ms(queue, app, dt.datetime.now(dt.UTC))
    print(f"quiet minute after (everyone done): {quiet_after:.1f} ms; still due: {left_due}")
    lost = should_send - stats["unique"]
    print(
        f"push service: {stats['requests']} requests, {stats['pushes']} pushes taken "
        f"({stats['unique']} people), should have sent {should_send}"
    )
    if lost:
        print(f"worker log tail:\n{(workdir / 'worker0.log').read_text()[-2000:]}")
    print(
        f"CPU: workers {cpu:.1f}s after start-up ({cpu / max(1, stats['requests']) * 1000:.3f} "
        f"ms per push request, {cpu / seconds:.2f} cores), stand-in push service "
        f"{receiver_cpu:.1f}s over {stats['connections']} connections, answers at most "
        f"{stats['reply_lag'] * 1000:.0f} ms late; load average now "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine)"
    )
    quiet = max(quiet_before, quiet_after)
    print(
        f"RESULT people={args.people} due={args.people} sent={stats['unique']} "
        f"duplicates={stats['duplicates']} lost={lost} seconds={seconds:.1f} "
        f"pushes_per_s={stats['pushes'] / seconds:.0f} quiet_minute_ms={quiet:.1f}"
    )
    receiver.terminate()


if __name__ == "__main__":
    main()
