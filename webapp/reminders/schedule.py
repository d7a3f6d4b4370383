"""When a reminder is due: pure date and time rules, no Flask, no database.

A reminder belongs to a *local day* of the person. It is due once the person's
chosen local time of that day has passed, on the weekdays they chose, and only
if that day has not been claimed yet. Missing a minute (no run happened) is
harmless: the reminder stays due for the rest of that local day (catch-up), and
the claim of the day makes sure it is sent once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from webapp.validation import zone_or_utc

ALL_DAYS = 0b1111111
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def days_to_mask(days: list[int]) -> int:
    """Weekday numbers (Monday = 0) as the 7-bit mask the database stores."""
    mask = 0
    for day in days:
        mask |= 1 << day
    return mask


def mask_to_days(mask: int) -> list[int]:
    return [day for day in range(7) if mask & (1 << day)]


def runs_on(days_mask: int, day: dt.date) -> bool:
    return bool(days_mask & (1 << day.weekday()))


def reminder_moment(day: dt.date, local_time: dt.time, zone: ZoneInfo) -> dt.datetime:
    """The UTC instant of ``local_time`` on ``day`` in ``zone``.

    On the day clocks go forward a time inside the gap does not exist; PEP 495's
    fold=0 reads it with the offset from before the change, which lands the same
    length of time after the gap (02:30 in Berlin on 2026-03-29 becomes 03:30), as
    alarm clocks do. On the day clocks go back a time that happens twice means its
    first occurrence; the day's claim keeps the second from sending again.
    """
    local = dt.datetime.combine(day, local_time.replace(tzinfo=None, fold=0), tzinfo=zone)
    return local.astimezone(dt.UTC)


@dataclass(frozen=True)
class ReminderRule:
    """What decides whether one person's reminder is due."""

    timezone: str
    local_time: dt.time
    days_mask: int = ALL_DAYS
    last_claimed_day: dt.date | None = None


def local_day(now: dt.datetime, timezone: str) -> dt.date:
    """The person's calendar day at the instant ``now`` (an aware datetime)."""
    return now.astimezone(zone_or_utc(timezone)).date()


def due_day(rule: ReminderRule, now: dt.datetime) -> dt.date | None:
    """The local day whose reminder is due at ``now``, or None when nothing is due."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    zone = zone_or_utc(rule.timezone)
    day = now.astimezone(zone).date()
    if not runs_on(rule.days_mask, day):
        return None
    if rule.last_claimed_day is not None and rule.last_claimed_day >= day:
        return None
    if now < reminder_moment(day, rule.local_time, zone):
        return None
    return day
