"""Reminders at scale: next_due_at kept on every change (DST included), the quiet
minute's index scan, the queue (immediate and a real SqliteHuey with worker
processes, several clocks, a worker killed mid-batch), endpoint takeover, the
calendar UID, and SSRF checks at send time."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import AuthActions, create_user
from tests.web.reminders_support import (
    PushReceiver,
    reminders_app,
    reminders_overrides,
    running_receiver,
    set_up_person,
)
from webapp.extensions import db
from webapp.models import PushSubscription, ReminderSettings, User
from webapp.reminders import batches, due_times
from webapp.reminders.delivery import push_sender, send_due_reminders
from webapp.reminders.queue import reminder_queue

PROJECT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


@pytest.fixture(scope="module")
def receiver() -> Iterator[PushReceiver]:
    with running_receiver() as server:
        yield server


@pytest.fixture
def app(database_uri: str, tmp_path: Any, receiver: PushReceiver) -> Iterator[Flask]:
    receiver.delay, receiver.on_request = 0.0, None
    yield from reminders_app(database_uri, tmp_path / "instance", receiver)
    due_times.set_clock(None)


def at(moment: dt.datetime) -> None:
    due_times.set_clock(moment)


def next_due(app: Flask, user_id: int) -> dt.datetime | None:
    with app.app_context():
        value = db.session.get(ReminderSettings, user_id).next_due_at
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def put(client: FlaskClient, auth: AuthActions, **changes: Any) -> None:
    body = {
        "enabled": True,
        "time": "20:00",
        "timezone": "Europe/Berlin",
        "days": [0, 1, 2, 3, 4, 5, 6],
        "skip_if_logged": True,
        **changes,
    }
    response = client.put("/api/reminder", json=body, headers=auth.headers)
    assert response.status_code == 200, response.get_json()


def person(
    app: Flask, receiver: PushReceiver, email: str, zone: str = "UTC", time_of_day: str = "00:00"
) -> tuple[User, dict]:
    return set_up_person(app, receiver, email, zone=zone, time=time_of_day)


# -- next_due_at follows settings, timezone and DST --------------------------------------


def test_next_due_at_follows_each_settings_change_across_the_spring_change(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User
) -> None:
    # Saturday 28 March 2026, noon UTC; Berlin is on CET (+1) until Sunday 01:00 UTC.
    at(dt.datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    put(client, logged_in)
    assert next_due(app, user.id) == dt.datetime(2026, 3, 28, 19, 0, tzinfo=UTC)
    # Sundays only: the first one is after the change, on CEST (+2)
    put(client, logged_in, days=[6])
    assert next_due(app, user.id) == dt.datetime(2026, 3, 29, 18, 0, tzinfo=UTC)
    # a time inside the skipped hour lands after it, as alarm clocks do
    put(client, logged_in, days=[6], time="02:30")
    assert next_due(app, user.id) == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    # changed on Sunday after the change: today's 20:00 CEST
    at(dt.datetime(2026, 3, 29, 10, 0, tzinfo=UTC))
    put(client, logged_in, days=[6], time="20:00")
    assert next_due(app, user.id) == dt.datetime(2026, 3, 29, 18, 0, tzinfo=UTC)
    # off: nothing to scan; on again: back
    put(client, logged_in, enabled=False)
    assert next_due(app, user.id) is None
    put(client, logged_in, days=[6])
    assert next_due(app, user.id) == dt.datetime(2026, 3, 29, 18, 0, tzinfo=UTC)


def test_next_due_at_across_the_autumn_change_and_after_a_claim(
    app: Flask, receiver: PushReceiver
) -> None:
    # Saturday 24 October 2026: 20:00 CEST is 18:00 UTC; Sunday 25th is on CET.
    at(dt.datetime(2026, 10, 24, 9, 0, tzinfo=UTC))
    user, subscription = person(app, receiver, "autumn@example.com", "Europe/Berlin", "20:00")
    assert next_due(app, user.id) == dt.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)
    with app.app_context():
        assert send_due_reminders(dt.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)).sent == 1
    # the claim moved it to the next local day, with that day's offset
    assert next_due(app, user.id) == dt.datetime(2026, 10, 25, 19, 0, tzinfo=UTC)
    with app.app_context():
        assert send_due_reminders(dt.datetime(2026, 10, 25, 18, 0, tzinfo=UTC)).claimed == 0
        assert send_due_reminders(dt.datetime(2026, 10, 25, 19, 0, tzinfo=UTC)).sent == 1
    assert [m["day"] for m in receiver.messages_for(subscription)] == ["2026-10-24", "2026-10-25"]


def test_changing_the_time_after_todays_reminder_does_not_send_it_again(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User, receiver: PushReceiver
) -> None:
    at(dt.datetime(2026, 10, 24, 9, 0, tzinfo=UTC))
    put(client, logged_in)
    client.post("/api/push/subscriptions", json=receiver.subscription(), headers=logged_in.headers)
    with app.app_context():
        assert send_due_reminders(dt.datetime(2026, 10, 24, 18, 0, tzinfo=UTC)).sent == 1
    at(dt.datetime(2026, 10, 24, 18, 30, tzinfo=UTC))
    put(client, logged_in, time="20:45")  # later the same evening
    assert next_due(app, user.id) == dt.datetime(2026, 10, 25, 19, 45, tzinfo=UTC)


def test_a_timezone_change_anywhere_moves_next_due_at(app: Flask, receiver: PushReceiver) -> None:
    at(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    user, _subscription = person(app, receiver, "mover@example.com", "Europe/Berlin", "20:00")
    assert next_due(app, user.id) == dt.datetime(2026, 11, 26, 19, 0, tzinfo=UTC)
    with app.app_context():  # as registration or login would set it
        db.session.get(User, user.id).timezone = "Pacific/Auckland"
        db.session.commit()
    # 09:00 UTC is 22:00 in Auckland: today's 20:00 has passed unsent, so due now
    assert next_due(app, user.id) == dt.datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    with app.app_context():
        db.session.get(User, user.id).timezone = "America/Los_Angeles"
        db.session.commit()
    assert next_due(app, user.id) == dt.datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


def test_a_device_added_later_that_evening_still_gets_todays_reminder(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User, receiver: PushReceiver
) -> None:
    at(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    put(client, logged_in)
    with app.app_context():
        report = send_due_reminders(dt.datetime(2026, 11, 26, 19, 0, tzinfo=UTC))
    assert (report.claimed, report.no_device, report.sent) == (1, 1, 0)
    at(dt.datetime(2026, 11, 26, 20, 30, tzinfo=UTC))
    subscription = receiver.subscription()
    client.post("/api/push/subscriptions", json=subscription, headers=logged_in.headers)
    with app.app_context():
        assert send_due_reminders(dt.datetime(2026, 11, 26, 20, 31, tzinfo=UTC)).sent == 1
    assert [m["day"] for m in receiver.messages_for(subscription)] == ["2026-11-26"]


def test_a_quiet_minute_is_one_index_range_scan(app: Flask, receiver: PushReceiver) -> None:
    for n in range(5):
        person(app, receiver, f"quiet{n}@example.com")
    with app.app_context():
        statement = batches.first_due_statement(dt.datetime(2000, 1, 1, tzinfo=UTC))
        sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
        if db.engine.dialect.name == "postgresql":
            db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
            plan = " ".join(row[0] for row in db.session.execute(db.text("EXPLAIN " + sql)))
        else:
            rows = db.session.execute(db.text("EXPLAIN QUERY PLAN " + sql))
            plan = " ".join(str(row[-1]) for row in rows)
        db.session.rollback()
        assert "ix_reminder_settings_next_due_at" in plan, plan
        assert batches.count_due(dt.datetime(2000, 1, 1, tzinfo=UTC)) == 0


# -- the queue -------------------------------------------------------------------------


def test_immediate_queue_sends_in_the_clocks_process(app: Flask, receiver: PushReceiver) -> None:
    """The embedded default: no REMINDER_QUEUE_URL, one process, the tick sends."""
    app.config.update(REMINDER_BATCH_SIZE=4, REMINDER_BATCHES_PER_JOB=1)
    people = [person(app, receiver, f"now{n}@example.com") for n in range(10)]
    queue = reminder_queue(app)
    assert queue.immediate
    assert queue.tick() == 3  # 10 due, batches of 4
    for _user, subscription in people:
        assert len(receiver.messages_for(subscription)) == 1
    assert queue.tick() == 0


def _worker(
    database_uri: str, queue_url: str, receiver: PushReceiver, log: Path, processes: int = 1
) -> subprocess.Popen:
    overrides = reminders_overrides(receiver)
    env = {
        **os.environ,
        "DATABASE_URL": database_uri,
        "FOSSA_AUTO_MIGRATE": "0",
        "SECRET_KEY": "test-secret-key",
        "RATELIMIT_ENABLED": "0",
        "REMINDER_QUEUE_URL": queue_url,
        "REMINDER_BATCH_SIZE": "10",
        "REMINDER_BATCHES_IN_FLIGHT": "1",
        "REMINDER_CLAIM_LEASE": "3",
        "REMINDER_RETRY_BASE": "1",
        **{name: str(overrides[name]) for name in overrides if name.startswith(("PUSH", "VAPID"))},
    }
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "webapp",
                "reminders",
                "worker",
                "--processes",
                str(processes),
                "--threads",
                "2",
            ],
            cwd=PROJECT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _redis_url() -> str | None:
    """TEST_REDIS_URL (CI sets it), else this machine's Redis db 6 when one answers."""
    url = os.environ.get("TEST_REDIS_URL") or "redis://127.0.0.1:6379/6"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except Exception:
        if os.environ.get("TEST_REDIS_URL") or os.environ.get("CI"):
            raise
        return None
    return url


