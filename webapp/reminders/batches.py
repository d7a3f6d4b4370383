"""Claiming due reminders in batches and handling one batch: the sender's database side.

A batch is claimed with ONE statement that reads the due rows off the
``next_due_at`` index and marks them taken:

    UPDATE reminder_settings SET next_due_at = now + lease, claim_token = :token
    WHERE user_id IN (SELECT user_id FROM reminder_settings WHERE next_due_at <= :now
                      ORDER BY next_due_at LIMIT :n [FOR UPDATE SKIP LOCKED])
    RETURNING …

On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets any number of senders claim at
once, each getting other rows. SQLite has one writer: the same statement runs
under its write lock, so claims are serialised and each row goes to one sender.

A claimed row is due again when its lease ends, so the reminders of a sender
that dies after claiming are taken by another (never lost). A sender writes its
results only to rows that still carry its token, so one whose lease ran out
(stopped for longer than the lease) cannot overwrite the new holder.

Per batch: the claim, one query for timezones and devices, one for "logged that
day", the pushes (concurrent, sender.py), one UPDATE for the results (from four
arrays on PostgreSQL, an executemany on SQLite), one delete of gone devices, one
update of "last delivered". On PostgreSQL every id list is one array parameter.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Date, Integer, any_, bindparam, func, literal, select, text, update
from sqlalchemy.dialects.postgresql import ARRAY

from webapp.extensions import db
from webapp.models import Entry, PushSubscription, ReminderSettings, User
from webapp.reminders import due_times
from webapp.reminders.due_times import next_due_at
from webapp.reminders.schedule import ReminderRule, due_day
from webapp.reminders.sender import PushResult, PushSender, Target

log = logging.getLogger(__name__)

TITLE = "Fossa"
BODY = "How is your knee today?"
# Repeats collapse into one notification on the device and one queued message
# at the push service.
TAG = "fossa-daily-reminder"
TOPIC = "daily-reminder"
BATCH_SIZE = 500
LEASE_SECONDS = 120
# Retries of a reminder no device took: base × 2^attempt, at most this.
RETRY_CAP_SECONDS = 15 * 60


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


@dataclass
class BatchReport:
    """What one or more batches did, for the log, the CLI and the bench."""

    claimed: int = 0
    due: int = 0
    sent: int = 0
    skipped_logged: int = 0
    unreachable: int = 0
    failed: int = 0
    no_device: int = 0
    pushes: int = 0
    gone: int = 0
    retry_in: float | None = None
    errors: list[str] = field(default_factory=list)

    def add(self, other: BatchReport) -> None:
        for name in (
            "claimed",
            "due",
            "sent",
            "skipped_logged",
            "unreachable",
            "failed",
            "no_device",
            "pushes",
            "gone",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.retry_in is not None:
            self.retry_in = min(self.retry_in or other.retry_in, other.retry_in)
        self.errors.extend(other.errors)

    def summary(self) -> str:
        return (
            f"due {self.due}, sent {self.sent}, skipped (already logged) {self.skipped_logged}, "
            f"unreachable (retry later) {self.unreachable}, failed {self.failed}, "
            f"pushes {self.pushes}, gone devices {self.gone}"
        )


@dataclass(frozen=True)
class Claimed:
    user_id: int
    local_time: dt.time
    days_mask: int
    last_claimed_day: dt.date | None
    skip_if_logged: bool
    push_attempts: int
    updated_at: dt.datetime


def first_due_statement(now: dt.datetime):  # noqa: ANN201 - a Select
    """The earliest due row, if any: ``ORDER BY next_due_at LIMIT 1`` is always an index probe.

    (A plain ``count(*) WHERE next_due_at <= now`` may be planned as a full scan
    when the table's statistics were taken while everyone was due.)
    """
    return (
        select(ReminderSettings.next_due_at)
        .where(ReminderSettings.next_due_at <= _utc(now), ReminderSettings.enabled.is_(True))
        .order_by(ReminderSettings.next_due_at)
        .limit(1)
    )


def count_due(now: dt.datetime, cap: int = 1_000_000) -> int:
    """How many rows are due at ``now`` (at most ``cap``): a quiet minute is one index probe."""
    if db.session.execute(first_due_statement(now)).first() is None:
        return 0
    due = (
        select(ReminderSettings.user_id)
        .where(ReminderSettings.next_due_at <= _utc(now), ReminderSettings.enabled.is_(True))
        .order_by(ReminderSettings.next_due_at)
        .limit(cap)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(due))


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _postgres() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _among(column: Any, values: list, kind: Any = Integer) -> Any:
    """``column IN values``; on PostgreSQL ``= ANY(array)``, one parameter for the batch.

    (500 ids as 500 bind parameters cost the sender more CPU to render and
    convert than the query takes to run, and PostgreSQL more to parse.)
    """
    if _postgres():
        return column == any_(literal(values, ARRAY(kind)))
    return column.in_(values)


def claim_batch(now: dt.datetime, limit: int, lease: float) -> tuple[str, list[Claimed]]:
    """Take up to ``limit`` due rows for ``lease`` seconds; (token, rows), committed."""
    table = ReminderSettings.__table__
    token = secrets.token_hex(16)
    now = _utc(now)
    picked = (
        select(table.c.user_id)
        .where(table.c.next_due_at <= now, table.c.enabled.is_(True))
        .order_by(table.c.next_due_at)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        picked = picked.with_for_update(skip_locked=True)
    statement = (
        update(table)
        .where(table.c.user_id.in_(picked.scalar_subquery()))
        .values(
            next_due_at=now + dt.timedelta(seconds=lease),
            claim_token=token,
            updated_at=table.c.updated_at,  # the person's last change, not ours
        )
        .returning(
            table.c.user_id,
            table.c.local_time,
            table.c.days_mask,
            table.c.last_claimed_day,
            table.c.skip_if_logged,
            table.c.push_attempts,
            table.c.updated_at,
        )
    )
    rows = [Claimed(*row) for row in db.session.execute(statement)]
    db.session.commit()
    return token, rows


def _devices_and_zones(
    user_ids: list[int],
) -> tuple[dict[int, str], dict[int, list[tuple[int, Target]]]]:
    """Timezones and devices of the batch's people: one query."""
    zones: dict[int, str] = {}
    devices: dict[int, list[tuple[int, Target]]] = defaultdict(list)
    rows = db.session.execute(
        select(
            User.id,
            User.timezone,
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
        )
        .outerjoin(PushSubscription, PushSubscription.user_id == User.id)
        .where(_among(User.id, user_ids))
        .order_by(User.id, PushSubscription.id)
    )
    for user_id, timezone, sub_id, endpoint, p256dh, auth in rows:
        zones[user_id] = timezone
        if sub_id is not None:
            devices[user_id].append((sub_id, Target(endpoint, p256dh, auth)))
    return zones, devices


def _logged_on(due: dict[int, dt.date]) -> set[tuple[int, dt.date]]:
    """Which (person, day) of the batch already has an entry: one query."""
    if not due:
        return set()
    # Entries the person deleted (soft-deleted, awaiting the purge) do not count.
    query = select(Entry.user_id, Entry.date).where(
        _among(Entry.user_id, list(due)),
        _among(Entry.date, sorted(set(due.values())), Date),
        Entry.deleted_at.is_(None),
    )
    return {(user_id, day) for user_id, day in db.session.execute(query.distinct())}


def retry_delay(attempts: int, base: float, retry_after: float | None) -> float:
    """Seconds until the next attempt after ``attempts`` failed ones."""
    delay = base * 2 ** max(0, attempts - 1)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return min(max(delay, 1.0), RETRY_CAP_SECONDS)


@dataclass
class BatchPlan:
    """A claimed batch, read and decided: what to push, and what is done without a push."""

    now: dt.datetime
    token: str
    claimed: list[Claimed]
    report: BatchReport
    rules: dict[int, ReminderRule] = field(default_factory=dict)
    due: dict[int, dt.date] = field(default_factory=dict)
    done_days: dict[int, dt.date] = field(default_factory=dict)
    no_device: set[int] = field(default_factory=set)
    pushes: list[tuple[int, int]] = field(default_factory=list)  # (user_id, subscription_id)
    outgoing: list[tuple[Target, dict[str, str], str]] = field(default_factory=list)


def plan_batch(now: dt.datetime, token: str, claimed: list[Claimed]) -> BatchPlan:
    """Read the batch's zones, devices and entries (two queries) and decide each reminder."""
    plan = BatchPlan(now, token, claimed, BatchReport(claimed=len(claimed)))
    if not claimed:
        return plan
    zones, devices = _devices_and_zones([row.user_id for row in claimed])
    for row in claimed:
        rule = ReminderRule(
            zones.get(row.user_id, "UTC"), row.local_time, row.days_mask, row.last_claimed_day
        )
        plan.rules[row.user_id] = rule
        day = due_day(rule, now)
        if day is not None:
            plan.due[row.user_id] = day
    skips = {row.user_id for row in claimed if row.skip_if_logged}
    logged = _logged_on({uid: day for uid, day in plan.due.items() if uid in skips})
    report = plan.report
    for row in claimed:
        day = plan.due.get(row.user_id)
        if day is None:
            continue
        if not devices.get(row.user_id):
            report.no_device += 1
            plan.no_device.add(row.user_id)
            continue
        report.due += 1
        if (row.user_id, day) in logged:
            report.skipped_logged += 1
            plan.done_days[row.user_id] = day
            continue
        message = reminder_message(day)
        for sub_id, target in devices[row.user_id]:
            plan.pushes.append((row.user_id, sub_id))
            plan.outgoing.append((target, message, TOPIC))
    return plan


def finish_batch(plan: BatchPlan, results: list[PushResult], retry_base: float) -> BatchReport:
    """Turn the push results into each row's next state and write them all at once."""
    now, report, due, done_days = plan.now, plan.report, plan.due, plan.done_days
    attempts_of = {row.user_id: row.push_attempts for row in plan.claimed}
    by_person: dict[int, list[tuple[int, PushResult]]] = defaultdict(list)
    for (user_id, sub_id), result in zip(plan.pushes, results, strict=True):
        by_person[user_id].append((sub_id, result))
    delivered_to: list[int] = []
    gone: list[int] = []
    retry_at: dict[int, tuple[dt.datetime, int]] = {}
    for user_id, person_results in by_person.items():
        delivered = [sub_id for sub_id, result in person_results if result.delivered]
        gone += [sub_id for sub_id, result in person_results if result.outcome == "gone"]
        delivered_to += delivered
        if delivered:
            report.sent += 1
            done_days[user_id] = due[user_id]
            continue
        transient = [result for _sub, result in person_results if result.transient]
        if transient:
            # Nothing reached the person: try again later, never sleeping here.
            attempts = attempts_of[user_id] + 1
            after = max((r.retry_after or 0.0) for r in transient) or None
            delay = retry_delay(attempts, retry_base, after)
            retry_at[user_id] = (_utc(now) + dt.timedelta(seconds=delay), attempts)
            report.unreachable += 1
            report.retry_in = min(report.retry_in or delay, delay)
        else:
            # Refused, failed or every device gone: retrying would not help today.
            report.failed += 1
            done_days[user_id] = due[user_id]
    report.pushes = len(delivered_to)
    report.gone = len(gone)

    results_rows = []
    for row in plan.claimed:
        rule = plan.rules[row.user_id]
        last, attempts = row.last_claimed_day, 0
        if row.user_id in retry_at:
            when, attempts = retry_at[row.user_id]
        else:
            if row.user_id in done_days:
                last = done_days[row.user_id]
            # Without a device, look again tomorrow (or as soon as one is added:
            # store.save_subscription reschedules), without calling today done.
            skip_to = due[row.user_id] if row.user_id in plan.no_device else last
            when = next_due_at(
                ReminderRule(rule.timezone, rule.local_time, rule.days_mask, skip_to), now
            )
        results_rows.append(
            {
                "b_user_id": row.user_id,
                "b_next": _utc(when) if when is not None else None,
                "b_last": last,
                "b_attempts": attempts,
            }
        )
    _write_results(plan.token, results_rows, gone, delivered_to, now)
    _reschedule_changed(plan.claimed, now)
    return report


def _reschedule_changed(claimed: list[Claimed], now: dt.datetime) -> None:
    """Rows whose settings or timezone changed while we held them: schedule them anew.

    (The change itself left them alone, so that no second sender took them.)
    """
    before = {row.user_id: row.updated_at for row in claimed}
    rows = db.session.execute(
        select(ReminderSettings.user_id, ReminderSettings.updated_at).where(
            _among(ReminderSettings.user_id, list(before))
        )
    )
    changed = [user_id for user_id, updated in rows if updated != before[user_id]]
    for user_id in changed:
        settings = db.session.get(ReminderSettings, user_id)
        if settings is not None:
            due_times.recompute(db.session, settings, now=now)
    if changed:
        db.session.commit()


def handle_batch(
    now: dt.datetime,
    token: str,
    claimed: list[Claimed],
    sender: PushSender,
    retry_base: float = 30.0,
) -> BatchReport:
    """Decide, skip or push each claimed reminder, then write every result at once."""
    plan = plan_batch(now, token, claimed)
    return finish_batch(plan, sender.send_many(plan.outgoing), retry_base)


def _write_results(
    token: str,
    rows: list[dict],
    gone: list[int],
    delivered_to: list[int],
    now: dt.datetime,
) -> None:
    """Every result of the batch in one transaction, only where our claim still holds."""
    if _postgres():
        # One statement for the batch: the rows arrive as four arrays.
        db.session.execute(
            _RESULTS_POSTGRES,
            {
                "ids": [row["b_user_id"] for row in rows],
                "nexts": [row["b_next"] for row in rows],
                "lasts": [row["b_last"] for row in rows],
                "attempts": [row["b_attempts"] for row in rows],
                "token": token,
            },
        )
    else:
        _write_results_one_by_one(token, rows)
    subscriptions = PushSubscription.__table__
    if gone:
        db.session.execute(subscriptions.delete().where(_among(subscriptions.c.id, gone)))
    for start in range(0, len(delivered_to), 500):
        db.session.execute(
            update(subscriptions)
            .where(_among(subscriptions.c.id, delivered_to[start : start + 500]))
            .values(last_success_at=_utc(now))
        )
    db.session.commit()


_RESULTS_POSTGRES = text(
    """
    UPDATE reminder_settings AS r
    SET next_due_at = v.next_due_at, last_claimed_day = v.last_claimed_day,
        push_attempts = v.push_attempts, claim_token = NULL
    FROM unnest(CAST(:ids AS integer[]), CAST(:nexts AS timestamptz[]),
                CAST(:lasts AS date[]), CAST(:attempts AS smallint[]))
         AS v(user_id, next_due_at, last_claimed_day, push_attempts)
    WHERE r.user_id = v.user_id AND r.claim_token = :token
    """
)


def _write_results_one_by_one(token: str, rows: list[dict]) -> None:
    """SQLite: one executemany (a C loop under its single writer, already cheap)."""
    table = ReminderSettings.__table__
    db.session.execute(
        update(table)
        .where(table.c.user_id == bindparam("b_user_id"), table.c.claim_token == token)
        .values(
            next_due_at=bindparam("b_next"),
            last_claimed_day=bindparam("b_last"),
            push_attempts=bindparam("b_attempts"),
            claim_token=None,
            updated_at=table.c.updated_at,
        ),
        rows,
    )
