"""``flask reminders send-due [--now ISO]``, ``run`` (the clock), ``worker``, ``reschedule``."""

from __future__ import annotations

import datetime as dt
import logging
import time

import click
from flask.cli import AppGroup

reminders_cli = AppGroup("reminders", help="Send daily reminders.")
log = logging.getLogger(__name__)


def parse_now(value: str | None) -> dt.datetime:
    """An ISO date-time; without an offset it is read as UTC."""
    if not value:
        return dt.datetime.now(dt.UTC)
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as error:
        raise click.BadParameter("use an ISO date-time like 2026-11-26T19:00:00+00:00") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@reminders_cli.command("send-due")
@click.option("--now", "now_text", help="Act as if it were this moment (ISO 8601).")
def send_due_command(now_text: str | None) -> None:
    """Send every reminder due now, once per person per local day."""
    from webapp.reminders.delivery import send_due_reminders

    now = parse_now(now_text)
    report = send_due_reminders(now)
    click.echo(report.summary())
    for error in report.errors:
        click.echo(f"error: {error}", err=True)


@reminders_cli.command("run")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between ticks.")
@click.option("--runs", default=0, help="Stop after this many ticks (0: run forever).")
def run_command(interval: float, runs: int) -> None:
    """The clock (the Procfile's clock): every minute, enqueue the due batches.

    Without REMINDER_QUEUE_URL the queue is immediate and this process sends them.
    """
    from flask import current_app

    from webapp.extensions import db
    from webapp.reminders.queue import reminder_queue

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    queue = reminder_queue(current_app._get_current_object())  # type: ignore[attr-defined]
    done = 0
    while True:
        try:
            jobs = queue.tick()
            click.echo(f"tick: {jobs} batch jobs enqueued")
        except Exception:  # a database or Redis hiccup must not end the clock process
            log.exception("tick failed; trying again next time")
            db.session.rollback()
        finally:
            db.session.remove()
        done += 1
        if runs and done >= runs:
            return
        # Sleep to the next whole interval, so ticks stay on minute boundaries.
        time.sleep(interval - (time.time() % interval) if interval >= 1 else interval)


def allow_open_files(wanted: int) -> int:
    """Raise this process's open-file limit towards ``wanted`` (one per push in flight).

    The usual soft limit of 1,024 would make pushes fail to connect at 500 in
    flight per job with two job threads; the hard limit is the ceiling. Returns
    the limit now in force.
    """
    try:
        import resource
    except ImportError:  # not on Windows, where there is no such limit to raise
        return wanted
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        soft = target
    if soft != resource.RLIM_INFINITY and soft < wanted:
        log.warning("open files limited to %d; pushes in flight want %d", soft, wanted)
    return soft


@reminders_cli.command("worker")
@click.option(
    "--processes",
    default=1,
    show_default=True,
    help="Job processes (one per core: the pushes' encryption and HTTP need the CPU).",
)
@click.option("--threads", default=2, show_default=True, help="Job threads, with one process.")
def worker_command(processes: int, threads: int) -> None:
    """A worker (the Procfile's worker): run the queue's batch jobs until stopped.

    Each job has hundreds of pushes in flight on its own event loop, so one job
    at a time keeps a core busy: run ``--processes`` as many as the host has
    cores. Huey supervises them and starts a new one if one dies. With one
    process, ``--threads`` jobs share its core (their waits overlap).
    """
    from flask import current_app

    from webapp.reminders.queue import reminder_queue
    from webapp.reminders.sender import CONCURRENCY

    if processes < 1 or threads < 1:
        raise click.BadParameter("--processes and --threads are at least 1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue = reminder_queue(app)
    if queue.immediate:
        raise click.ClickException(
            "REMINDER_QUEUE_URL is not set: the clock sends in-process, no worker is needed"
        )
    jobs_per_process = 1 if processes > 1 else threads
    concurrency = int(app.config.get("REMINDER_PUSH_CONCURRENCY", CONCURRENCY))
    allow_open_files(jobs_per_process * concurrency + 256)
    # An idle worker looks at the queue at least every half second (Redis blocks on it).
    consumer = queue.huey.create_consumer(
        workers=processes if processes > 1 else threads,
        worker_type="process" if processes > 1 else "thread",
        periodic=False,
        max_delay=0.5,
    )
    consumer.run()


@reminders_cli.command("reschedule")
def reschedule_command() -> None:
    """Recompute every next_due_at (after a tzdata update changed a zone's rules)."""
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.models import ReminderSettings
    from webapp.reminders import due_times

    count = 0
    for settings in db.session.scalars(select(ReminderSettings).where(ReminderSettings.enabled)):
        if settings.claim_token is None:
            due_times.recompute(db.session, settings)
            count += 1
    db.session.commit()
    click.echo(f"rescheduled {count} reminders")