@pytest.fixture(params=["sqlite", "redis"])
def queue_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The real queues: a SqliteHuey file, and RedisHuey as production runs it."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'queue.sqlite3'}"
        return
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis here (CI always has one)")
    from webapp.reminders.queue import _make_huey

    _make_huey(url).storage.flush_all()  # only the queue's own keys
    yield url
    _make_huey(url).storage.flush_all()


def test_workers_and_clocks_send_once_even_when_a_worker_is_killed_mid_batch(
    app: Flask, receiver: PushReceiver, database_uri: str, tmp_path: Path, queue_url: str
) -> None:
    """Two worker processes, two clocks ticking at once, SIGKILL to one worker mid-batch.

    The killed worker's claimed batch comes back when its lease ends and is sent
    by the other. A push the push service had already taken when the worker died
    is the one case that can repeat (the worker never learnt it was delivered):
    at most the killed worker's pushes in flight: here 2 threads × 1 batch in flight
    × 10 reminders per batch.
    """
    app.config.update(REMINDER_QUEUE_URL=queue_url, REMINDER_BATCH_SIZE=10)
    people = [person(app, receiver, f"k{n}@example.com") for n in range(80)]
    receiver.delay = 0.05
    victim = _worker(database_uri, queue_url, receiver, tmp_path / "victim.log")
    survivor: subprocess.Popen | None = None
    killed = threading.Event()

    def kill_once(requests_so_far: int) -> None:
        if requests_so_far >= 15 and not killed.is_set():
            killed.set()
            victim.send_signal(signal.SIGKILL)

    receiver.on_request = kill_once
    try:
        clocks = [threading.Thread(target=reminder_queue(app).tick) for _ in range(2)]
        for clock in clocks:
            clock.start()
        for clock in clocks:
            clock.join()
        assert _wait_for(killed.is_set, 30), "the first worker never sent"
        victim.wait(timeout=10)
        survivor = _worker(database_uri, queue_url, receiver, tmp_path / "survivor.log")

        def all_delivered() -> bool:
            reminder_queue(app).tick()  # the clock's minute, sped up
            with app.app_context():
                held = db.session.scalar(
                    db.select(db.func.count()).where(ReminderSettings.claim_token.is_not(None))
                )
                db.session.remove()
            # every push arrived, and the worker wrote its results
            return held == 0 and all(receiver.messages_for(sub) for _user, sub in people)

        logs = tmp_path / "survivor.log"
        assert _wait_for(all_delivered, 60), logs.read_text()[-3000:]
    finally:
        receiver.on_request = None
        for process in (victim, survivor):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=20)
    assert victim.returncode == -signal.SIGKILL
    assert receiver.rejected == []
    counts = Counter(len(receiver.messages_for(sub)) for _user, sub in people)
    assert set(counts) <= {1, 2}
    # only pushes in flight in the killed worker: 2 threads × a batch of 10
    assert counts[2] <= 20, counts
    with app.app_context():
        assert batches.count_due(dt.datetime.now(UTC)) == 0
        claims = db.session.scalars(db.select(ReminderSettings.claim_token)).all()
        assert claims == [None] * 80


