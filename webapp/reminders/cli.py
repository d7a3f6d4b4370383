"""``flask reminders send-due [--now ISO]`` and ``flask reminders run`` (the clock process)."""

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
@click.option("--interval", default=60.0, show_default=True, help="Seconds between runs.")
@click.option("--runs", default=0, help="Stop after this many runs (0: run forever).")
def run_command(interval: float, runs: int) -> None:
    """Run send-due at the start of every minute, forever (the Procfile's clock)."""
    from webapp.extensions import db
    from webapp.reminders.delivery import send_due_reminders

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    done = 0
    while True:
        try:
            report = send_due_reminders(dt.datetime.now(dt.UTC))
            click.echo(report.summary())
        except Exception:  # a database hiccup must not end the clock process
            log.exception("send-due run failed; trying again next time")
            db.session.rollback()
        finally:
            db.session.remove()
        done += 1
        if runs and done >= runs:
            return
        # Sleep to the next whole interval, so runs stay on minute boundaries.
        time.sleep(interval - (time.time() % interval) if interval >= 1 else interval)
