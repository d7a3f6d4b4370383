"""The current episode, its facts, and what a note adds to an entry.

Pure Python. Three small steps the engine takes before it judges anything:

1. ``read_notes``: each entry's note is read (``notes.read_note``) and every sign it
   gives is added to a copy of the entry where the person has NOT answered that
   field: a recorded answer always wins over a note. Where a value came from is
   kept under the private key ``_from`` (``{field: Source}``), so evidence can say
   "from your note of 12 March: 'calf red and swollen'".
2. ``episode_entries``: the current episode. It is the entries of the last
   ``knowledge.EPISODE_WINDOW_DAYS`` days up to today that come after the newest
   break, a break being ``knowledge.EPISODE_BREAK_DAYS`` days or more between two
   logged days with pain (pain above 0, or not recorded). With no painful day at
   all, the episode is the whole window. A new injury after two pain-free weeks
   is a new episode; a gap in logging inside an injury is not.
3. ``fill_episode_facts``: the answers that belong to the injury, not the day
   (``knowledge.EPISODE_FIELDS``), count for every entry of the episode. Where an
   entry has no value of its own, it takes the episode's: the ``episode`` mapping
   (answers stored for the injury) first, then the newest answer recorded on an
   entry of the episode, then the newest note that gave one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from webapp.diary.format import ENUMS
from webapp.insights import knowledge as kb
from webapp.insights.diary import prepare
from webapp.insights.notes import read_note

Entry = dict[str, Any]

_BOOL_FACTS = {"popping", "lump", "prior_injury"}


@dataclass(frozen=True)
class Source:
    """Where a value an entry holds came from, when not from the entry's own answer."""

    source: str  # "answer" | "note"
    date: str
    entry_id: str | None
    quote: str | None = None
    episode: bool = False  # an episode fact, filled in from elsewhere in the episode


def clean_episode_facts(facts: Mapping[str, Any] | None) -> dict[str, Any]:
    """The well-formed episode facts of a mapping; anything else is dropped as unknown."""
    if not isinstance(facts, Mapping):
        return {}
    clean: dict[str, Any] = {}
    for field in kb.EPISODE_FIELDS:
        value = facts.get(field)
        if field in _BOOL_FACTS:
            if isinstance(value, bool):
                clean[field] = value
        elif isinstance(value, str) and value in ENUMS.get(field, {}):
            clean[field] = value
    return clean


def _note_value(field: str, value: Any) -> Any:
    return (value,) if field in ("provoked_by", "locations") else value


def read_notes(entries: Iterable[Entry], lang: str = "en") -> list[Entry]:
    """Copies of the entries with the signs of their notes where no answer was given."""
    read = []
    for entry in entries:
        note = entry.get("notes")
        signs = read_note(note, lang) if isinstance(note, str) else []
        if not signs:
            read.append(entry)
            continue
        copy = dict(entry)
        sources = dict(copy.get("_from", {}))
        for sign in signs:
            field, value = sign["field"], _note_value(sign["field"], sign["value"])
            if field in entry:
                continue  # a recorded answer wins
            if field in copy and field in sources:
                # A second value of a list field from the same note joins the first.
                if isinstance(copy[field], tuple) and value[0] not in copy[field]:
                    copy[field] = (*copy[field], *value)
                continue
            copy[field] = value
            sources[field] = Source(
                "note", entry["date"].isoformat(), entry.get("id"), quote=sign["quote"]
            )
        copy["_from"] = sources
        read.append(copy)
    return read


def entry_day(entry: Entry) -> str:
    return entry["date"].isoformat()


def _painful(entry: Entry) -> bool:
    return entry.get("pain", 1) > 0


def episode_start(entries: list[Entry], today: dt.date) -> dt.date | None:
    """The first day of the current episode (entries oldest first), None without entries."""
    first_day = today - dt.timedelta(days=kb.EPISODE_WINDOW_DAYS - 1)
    window = [e for e in entries if first_day <= e["date"] <= today]
    if not window:
        return None
    painful = sorted({e["date"] for e in window if _painful(e)})
    if not painful:
        return window[0]["date"]
    start = painful[0]
    for before, after in zip(painful, painful[1:], strict=False):
        if (after - before).days >= kb.EPISODE_BREAK_DAYS:
            start = after
    if start == painful[0]:
        return window[0]["date"]
    return start


def episode_entries(entries: list[Entry], today: dt.date) -> list[Entry]:
    """The entries of the current episode, oldest first."""
    start = episode_start(entries, today)
    if start is None:
        return []
    return [e for e in entries if start <= e["date"] <= today]


