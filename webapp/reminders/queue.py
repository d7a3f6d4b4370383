"""The job queue between the clock and the workers: Huey.

Why Huey: it is small, mature and well kept, and it has the three backends
Fossa needs behind one API: Redis (``RedisHuey``, on the Redis production
already runs for the rate limits), SQLite (``SqliteHuey``, a file, for a small
deployment without Redis) and an immediate in-process mode (the embedded
default: a fresh clone runs the clock alone and it sends itself). Delayed jobs
(``schedule(delay=…)``) give retries with backoff without sleeping in a worker;
its consumer runs worker threads and stops cleanly on SIGINT. RQ and Dramatiq
need Redis (or RabbitMQ) even for a one-process install; procrastinate needs
PostgreSQL, which the embedded default does not have.

The queue holds no state that matters: a job says only "send one batch of what
is due". What is due, claimed and done lives in the database
(``reminder_settings.next_due_at``, see batches.py), so a lost, repeated or
late job sends nothing twice and loses nothing: the next tick enqueues again.

- The clock (``flask reminders run``) ticks every minute: it counts the due rows
  (one index range scan) and enqueues one job per REMINDER_BATCHES_PER_JOB
  batches, less the jobs already waiting, so that enough workers wake. It never
  sends (except in immediate mode, where enqueuing runs the job).
- A worker (``flask reminders worker``) runs jobs in processes and threads; each
  job claims batches and pushes them concurrently, several batches in flight,
  until nothing is due (or for REMINDER_JOB_SECONDS). When nothing reached some
  people because their push services were busy or down, the job schedules one
  delayed job for the earliest retry time.

``REMINDER_QUEUE_URL``: ``redis://host:6379/0``, ``sqlite:///path/queue.db``,
or unset for immediate mode.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import threading
from typing import Any

from flask import Flask
from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey

from webapp.extensions import db
from webapp.reminders import batches

log = logging.getLogger(__name__)

QUEUE_NAME = "fossa-reminders"
# The clock never keeps more jobs than this waiting, whatever the backlog.
MAX_WAITING_JOBS = 1000
# How long one job goes on claiming: below the clock's minute, so that a worker
# that is stopped (deployed) loses at most this much of its share, and the next
# tick's jobs spread what is left over every worker running by then.
JOB_SECONDS = 50.0


class ReminderQueue:
    """The Huey instance of one app, with its one task."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.huey = _make_huey(app.config.get("REMINDER_QUEUE_URL"))
        self._senders = threading.local()
        self.send_batch = self.huey.task(name="send_due_batch")(self._send_batch)
        self.huey.on_startup()(self._own_connections)
        self.huey.on_shutdown()(self._close_sender)
        self._pid = os.getpid()

    @property
    def immediate(self) -> bool:
        return self.huey.immediate

    def _sender(self) -> Any:
        from webapp.reminders.delivery import push_sender

        # One sender per worker thread: its event loop and kept-alive connections
        # serve every job the thread runs.
        sender = getattr(self._senders, "sender", None)
        if sender is None:
            sender = self._senders.sender = push_sender(self.app)
        return sender

    def _own_connections(self) -> None:
        """A worker process forked from the consumer: never share its database connections.

        (Pooled connections made before the fork would be used by both processes
        at once; dropping the pool here, without closing them, makes the child open
        its own.)
        """
        if os.getpid() != self._pid:
            with self.app.app_context():
                db.engine.dispose(close=False)

    def _close_sender(self) -> None:
        """A worker thread stops: close its kept-alive connections."""
        sender = getattr(self._senders, "sender", None)
        if sender is not None:
            sender.close()
            self._senders.sender = None

    def _send_batch(self) -> int:
        """The job: claim and push batches due now (several in flight), write the results.

        It drains until nothing is due, claiming for at most REMINDER_JOB_SECONDS:
        a job that stopped after a fixed number of batches would wait for its
        slowest push (a silent push service, one timeout) with nothing else in
        flight, and its worker would idle through every such tail. Jobs that find
        the work taken (other workers drained it) end after one empty claim.
        """
        from webapp.reminders.delivery import send_due_reminders

        budget = float(self.app.config.get("REMINDER_JOB_SECONDS", JOB_SECONDS))
        with self.app.app_context():
            try:
                if self.immediate:
                    # in the clock's own thread: nothing to keep between its ticks
                    report = send_due_reminders(max_seconds=budget)
                else:
                    report = send_due_reminders(sender=self._sender(), max_seconds=budget)
            finally:
                db.session.remove()
        if report.retry_in is not None and not self.immediate:
            self.send_batch.schedule(delay=report.retry_in)
        if report.claimed:
            log.info("job: %s", report.summary())
        return report.claimed

    def waiting(self) -> int:
        return 0 if self.immediate else self.huey.pending_count()

    def tick(self, now: dt.datetime | None = None) -> int:
        """The clock's minute: enqueue a job per due batch; returns the jobs enqueued."""
        now = now or dt.datetime.now(dt.UTC)
        size = int(self.app.config.get("REMINDER_BATCH_SIZE", batches.BATCH_SIZE))
        with self.app.app_context():
            try:
                due = batches.count_due(now)
            finally:
                db.session.remove()
        if not due:
            return 0
        per_job = int(self.app.config.get("REMINDER_BATCHES_PER_JOB", 8))
        wanted = min(math.ceil(due / (size * per_job)), MAX_WAITING_JOBS)
        jobs = max(0, wanted - self.waiting())
        for _ in range(jobs):
            self.send_batch()
        return jobs


def _make_huey(url: str | None) -> Huey:
    if not url:
        return MemoryHuey(QUEUE_NAME, immediate=True, results=False)
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url, results=False, utc=True)
    if url.startswith("sqlite:///"):
        return SqliteHuey(QUEUE_NAME, filename=url[len("sqlite:///") :], results=False, utc=True)
    raise RuntimeError(f"REMINDER_QUEUE_URL must be redis://… or sqlite:///…, not {url!r}")


def reminder_queue(app: Flask) -> ReminderQueue:
    """The app's queue, made once per process."""
    queue = app.extensions.get("fossa_reminder_queue")
    if queue is None:
        queue = app.extensions["fossa_reminder_queue"] = ReminderQueue(app)
    return queue
