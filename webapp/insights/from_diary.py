"""Findings for a person's stored diary: the one bridge from the database to the engine.

The engine is pure and reads whatever it is given; this module decides which
entries that is, so the insights page, the API, the log's red-flag banner and
the doctor's report all judge the same stretch of the diary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from webapp.diary import store
from webapp.insights import evaluate
from webapp.models import User

# The engine looks back at most four weeks for causes and two for red flags;
# ninety days lets it see what came before without reading a whole history.
LOOKBACK_DAYS = 90


def findings_for(user: User, today: dt.date | None = None) -> dict[str, Any]:
    """The findings of ``user``'s recent diary, JSON-ready (see Findings.to_dict)."""
    today = today or store.local_today(user)
    start = today - dt.timedelta(days=LOOKBACK_DAYS - 1)
    return evaluate(store.entries_between(user, start, today), today).to_dict()


def flags_raised_by(findings: dict[str, Any], entry_id: str) -> list[dict[str, Any]]:
    """The red flags whose evidence includes the entry just saved, most urgent first."""
    return [
        flag
        for flag in findings["red_flags"]
        if any(item.get("entry_id") == entry_id for item in flag["evidence"])
    ]