def episode_facts(
    episode: list[Entry], stored: Mapping[str, Any] | None
) -> dict[str, tuple[Any, Source]]:
    """Each known episode fact with where it came from (see the module docstring)."""
    facts: dict[str, tuple[Any, Source]] = {}
    first = episode[0] if episode else None
    for field, value in clean_episode_facts(stored).items():
        day = first["date"].isoformat() if first else ""
        facts[field] = (value, Source("answer", day, None, episode=True))
    for want in ("answer", "note"):
        for entry in reversed(episode):  # newest first
            sources = entry.get("_from", {})
            for field in kb.EPISODE_FIELDS:
                if field in facts or field not in entry:
                    continue
                source = sources.get(field)
                kind = source.source if source else "answer"
                if kind != want:
                    continue
                if source is None:
                    source = Source("answer", entry["date"].isoformat(), entry.get("id"))
                facts[field] = (entry[field], source)
    return facts


def fill_episode_facts(
    episode: list[Entry],
    facts: Mapping[str, tuple[Any, Source]],
    skip: Iterable[str] = (),
    forward_only: bool = False,
) -> list[Entry]:
    """Copies of the episode's entries with the episode facts where they have none.

    A stored episode answer replaces a value that only a note gave. Fields in
    `skip` are left alone (the red flags never let a fact from another day clear
    them: see engine._FLAG_UNFILLED). With `forward_only` (the red flags' view), a
    fact recorded on an entry counts from that entry's day on, so a pop logged on
    Friday is not "followed by" Wednesday's swelling; a stored episode answer
    counts from the start.
    """
    skip = set(skip)
    filled = []
    for entry in episode:
        sources = entry.get("_from", {})
        copy = None
        for field, (value, source) in facts.items():
            if field in skip:
                continue
            own = field in entry and field not in sources
            from_note = field in sources and sources[field].source == "note"
            if own or (from_note and source.source == "note"):
                continue
            if forward_only and source.entry_id is not None and source.date > entry_day(entry):
                continue
            if copy is None:
                copy = dict(entry)
                copy["_from"] = dict(sources)
            copy[field] = value
            copy["_from"][field] = Source(
                source.source, source.date, source.entry_id, source.quote, episode=True
            )
        filled.append(entry if copy is None else copy)
    return filled


# ------------------------------------------------------------ episodes in a diary file
# A fossa-diary/1 file may carry the episode facts in an optional top-level list,
#   "episodes": [{"start": "2026-03-01", "facts": {"onset": "sudden", "prior_injury": true}}]
# `start` is the first day of that episode (current_episode()["start"] when it was
# stored); `facts` holds only knowledge.EPISODE_FIELDS. A reader that does not know the
# key ignores it, so files stay fossa-diary/1; a file without it is as before.


def _iso_day(value: Any) -> dt.date | None:
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10]) if len(value) == 10 else None
        except ValueError:
            return None
    return None


def current_episode(entries: Iterable[Any], today: dt.date) -> dict[str, str] | None:
    """The current episode's first and last logged day, ``{"start", "end"}``, or None.

    The key the product stores episode facts under. Entries are fossa-diary/1 dicts or
    objects with .to_diary(), as ``evaluate`` takes them.
    """
    window = prepare(entries, today, kb.EPISODE_WINDOW_DAYS)
    start = episode_start(window, today)
    if start is None:
        return None
    return {"start": start.isoformat(), "end": window[-1]["date"].isoformat()}


def episodes_from_diary(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The well-formed episodes of a diary file's optional ``episodes`` list, oldest first.

    An item without a valid ``start`` day, or with no valid fact, is dropped; unknown
    keys and malformed values are dropped too (read as "not recorded").
    """
    raw = document.get("episodes") if isinstance(document, Mapping) else None
    if not isinstance(raw, list):
        return []
    episodes: dict[str, dict[str, Any]] = {}
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        start = _iso_day(item.get("start"))
        facts = clean_episode_facts(item.get("facts"))
        if start is None or not facts:
            continue
        # Two items for one start: the later one in the file wins, field by field.
        episodes.setdefault(start.isoformat(), {}).update(facts)
    return [{"start": start, "facts": facts} for start, facts in sorted(episodes.items())]


def episodes_to_diary(episodes: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The ``episodes`` list to write into a diary file (same shape as read back)."""
    return episodes_from_diary({"episodes": list(episodes)})


def episode_facts_for(
    episodes: Iterable[Mapping[str, Any]], entries: Iterable[Any], today: dt.date
) -> dict[str, Any]:
    """The stored facts that belong to the current episode: the ``episode`` for evaluate().

    A stored episode belongs to the current one when its start falls within it (from
    the current episode's first day to today): an episode before a pain-free break is
    another injury. Where several match, the latest start wins field by field.
    """
    entries = list(entries)
    current = current_episode(entries, today)
    if current is None:
        return {}
    first, last = current["start"], today.isoformat()
    facts: dict[str, Any] = {}
    for episode in episodes_from_diary({"episodes": list(episodes)}):
        if first <= episode["start"] <= last:
            facts.update(episode["facts"])
    return facts
