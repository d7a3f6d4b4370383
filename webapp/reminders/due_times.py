"""``reminder_settings.next_due_at``: when each person's next reminder is due, in UTC.

The clock and the senders find due reminders with one index range scan
(``next_due_at <= now``) instead of reading everyone and working out each
person's local day. The column is kept here, in one place:

- ``next_due_at(rule, now)`` (pure) is the moment of the first reminder not yet
  done, from the person's local day at ``now`` on. It may lie in the past: a
  reminder whose time passed today unsent is due now (catch-up). Each day's
  moment is worked out with that day's UTC offset, so daylight-saving changes
  need no special run: the moment after a change is computed after it.
- SQLAlchemy flush hooks recompute it whenever a person's settings (on/off,
  time, days, the last day done) or their timezone change, wherever in the app
  that happens (the reminders page, the API, registration, login). The write
  skips a row a sender holds (``claim_token``): that sender sees the change
  (``updated_at``) when it writes its results and reschedules the row then, so
  a reminder in flight is never released to a second sender.
- The sender (``batches.py``) sets it after each reminder it handles, and while
  it holds a row, to the moment its claim expires.

The clock used for "now" on a settings change is ``clock_now()``; tests move it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from webapp.reminders.schedule import ReminderRule, reminder_moment, runs_on, zone_or_utc

_frozen_now: dt.datetime | None = None


def clock_now() -> dt.datetime:
    return _frozen_now or dt.datetime.now(dt.UTC)


def set_clock(moment: dt.datetime | None) -> None:
    """Make ``clock_now()`` answer ``moment`` (None: the real time again). For tests."""
    global _frozen_now
    _frozen_now = moment


def next_due_at(rule: ReminderRule, now: dt.datetime) -> dt.datetime | None:
    """The UTC moment of the person's next reminder not yet done; None when there is none.

    Agrees with ``schedule.due_day``: the reminder of local day ``d`` is due from
    its moment until the end of ``d``, on the chosen weekdays, when ``d`` is
    after the last day done.
    """
    if not rule.days_mask & 0b1111111:
        return None
    zone = zone_or_utc(rule.timezone)
    day = now.astimezone(zone).date()
    for offset in range(8):
        candidate = day + dt.timedelta(days=offset)
        if not runs_on(rule.days_mask, candidate):
            continue
        if rule.last_claimed_day is not None and candidate <= rule.last_claimed_day:
            continue
        return reminder_moment(candidate, rule.local_time, zone)
    return None


_WATCHED = ("enabled", "local_time", "days_mask", "last_claimed_day")


def _changed(obj: Any, names: tuple[str, ...]) -> bool:
    state = inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in names)


def value_for(settings: Any, timezone: str, now: dt.datetime) -> dt.datetime | None:
    """What next_due_at should be for these settings at ``now`` (None when off)."""
    if not settings.enabled:
        return None
    rule = ReminderRule(
        timezone,
        settings.local_time if settings.local_time is not None else dt.time(20, 0),
        settings.days_mask if settings.days_mask is not None else 0b1111111,
        settings.last_claimed_day,
    )
    return next_due_at(rule, now)


def _timezone_of(session: Session, user_id: int) -> str:
    from webapp.models import User

    user = session.get(User, user_id)
    return user.timezone if user is not None else "UTC"


def _guarded_update(connection: Any, user_id: int, value: dt.datetime | None) -> None:
    """Write next_due_at unless a sender holds the row (it reschedules when it is done).

    A new time or day also ends any retry in progress: the reminder starts afresh.
    """
    from sqlalchemy import update

    from webapp.models import ReminderSettings

    table = ReminderSettings.__table__
    connection.execute(
        update(table)
        .where(table.c.user_id == user_id, table.c.claim_token.is_(None))
        .values(
            next_due_at=value.astimezone(dt.UTC) if value is not None else None,
            push_attempts=0,
            updated_at=table.c.updated_at,
        )
    )


def recompute(
    session: Session, settings: Any, timezone: str | None = None, now: dt.datetime | None = None
) -> None:
    """Reschedule ``settings`` now (a statement in the session's transaction)."""
    session.flush()
    zone = timezone or _timezone_of(session, settings.user_id)
    _guarded_update(
        session.connection(), settings.user_id, value_for(settings, zone, now or clock_now())
    )


_installed: set[Any] = set()


def install(session_class: Any) -> None:
    """Keep next_due_at right on every flush of ``session_class`` (once per class)."""
    if session_class in _installed:
        return
    _installed.add(session_class)

    @event.listens_for(session_class, "before_flush")
    def _note_changes(session: Session, _context: Any, _instances: Any) -> None:
        from webapp.models import ReminderSettings, User

        # Settings objects to reschedule once flushed (new ones included: their
        # user row, and so the timezone, may be in the same flush).
        pending = session.info.setdefault("fossa_reschedule", [])
        for obj in list(session.new) + list(session.dirty):
            if isinstance(obj, ReminderSettings):
                if obj in session.new or _changed(obj, _WATCHED):
                    pending.append(obj)
            elif isinstance(obj, User) and obj not in session.new and _changed(obj, ("timezone",)):
                settings = session.get(ReminderSettings, obj.id)
                if settings is not None:
                    pending.append(settings)

    @event.listens_for(session_class, "after_flush")
    def _reschedule(session: Session, _context: Any) -> None:
        pending = session.info.pop("fossa_reschedule", [])
        from sqlalchemy import update

        from webapp.models import ReminderSettings, utcnow

        table = ReminderSettings.__table__
        for settings in {id(obj): obj for obj in pending}.values():
            user_id = settings.user_id
            zone = _timezone_of(session, user_id)
            # Marks the change for a sender holding the row, even when only the
            # timezone (on User) changed.
            session.connection().execute(
                update(table).where(table.c.user_id == user_id).values(updated_at=utcnow())
            )
            _guarded_update(session.connection(), user_id, value_for(settings, zone, clock_now()))
