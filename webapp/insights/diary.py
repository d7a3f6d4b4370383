"""Bring the engine's input to one shape: clean ``fossa-diary/1`` dicts, oldest first.

The engine accepts dicts or objects with ``.to_diary()`` (the Entry model). A value
of the wrong type or outside the format is dropped, i.e. read as "not recorded",
rather than trusted or allowed to crash the engine: findings about health must
never rest on a malformed answer, and a bad file must not stop the others.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from webapp.diary.format import BOOLEANS, ENUMS, LISTS, NOTES_MAX


def _as_dict(entry: Any) -> Mapping[str, Any] | None:
    if isinstance(entry, Mapping):
        return entry
    to_diary = getattr(entry, "to_diary", None)
    if callable(to_diary):
        result = to_diary()
        return result if isinstance(result, Mapping) else None
    return None


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def clean_entry(raw: Mapping[str, Any]) -> dict[str, Any] | None:
    """One entry with only well-formed answers and `date` as a date; None without a date."""
    day = _as_date(raw.get("date"))
    if day is None:
        return None
    entry: dict[str, Any] = {"date": day}
    entry_id = raw.get("id")
    if isinstance(entry_id, str):
        entry["id"] = entry_id
    pain = raw.get("pain")
    if isinstance(pain, int) and not isinstance(pain, bool) and 0 <= pain <= 10:
        entry["pain"] = pain
    for field, allowed in ENUMS.items():
        value = raw.get(field)
        if isinstance(value, str) and value in allowed:
            entry[field] = value
    for field, allowed in LISTS.items():
        value = raw.get(field)
        if isinstance(value, list | tuple) and all(
            isinstance(v, str) and v in allowed for v in value
        ):
            entry[field] = tuple(value)
    for field in BOOLEANS:
        value = raw.get(field)
        if isinstance(value, bool):
            entry[field] = value
    # Not fossa-diary/1 entry fields, but read when given: an episode fact recorded
    # with the entry (insights/episode.py) and the note, which the engine reads.
    if isinstance(raw.get("prior_injury"), bool):
        entry["prior_injury"] = raw["prior_injury"]
    notes = raw.get("notes")
    if isinstance(notes, str) and notes.strip():
        entry["notes"] = notes[:NOTES_MAX]
    return entry


def _order_key(entry: dict[str, Any]) -> tuple[Any, ...]:
    return entry["date"], entry.get("id", "")


def _body(entry: dict[str, Any]) -> str:
    return json.dumps(entry, sort_keys=True, default=str)


def _sort(entries: list[dict[str, Any]]) -> None:
    """Date first, then id, then the whole entry: a total order, so the findings do not
    depend on the order the entries came in, even for two entries of one day. The
    whole entry is compared only where date and id are the same (rare and cheap)."""
    entries.sort(key=_order_key)
    start = 0
    while start < len(entries):
        end = start + 1
        key = _order_key(entries[start])
        while end < len(entries) and _order_key(entries[end]) == key:
            end += 1
        if end - start > 1:
            entries[start:end] = sorted(entries[start:end], key=_body)
        start = end


def prepare(entries: Iterable[Any], today: dt.date, lookback_days: int) -> list[dict[str, Any]]:
    """The clean entries dated within `lookback_days` up to `today`, oldest first."""
    first_day = today - dt.timedelta(days=lookback_days - 1)
    low, high = first_day.isoformat(), today.isoformat()
    kept: list[dict[str, Any]] = []
    for item in entries:
        raw = _as_dict(item)
        if raw is None:
            continue
        # Cheap string test first: a long diary is mostly outside the window, and
        # ISO dates sort as strings, so most entries cost one comparison.
        raw_date = raw.get("date")
        if isinstance(raw_date, str) and not (low <= raw_date[:10] <= high):
            continue
        entry = clean_entry(raw)
        if entry is not None and first_day <= entry["date"] <= today:
            kept.append(entry)
    _sort(kept)
    return kept
