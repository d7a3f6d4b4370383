"""Days in a person's life: their timezone, their today, and the bounds of a diary date.

Pure Python (zoneinfo, no Flask). Every place that reads a date from outside (the
entry form, the JSON API, an imported file, an export or share period) checks it
against the same bounds, and every place that counts days from a stored date uses
``shift`` so the extremes of ``datetime.date`` never raise.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from webapp.validation import check_timezone, zone_or_utc

# No diary reaches further back; older dates are typing mistakes (year 1, 0202).
FLOOR = dt.date(1900, 1, 1)
# "Today" differs across timezones by up to a day: one day of slack ahead, no more.
DAYS_AHEAD = 1


def known_zone(name: str | None) -> str | None:
    """The IANA zone name if it is one (as the browser's Intl reports it), else None."""
    return check_timezone(name)


def zone_of(name: str | None) -> ZoneInfo:
    """The zone of that name, UTC when unknown."""
    return zone_or_utc(name)


def local_today(zone_name: str | None, now: dt.datetime | None = None) -> dt.date:
    """Today in that zone (UTC when unknown)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(zone_of(zone_name)).date()


def ceiling(today: dt.date) -> dt.date:
    """The latest date a person may record: their today plus the slack."""
    return shift(today, DAYS_AHEAD)


def out_of_bounds(day: dt.date, today: dt.date) -> str | None:
    """Why ``day`` cannot be a diary date, or None when it can."""
    if day < FLOOR:
        return f"Choose a day from {FLOOR:%-d %B %Y} on."
    if day > ceiling(today):
        return "This day is in the future."
    return None


def shift(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, stopping at the ends of the calendar instead of raising."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min
