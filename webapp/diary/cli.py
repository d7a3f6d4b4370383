"""`flask diary purge-deleted`: remove the entries deleted longer ago than the restore
window. Run it from a schedule (every 10 minutes is plenty; see docs/architecture.md)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from webapp.diary import store

cli = AppGroup("diary", help="Diary maintenance.")


@cli.command("purge-deleted")
def purge_deleted() -> None:
    """Delete for good the entries whose restore window has passed."""
    removed = store.purge_deleted()
    click.echo(f"Purged {removed} deleted {'entry' if removed == 1 else 'entries'}.")