def _children(pid: int) -> list[int]:
    return [
        int(child)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc (Linux)")
def test_a_worker_with_job_processes_sends_once_when_one_process_is_killed(
    app: Flask, receiver: PushReceiver, database_uri: str, tmp_path: Path, queue_url: str
) -> None:
    """``worker --processes 2``, as the Procfile runs it; one job process SIGKILLed mid-batch.

    The other process goes on; the killed one's claimed batch comes back when its
    lease ends. A repeat is possible only for the killed process's pushes in
    flight (one batch of 10).
    """
    app.config.update(REMINDER_QUEUE_URL=queue_url, REMINDER_BATCH_SIZE=10)
    people = [person(app, receiver, f"p{n}@example.com") for n in range(60)]
    receiver.delay = 0.05
    log = tmp_path / "worker.log"
    worker = _worker(database_uri, queue_url, receiver, log, processes=2)
    killed: list[int] = []

    def kill_one_job_process(requests_so_far: int) -> None:
        if requests_so_far >= 12 and not killed:
            # Huey forks its scheduler first, then the job processes.
            victim = sorted(_children(worker.pid))[1]
            killed.append(victim)
            os.kill(victim, signal.SIGKILL)

    try:
        # the scheduler and two job processes
        assert _wait_for(lambda: len(_children(worker.pid)) == 3, 60), log.read_text()[-3000:]
        receiver.on_request = kill_one_job_process
        queue = reminder_queue(app)
        for _ in range(2):  # two jobs, one for each process
            queue.send_batch()

        def all_delivered() -> bool:
            queue.tick()
            with app.app_context():
                held = db.session.scalar(
                    db.select(db.func.count()).where(ReminderSettings.claim_token.is_not(None))
                )
                db.session.remove()
            return held == 0 and all(receiver.messages_for(sub) for _user, sub in people)

        assert _wait_for(all_delivered, 60), log.read_text()[-3000:]
    finally:
        receiver.on_request = None
        if worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            worker.wait(timeout=30)
    assert killed, "no job process was killed"
    assert receiver.rejected == []
    counts = Counter(len(receiver.messages_for(sub)) for _user, sub in people)
    assert set(counts) <= {1, 2}
    assert counts[2] <= 10, counts
    with app.app_context():
        assert batches.count_due(dt.datetime.now(UTC)) == 0


# -- endpoints: takeover, send-time checks ------------------------------------------------------


def test_an_endpoint_cannot_be_taken_over_by_an_account_that_only_knows_it(
    app: Flask, client: FlaskClient, receiver: PushReceiver
) -> None:
    owner = create_user(app, email="owner@example.com")
    create_user(app, email="thief@example.com")
    subscription = receiver.subscription()
    auth = AuthActions(client)
    auth.login(email="owner@example.com")
    first = client.post("/api/push/subscriptions", json=subscription, headers=auth.headers)
    assert first.status_code == 201
    client.post("/logout", data={"csrf_token": auth.csrf})

    auth.login(email="thief@example.com")
    other_keys = receiver.subscription()["keys"]
    stolen = {**subscription, "keys": other_keys}
    response = client.post("/api/push/subscriptions", json=stolen, headers=auth.headers)
    assert response.status_code == 409
    assert "endpoint" in response.get_json()["errors"]
    with app.app_context():
        stored = db.session.scalar(db.select(PushSubscription))
        assert (stored.user_id, stored.p256dh) == (owner.id, subscription["keys"]["p256dh"])
    # the same browser (same endpoint AND keys) moving to the other account still works
    moved = client.post("/api/push/subscriptions", json=subscription, headers=auth.headers)
    assert moved.status_code == 200
    with app.app_context():
        assert db.session.scalar(db.select(PushSubscription)).user_id != owner.id


def test_stored_endpoints_are_checked_again_when_sending(
    app: Flask, receiver: PushReceiver
) -> None:
    """A row stored before the strict checks (the review's bypass) is never posted to."""
    user, subscription = person(app, receiver, "old-row@example.com")
    with app.app_context():
        row = db.session.scalar(db.select(PushSubscription).filter_by(user_id=user.id))
        row.endpoint = "https://127.0.0.1\\.notify.windows.com/x"
        db.session.commit()
        report = send_due_reminders()
    assert (report.sent, report.failed) == (0, 1)
    assert receiver.hits_for(subscription) == 0


def test_a_name_resolving_to_loopback_is_refused_at_send_time(app: Flask) -> None:
    from tests.unit.test_push_endpoints import _FakeDns
    from webapp.reminders.sender import PushSender, Target

    base = push_sender(app)
    keys = base.keys
    base.close()
    sender = PushSender(
        keys,
        "mailto:test@fossa.invalid",
        ["*.notify.windows.com"],
        resolver=_FakeDns(["127.0.0.1", "::1"]),  # type: ignore[arg-type]
    )
    target = Target("https://evil.notify.windows.com/x", *_browser_keys())
    with sender:
        result = sender.send(target, {"a": 1})
    assert result.outcome == "refused"
    assert "no public address" in result.detail


def _browser_keys() -> tuple[str, str]:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    raw = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    encode = base64.urlsafe_b64encode
    return encode(raw).rstrip(b"=").decode(), encode(os.urandom(16)).rstrip(b"=").decode()


def test_production_refuses_local_push_routes(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from webapp.config import load_config

    monkeypatch.setenv("FOSSA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUSH_DEV_ROUTES", "fcm.googleapis.com=http://127.0.0.1:1")
    with pytest.raises(RuntimeError, match="PUSH_DEV_ROUTES"):
        load_config(tmp_path)


def test_the_vapid_token_is_signed_once_per_audience(app: Flask) -> None:
    with push_sender(app) as sender:
        first = sender.authorization("https://fcm.googleapis.com")
        assert sender.authorization("https://fcm.googleapis.com") is first
        assert sender.authorization("https://web.push.apple.com") != first


# -- calendar UID ----------------------------------------------------------------------------


def test_the_calendar_uid_does_not_show_the_user_id(
    app: Flask, client: FlaskClient, receiver: PushReceiver
) -> None:
    uids = []
    for email in ("cal1@example.com", "cal2@example.com"):
        user = create_user(app, email=email)
        auth = AuthActions(client)
        auth.login(email=email)
        put(client, auth)
        html = client.post(
            "/reminders/calendar", data={"csrf_token": auth.csrf}, headers={"HX-Request": "true"}
        ).get_data(as_text=True)
        url = html.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
        feeds = [client.get(url.replace("http://localhost", "")).get_data(as_text=True)]
        feeds.append(client.get(url.replace("http://localhost", "")).get_data(as_text=True))
        [uid] = {line for feed in feeds for line in feed.splitlines() if line.startswith("UID:")}
        assert re.fullmatch(r"UID:daily-reminder-[0-9a-f]{32}@fossa", uid), uid
        assert uid != f"UID:daily-reminder-{user.id}@fossa"
        uids.append(uid)
        auth.logout()
    assert uids[0] != uids[1]


def test_a_change_while_a_sender_holds_the_reminder_never_releases_it(
    app: Flask, receiver: PushReceiver
) -> None:
    """Settings saved mid-send wait for that sender: no second sender can take the row."""
    due = dt.datetime(2026, 11, 26, 19, 0, tzinfo=UTC)  # 20:00 in Berlin
    at(due - dt.timedelta(hours=1))
    user, subscription = person(app, receiver, "midway@example.com", "Europe/Berlin", "20:00")
    with app.app_context():
        token, claimed = batches.claim_batch(due, 10, 60)
        plan = batches.plan_batch(due, token, claimed)
        db.session.remove()
    with app.app_context():  # the person saves a new time while the push is in flight
        at(due + dt.timedelta(seconds=5))
        settings = db.session.get(ReminderSettings, user.id)
        settings.local_time = dt.time(21, 0)
        db.session.commit()
        assert batches.count_due(due + dt.timedelta(seconds=30)) == 0  # still held
        db.session.remove()
    with app.app_context(), push_sender(app) as sender:
        report = batches.finish_batch(plan, sender.send_many(plan.outgoing), 30)
        assert report.sent == 1
        assert batches.claim_batch(due + dt.timedelta(hours=1, seconds=1), 10, 60)[1] == []
    # done for the 26th, and next at the new time (21:00 in Berlin = 20:00 UTC)
    assert next_due(app, user.id) == dt.datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    assert len(receiver.messages_for(subscription)) == 1


def test_reschedule_recomputes_every_waiting_reminder(app: Flask, receiver: PushReceiver) -> None:
    """After a tzdata update changed a zone's rules: ``flask reminders reschedule``."""
    at(dt.datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    user, _subscription = person(app, receiver, "tz@example.com", "Europe/Berlin", "20:00")
    with app.app_context():
        db.session.execute(
            ReminderSettings.__table__.update().values(next_due_at=dt.datetime(2030, 1, 1))
        )
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["reminders", "reschedule"])
    assert result.exit_code == 0 and "rescheduled 1 reminders" in result.output
    assert next_due(app, user.id) == dt.datetime(2026, 11, 26, 19, 0, tzinfo=UTC)


def test_connections_to_a_push_service_are_kept_alive(app: Flask, receiver: PushReceiver) -> None:
    from webapp.reminders.sender import Target

    subscriptions = [receiver.subscription() for _ in range(30)]
    pushes = [
        (Target(s["endpoint"], s["keys"]["p256dh"], s["keys"]["auth"]), {"n": n}, None)
        for n, s in enumerate(subscriptions)
    ]
    app.config["REMINDER_PUSH_CONCURRENCY"] = 3
    before = receiver.connections
    with push_sender(app) as sender:
        first = sender.send_many(pushes[:15])
        second = sender.send_many(pushes[15:])  # a later batch reuses them too
    assert {r.outcome for r in first + second} == {"delivered"}
    assert receiver.connections - before <= 3  # 30 pushes, at most 3 at once
