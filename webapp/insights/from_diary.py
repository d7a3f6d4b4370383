"""Findings for a person's stored diary: the one bridge from the database to the engine.

The engine is pure and reads whatever it is given; this module decides which
entries that is, so the insights page, the API, the log's red-flag banner and
the doctor's report all judge the same stretch of the diary.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from webapp.diary import days as diary_days
from webapp.diary import store
from webapp.insights import evaluate, red_flags_between, red_flags_by_day
from webapp.models import Entry, User

# The engine looks back at most four weeks for causes and two for red flags;
# ninety days lets it see what came before without reading a whole history.
LOOKBACK_DAYS = 90


def findings_for(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The findings of ``user``'s recent diary, JSON-ready (see Findings.to_dict)."""
    today = today or store.local_today(user)
    start = diary_days.shift(today, -(LOOKBACK_DAYS - 1))
    return evaluate(store.entries_between(user, start, today), today).to_dict()


def flags_raised_by(findings: dict[str, Any], entry_id: str) -> list[dict[str, Any]]:
    """The red flags whose evidence includes the entry just saved, most urgent first."""
    return [
        flag
        for flag in findings["red_flags"]
        if any(item.get("entry_id") == entry_id for item in flag["evidence"])
    ]


def red_flags_in(user: User, first: dt.date, last: dt.date) -> list[dict[str, Any]]:
    """Every red flag ``user``'s diary raised from ``first`` to ``last`` (for the doctor)."""
    entries = store.entries_between(user, diary_days.shift(first, -LOOKBACK_DAYS), last)
    return [asdict(flag) for flag in red_flags_between(entries, first, last)]


def flags_by_entry(user: User, shown: list[Entry]) -> dict[str, list[dict[str, Any]]]:
    """The red flags each of the ``shown`` entries raised on its day, by entry id."""
    # A stored date outside the bounds (an old import, a bug) is shown, never judged:
    # the engine counts days back from each date, which year 1 cannot give.
    today = store.local_today(user)
    shown = [e for e in shown if diary_days.out_of_bounds(e.date, today) is None]
    if not shown:
        return {}
    first, last = min(e.date for e in shown), max(e.date for e in shown)
    entries = store.entries_between(user, diary_days.shift(first, -LOOKBACK_DAYS), last)
    wanted = {entry.id for entry in shown}
    by_entry: dict[str, list[dict[str, Any]]] = {}
    for day, flag in red_flags_by_day(entries, first, last):
        raisers = {e.entry_id for e in flag.evidence if e.date == day.isoformat()} & wanted
        for entry_id in sorted(raisers):
            by_entry.setdefault(entry_id, []).append(asdict(flag))
    return by_entry
