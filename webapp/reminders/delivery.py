"""Sending reminders: the due ones (``flask reminders send-due``) and a test one.

Order of work per person: decide due (schedule), claim the local day (one atomic
UPDATE, so parallel runs send once), skip if they already logged that day, then
push to each of their devices. Gone devices are forgotten. When no device could
be reached only because the push services were busy or down, the claim is given
back so a later run that day tries again: not missed, and never doubled, since
nothing reached the person.
"""

from __future__ import annotations

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from flask import Flask, current_app

from webapp.extensions import db
from webapp.models import PushSubscription
from webapp.reminders import store
from webapp.reminders.schedule import due_day
from webapp.reminders.sender import PushResult, PushSender, Target
from webapp.reminders.subscriptions import parse_allowed_origins
from webapp.reminders.vapid import VapidKeys, load_vapid_keys

log = logging.getLogger(__name__)

TITLE = "Fossa"
BODY = "How is your knee today?"
TEST_BODY = "This is a test. Reminders will look like this."
# Repeats collapse into one notification on the device and one queued message
# at the push service.
TAG = "fossa-daily-reminder"


def reminder_message(day: dt.date, body: str = BODY) -> dict[str, str]:
    """What the service worker shows; ``day`` is the local day it asks about."""
    return {
        "title": TITLE,
        "body": body,
        "tag": TAG,
        "url": "/today",
        "day": day.isoformat(),
        "icon": "/static/icons/icon-192.png",
        "badge": "/static/icons/icon-96.png",
    }


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
        timeout=float(config.get("REMINDER_PUSH_TIMEOUT", 10)),
        attempts=int(config.get("REMINDER_PUSH_ATTEMPTS", 3)),
        backoff=float(config.get("REMINDER_PUSH_BACKOFF", 1.0)),
    )


def _target(subscription: PushSubscription) -> Target:
    return Target(subscription.endpoint, subscription.p256dh, subscription.auth)


def push_to_devices(
    sender: PushSender, user_id: int, message: dict[str, str]
) -> list[tuple[int, PushResult]]:
    """Send one message to each of a person's devices; forget the gone ones.

    Returns (subscription id, result) pairs; the caller records deliveries.
    """
    # Read them all first: forgetting one commits, which expires loaded rows.
    targets = [(s.id, _target(s)) for s in store.subscriptions_of(user_id)]
    results = []
    for subscription_id, target in targets:
        result = sender.send(target, message, topic="daily-reminder")
        if result.outcome == "gone":
            store.forget_subscription(subscription_id)
        results.append((subscription_id, result))
    return results


@dataclass
class SendReport:
    """What one send-due run did, for the log and the CLI's summary."""

    due: int = 0
    sent: int = 0
    skipped_logged: int = 0
    claimed_elsewhere: int = 0
    unreachable: int = 0
    pushes: int = 0
    gone: int = 0
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"due {self.due}, sent {self.sent}, skipped (already logged) {self.skipped_logged}, "
            f"claimed by another run {self.claimed_elsewhere}, unreachable {self.unreachable}, "
            f"pushes {self.pushes}, gone devices {self.gone}"
        )


@dataclass
class _Outcome:
    """What happened to one person's reminder in one run."""

    kind: str  # sent, skipped_logged, claimed_elsewhere, unreachable, failed, error
    delivered_to: list[int] = field(default_factory=list)
    gone: int = 0
    error: str = ""


def _remind(sender: PushSender, candidate: store.Candidate, day: dt.date) -> _Outcome:
    """Claim, check, push: one person's reminder of ``day``."""
    if not store.claim_reminder(candidate.user_id, day):
        return _Outcome("claimed_elsewhere")
    if candidate.skip_if_logged and store.has_entry_on(candidate.user_id, day):
        return _Outcome("skipped_logged")
    results = push_to_devices(sender, candidate.user_id, reminder_message(day))
    outcome = _Outcome(
        "failed",
        delivered_to=[sub_id for sub_id, result in results if result.delivered],
        gone=sum(result.outcome == "gone" for _id, result in results),
    )
    if outcome.delivered_to:
        outcome.kind = "sent"
    elif any(result.transient for _id, result in results):
        store.release_claim(candidate.user_id, day, candidate.rule.last_claimed_day)
        outcome.kind = "unreachable"
    return outcome


def _remind_in_context(
    app: Flask, sender: PushSender, candidate: store.Candidate, day: dt.date
) -> _Outcome:
    # Each worker thread has its own app context, so its own session and connection.
    with app.app_context():
        try:
            return _remind(sender, candidate, day)
        except Exception as error:  # one person's trouble must not stop everyone else's
            db.session.rollback()
            log.exception("reminder for user %s failed", candidate.user_id)
            return _Outcome("error", error=f"user {candidate.user_id}: {type(error).__name__}")
        finally:
            db.session.remove()


def send_due_reminders(
    now: dt.datetime, sender: PushSender | None = None, workers: int | None = None
) -> SendReport:
    """Send every reminder due at ``now`` (aware), each person at most once a local day.

    People are handled by a small pool of threads: pushing is waiting on the
    network, and one slow push service must not hold up everyone due this minute.
    Each person is claimed on their own just before their push, so a run that
    stops half-way leaves the rest unclaimed for the next run.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    report = SendReport()
    due = []
    for candidate in store.reminder_candidates(now):
        day = due_day(candidate.rule, now)
        if day is not None:
            due.append((candidate, day))
    report.due = len(due)
    if not due:
        return report
    if sender is None:
        with push_sender(app) as own_sender:
            return _send(app, due, own_sender, report, now, workers)
    return _send(app, due, sender, report, now, workers)


def _send(
    app: Flask,
    due: list[tuple[store.Candidate, dt.date]],
    sender: PushSender,
    report: SendReport,
    now: dt.datetime,
    workers: int | None,
) -> SendReport:
    workers = workers or int(app.config.get("REMINDER_SEND_WORKERS", 8))
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(due)))) as pool:
        outcomes = list(
            pool.map(lambda pair: _remind_in_context(app, sender, *pair), due)  # type: ignore[misc]
        )
    delivered_to: list[int] = []
    for outcome in outcomes:
        if outcome.kind in ("sent", "skipped_logged", "claimed_elsewhere", "unreachable"):
            setattr(report, outcome.kind, getattr(report, outcome.kind) + 1)
        if outcome.error:
            report.errors.append(outcome.error)
        delivered_to.extend(outcome.delivered_to)
        report.gone += outcome.gone
    report.pushes = len(delivered_to)
    # One write for every "last delivered" time, not one per push.
    store.mark_delivered(delivered_to, now)
    log.info("send-due at %s: %s", now.isoformat(), report.summary())
    return report


def send_test_notification(user_id: int, today: dt.date) -> list[PushResult]:
    """Push a test reminder to every device of the person, now."""
    with push_sender() as sender:
        results = push_to_devices(sender, user_id, reminder_message(today, TEST_BODY))
    store.mark_delivered([sub_id for sub_id, r in results if r.delivered], dt.datetime.now(dt.UTC))
    return [result for _id, result in results]
