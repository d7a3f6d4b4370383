"""Findings for a person's stored diary: the one bridge from the database to the engine.

The engine is pure and reads whatever it is given; this module decides which
entries that is, so the insights page, the API, the log's red-flag banner and
the doctor's report all judge the same stretch of the diary.

Findings are cached in the process per (person, diary version, what was asked:
the local day, or the period). Every write to what the engine reads bumps the
person's ``diary_version`` (webapp/diary/version.py), so a cached answer is only
served for the very diary it was made from; a new day is a new key. Cached values
are shared: callers must not change them (copy first).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import asdict
from typing import Any, TypeVar

from webapp.diary import days as diary_days
from webapp.diary import store
from webapp.insights import evaluate, red_flags_between, red_flags_by_day
from webapp.insights.findings import RedFlag
from webapp.insights.knowledge import EPISODE_WINDOW_DAYS
from webapp.insights.story import Story, tell_story
from webapp.lru import LRU
from webapp.models import Entry, User
from webapp.questions.episodes import current_episode, facts_of

# The engine looks back at most four weeks for causes and two for red flags;
# ninety days lets it see what came before without reading a whole history.
LOOKBACK_DAYS = 90
CACHE_SIZE = 512

V = TypeVar("V")


_MISSING = object()


class FindingsCache(LRU[Hashable, Any]):
    """Computed findings, keyed with the person's diary version (every write bumps it)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)
        self.enabled = True

    def get_or_make(self, user: User, key: tuple[Hashable, ...], make: Callable[[], V]) -> V:
        if not self.enabled:
            return make()
        full_key = (user.id, user.diary_version or 0, *key)
        value = self.get(full_key, _MISSING)
        if value is _MISSING:  # None is a value too: a diary with no story yet
            value = make()
            self.put(full_key, value)
        return value


cache = FindingsCache()


def findings_for(
    user: User, today: dt.date | None = None, entries: list[Entry] | None = None
) -> dict[str, Any]:
    """The findings of ``user``'s recent diary, JSON-ready (see Findings.to_dict).

    ``entries``, when the caller has read them already, must hold at least the
    LOOKBACK_DAYS up to ``today`` (more is fine: the engine keeps its window).
    """
    today = today or store.local_today(user)

    def make() -> dict[str, Any]:
        start = diary_days.shift(today, -(LOOKBACK_DAYS - 1))
        diary = entries if entries is not None else store.entries_between(user, start, today)
        # The facts of the current injury (asked once) count for every entry of it.
        episode = facts_of(current_episode(user, today)) or None
        return evaluate(diary, today, episode=episode).to_dict()

    # Episode rows are diary inputs too (@reads_diary), so their writes re-key this.
    return cache.get_or_make(user, ("today", today), make)


def story_for(user: User, today: dt.date | None = None) -> Story | None:
    """The story of ``user``'s current episode (insights/story.py), cached like the findings."""
    today = today or store.local_today(user)

    def make() -> Story | None:
        start = diary_days.shift(today, -(EPISODE_WINDOW_DAYS - 1))
        return tell_story(store.entries_between(user, start, today), today)

    return cache.get_or_make(user, ("story", today), make)


def flags_raised_by(findings: dict[str, Any], entry_id: str) -> list[dict[str, Any]]:
    """The red flags whose evidence includes the entry just saved, most urgent first."""
    return [
        flag
        for flag in findings["red_flags"]
        if any(item.get("entry_id") == entry_id for item in flag["evidence"])
    ]


def red_flags_in(
    user: User, first: dt.date, last: dt.date, entries: list[Entry] | None = None
) -> list[dict[str, Any]]:
    """Every red flag ``user``'s diary raised from ``first`` to ``last`` (for the doctor).

    ``entries``, when given, must cover LOOKBACK_DAYS before ``first`` up to ``last``.
    """

    def make() -> list[dict[str, Any]]:
        diary = entries
        if diary is None:
            diary = store.entries_between(user, diary_days.shift(first, -LOOKBACK_DAYS), last)
        return [asdict(flag) for flag in red_flags_between(diary, first, last)]

    return cache.get_or_make(user, ("red_flags_in", first, last), make)


def _flag_for_entry(base: dict[str, Any], own_evidence: list[Any]) -> dict[str, Any]:
    return {**base, "evidence": [asdict(item) for item in own_evidence]}


def flags_by_entry(
    user: User, shown: list[Entry], entries: list[Entry] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The red flags each of the ``shown`` entries raised on its day, by entry id.

    Each entry's copy of a flag carries that entry's own evidence only: a day with
    many raising entries costs linear time, not the square of its entries (issue
    11, H1). ``entries``, when given, must cover LOOKBACK_DAYS before the first
    shown day up to the last.
    """
    # A stored date outside the bounds (an old import, a bug) is shown, never judged:
    # the engine counts days back from each date, which year 1 cannot give.
    today = store.local_today(user)
    shown = [e for e in shown if diary_days.out_of_bounds(e.date, today) is None]
    if not shown:
        return {}
    first, last = min(e.date for e in shown), max(e.date for e in shown)
    wanted = frozenset(entry.id for entry in shown)

    def make() -> dict[str, list[dict[str, Any]]]:
        diary = entries
        if diary is None:
            diary = store.entries_between(user, diary_days.shift(first, -LOOKBACK_DAYS), last)
        by_entry: dict[str, list[dict[str, Any]]] = {}
        for day, flag in red_flags_by_day(diary, first, last):
            base = _flag_fields(flag)
            own: dict[str, list[Any]] = {}
            iso = day.isoformat()
            for item in flag.evidence:
                if item.date == iso and item.entry_id in wanted:
                    own.setdefault(item.entry_id, []).append(item)
            for entry_id in sorted(own):
                by_entry.setdefault(entry_id, []).append(_flag_for_entry(base, own[entry_id]))
        return by_entry

    return cache.get_or_make(user, ("flags_by_entry", first, last, wanted), make)


def _flag_fields(flag: RedFlag) -> dict[str, Any]:
    """The flag's fields but its evidence, made once per flag (not per raising entry)."""
    return {name: getattr(flag, name) for name in flag.__dataclass_fields__ if name != "evidence"}
