"""Sending reminders: the due ones (in batches, see batches.py) and a test one.

``send_due_reminders(now)`` drains every due reminder in this process, batch
after batch; it is what the queue's job runs (queue.py), what
``flask reminders send-due`` runs, and what the tests call with a chosen ``now``.
Each batch is claimed, handled and written before the next one is claimed, so a
run that stops half-way leaves the rest for another sender (or, for the claimed
batch, for whoever takes it when its lease ends).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from flask import Flask, current_app

from webapp.extensions import db
from webapp.reminders import batches, store
from webapp.reminders.batches import BatchReport, reminder_message
from webapp.reminders.sender import (
    CONCURRENCY,
    PushResult,
    PushSender,
    Target,
    parse_dev_routes,
)
from webapp.reminders.subscriptions import parse_allowed_origins
from webapp.reminders.vapid import VapidKeys, load_vapid_keys

log = logging.getLogger(__name__)

TEST_BODY = "This is a test. Reminders will look like this."
# What the CLI and older callers call the report of a run.
SendReport = BatchReport


def vapid_keys(app: Flask | None = None) -> VapidKeys:
    """The app's VAPID keys, loaded (or generated) once per process."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    keys = app.extensions.get("fossa_vapid")
    if keys is None:
        keys = load_vapid_keys(
            app.config.get("VAPID_PRIVATE_KEY"),
            app.config.get("VAPID_PUBLIC_KEY"),
            app.instance_path,
        )
        app.extensions["fossa_vapid"] = keys
    return keys


def push_sender(app: Flask | None = None) -> PushSender:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    return PushSender(
        vapid_keys(app),
        config.get("VAPID_SUBJECT") or "mailto:reminders@fossa.invalid",
        parse_allowed_origins(config.get("PUSH_ALLOWED_ORIGINS")),
        timeout=float(config.get("REMINDER_PUSH_TIMEOUT", 5)),
        concurrency=int(config.get("REMINDER_PUSH_CONCURRENCY", CONCURRENCY)),
        dev_routes=parse_dev_routes(config.get("PUSH_DEV_ROUTES")),
    )


# Open batches per drain. A batch stays open until its slowest push is answered,
# so with silent push services (one REMINDER_PUSH_TIMEOUT each) in most batches,
# a drain at 1,500 pushes/s keeps about 3 batches × 5 s open: the bound must be
# well above that, or the silent few throttle everyone else's sending.
BATCHES_IN_FLIGHT = 48


def _settings(app: Flask) -> tuple[int, float, float, int]:
    config = app.config
    return (
        int(config.get("REMINDER_BATCH_SIZE", batches.BATCH_SIZE)),
        float(config.get("REMINDER_CLAIM_LEASE", batches.LEASE_SECONDS)),
        float(config.get("REMINDER_RETRY_BASE", 30.0)),
        int(config.get("REMINDER_BATCHES_IN_FLIGHT", BATCHES_IN_FLIGHT)),
    )


class _DatabaseThread:
    """One thread, with its own app context and session, for a drain's database work.

    The event loop only pushes; claims and writes run here, one at a time, so a
    statement waiting on a lock never stalls the loop (a stalled loop would read
    answers late, time out pushes that were delivered, and send them again).
    """

    def __init__(self, app: Flask) -> None:
        self._context = threading.local()
        self._pool = ThreadPoolExecutor(1, "reminders-db", self._enter, (app,))

    def _enter(self, app: Flask) -> None:
        self._context.value = app.app_context()
        self._context.value.push()

    def _leave(self) -> None:
        db.session.remove()
        self._context.value.pop()

    async def __call__(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)

    def close(self) -> None:
        if self._pool._threads:  # noqa: SLF001 - only when the thread ever started
            self._pool.submit(self._leave).result()
        self._pool.shutdown()


async def _drain(
    app: Flask,
    sender: PushSender,
    now: dt.datetime | None,
    max_batches: int,
    max_seconds: float = 0.0,
) -> BatchReport:
    """Claim and push batches, several open at once, until nothing is due.

    Or until ``max_batches`` are claimed, or ``max_seconds`` have passed since the
    start (then it claims no more and finishes the batches it holds).

    A batch is written as soon as its own pushes are answered; meanwhile more
    batches are claimed whenever fewer than twice ``concurrency`` pushes wait for
    an answer, so a few silent push services (each costing one timeout) hold up
    only their own batch's write, never the sending of the next ones.
    REMINDER_BATCHES_IN_FLIGHT bounds the open batches.
    """
    size, lease, retry_base, in_flight = _settings(app)
    deadline = time.monotonic() + max_seconds if max_seconds else None
    report = BatchReport()
    running: set[asyncio.Task] = set()
    started, exhausted = 0, False
    database = _DatabaseThread(app)

    def claim_and_plan(moment: dt.datetime) -> batches.BatchPlan:
        token, claimed = batches.claim_batch(moment, size, lease)
        return batches.plan_batch(moment, token, claimed)

    def rollback() -> None:
        db.session.rollback()

    async def push(plan: batches.BatchPlan) -> tuple[batches.BatchPlan, list[PushResult]]:
        return plan, await sender.send_async(plan.outgoing)

    try:
        while True:
            # Claim more while the pushes waiting for an answer are few: a batch
            # held open by a few silent push services does not stop the next.
            while (
                not exhausted
                and len(running) < in_flight
                and sender.unanswered < sender.concurrency * 2
            ):
                if (max_batches and started >= max_batches) or (
                    deadline is not None and time.monotonic() >= deadline
                ):
                    exhausted = True
                    break
                plan = await database(claim_and_plan, now or dt.datetime.now(dt.UTC))
                started += 1
                if not plan.claimed:
                    exhausted = True
                    break
                running.add(asyncio.ensure_future(push(plan)))
            if not running:
                return report
            done, running = await asyncio.wait(
                running, timeout=0.05, return_when=asyncio.FIRST_COMPLETED
            )
            for task in done:
                plan, results = task.result()
                report.add(await database(batches.finish_batch, plan, results, retry_base))
    except BaseException:
        # Claims not written stay with their lease: another sender takes them after it.
        for task in running:
            task.cancel()
        await database(rollback)
        raise
    finally:
        database.close()


def send_due_reminders(
    now: dt.datetime | None = None,
    sender: PushSender | None = None,
    max_batches: int = 0,
    max_seconds: float = 0.0,
) -> BatchReport:
    """Send every reminder due at ``now`` (aware; default: the real time), batch by batch.

    ``max_batches`` and ``max_seconds`` (0: no bound) stop the claiming early.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    own = sender is None
    sender = sender or push_sender(app)
    try:
        report = sender.run(_drain(app, sender, now, max_batches, max_seconds))
    finally:
        if own:
            sender.close()
    log.info("send-due: %s", report.summary())
    return report


def send_test_notification(user_id: int, today: dt.date) -> list[PushResult]:
    """Push a test reminder to every device of the person, now (one attempt each)."""
    subscriptions = store.subscriptions_of(user_id)
    message = reminder_message(today, TEST_BODY)
    pushes = [(Target(s.endpoint, s.p256dh, s.auth), message, "test") for s in subscriptions]
    ids = [s.id for s in subscriptions]
    with push_sender() as sender:
        results = sender.send_many(pushes)
    for sub_id, result in zip(ids, results, strict=True):
        if result.outcome == "gone":
            store.forget_subscription(sub_id)
    store.mark_delivered(
        [sub_id for sub_id, r in zip(ids, results, strict=True) if r.delivered],
        dt.datetime.now(dt.UTC),
    )
    return results
