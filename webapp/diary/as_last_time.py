"""What a new entry starts with: the knee and the details that do not change from day
to day, as the person gave them last time in this episode, and their activities, most
recent first.

Pure: entries are fossa-diary/1 dicts. A field is carried over only when no red flag
and no safety question reads it, so a warning or a safety question never rests on an
answer given on another day: those are asked afresh each time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from webapp.insights import client_red_flag_rules, client_safety_screens
from webapp.insights import knowledge as kb

# Pain that comes back after this many days without an entry is a new episode.
EPISODE_GAP_DAYS: int = kb.EPISODE_BREAK_DAYS


def _fields_read(condition: Any, out: set[str]) -> set[str]:
    if isinstance(condition, Mapping):
        for key, value in condition.items():
            if key == "field" and isinstance(value, str):
                out.add(value)
            else:
                _fields_read(value, out)
    elif isinstance(condition, list | tuple):
        for item in condition:
            _fields_read(item, out)
    return out


def _never_carried() -> frozenset[str]:
    read: set[str] = set()
    for rule in client_red_flag_rules():
        _fields_read(rule["when"], read)
    for screen in client_safety_screens():
        _fields_read(screen["when"], read)
        read.update(screen["fields"])
    return frozenset(read) | frozenset(kb.EPISODE_FIELDS)


def carried_fields(detail_fields: Iterable[str]) -> tuple[str, ...]:
    """Of the "more details" fields, those a new entry may start with from last time."""
    never = _never_carried()
    return tuple(name for name in detail_fields if name not in never)


def last_of_episode(
    entries: Sequence[Mapping[str, Any]], today: dt.date
) -> Mapping[str, Any] | None:
    """The newest entry (oldest-first list) of the current episode: on or before today
    and no more than EPISODE_GAP_DAYS before it."""
    for entry in reversed(entries):
        day = entry.get("date")
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        if day is None or day > today:
            continue
        return entry if (today - day).days < EPISODE_GAP_DAYS else None
    return None


def starting_answers(last: Mapping[str, Any] | None, carried: Iterable[str]) -> dict[str, Any]:
    """The side and the carried details of ``last``, as fossa-diary/1 values."""
    if not last:
        return {}
    result: dict[str, Any] = {}
    for name in ("side", *carried):
        value = last.get(name)
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        result[name] = list(value) if isinstance(value, list | tuple) else value
    return result


def recent_first(
    choices: Mapping[str, str], entries: Sequence[Mapping[str, Any]], field: str = "activity"
) -> dict[str, str]:
    """``choices`` with the values of the newest entries first, then the rest in order."""
    recent: list[str] = []
    for entry in reversed(entries):
        value = entry.get(field)
        if value in choices and value not in recent:
            recent.append(value)
    ordered = recent + [value for value in choices if value not in recent]
    return {value: choices[value] for value in ordered}


__all__ = [
    "EPISODE_GAP_DAYS",
    "carried_fields",
    "last_of_episode",
    "recent_first",
    "starting_answers",
]
