"""Episodes: the facts of one injury (how it began, what happened, a pop, a lump, an
earlier injury to this knee), asked once and counted for every entry of it.

How an episode is found and started:

- The current episode is the person's newest episode that started on or before
  today, as long as no break came since it started. A break is a stretch of
  ``EPISODE_BREAK_DAYS`` days or more between two logged days with pain (the
  engine's own definition, ``knowledge.EPISODE_BREAK_DAYS``): pain that comes
  back after weeks without it is a new injury, with its own facts.
- An episode is started only when there is something to keep: the first episode
  answer (or skip) while there is no current episode. It starts on the first day
  with pain of the current stretch (after the newest break), or today when
  nothing hurts yet.

Every query starts from the user. Writes bump nothing else: the findings are
recomputed from the diary and the episode on each read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select

from webapp.diary import format as diary_format
from webapp.extensions import db
from webapp.insights import knowledge as kb
from webapp.models import Entry, Episode, User

BREAK_DAYS: int = kb.EPISODE_BREAK_DAYS
# How far back the start of a stretch of pain is looked for (a year of daily pain
# is one episode; older than that is history).
_START_LOOKBACK_DAYS = 366
MAX_SKIPPED = 200


def _painful_days(user: User, first: dt.date, last: dt.date) -> list[dt.date]:
    query = (
        select(Entry.date)
        .filter_by(user_id=user.id)
        .where(Entry.date >= first, Entry.date <= last, Entry.pain > 0)
        .distinct()
        .order_by(Entry.date)
    )
    return list(db.session.scalars(query))


def _has_break(days: list[dt.date], since: dt.date) -> bool:
    previous = since
    for day in days:
        if (day - previous).days >= BREAK_DAYS:
            return True
        previous = max(previous, day)
    return False


def current_episode(user: User, today: dt.date) -> Episode | None:
    """The episode today's entries belong to, or None when none was started."""
    episode = db.session.scalar(
        select(Episode)
        .filter_by(user_id=user.id)
        .where(Episode.started_on <= today)
        .order_by(Episode.started_on.desc(), Episode.pk.desc())
        .limit(1)
    )
    if episode is None:
        return None
    if _has_break(_painful_days(user, episode.started_on, today), episode.started_on):
        return None
    return episode


def stretch_start(user: User, today: dt.date) -> dt.date:
    """The first day with pain after the newest break (today when nothing hurts)."""
    days = _painful_days(user, today - dt.timedelta(days=_START_LOOKBACK_DAYS), today)
    if not days:
        return today
    start = days[-1]
    for earlier in reversed(days[:-1]):
        if (start - earlier).days >= BREAK_DAYS:
            break
        start = earlier
    return start


def episode_for_answers(user: User, today: dt.date) -> Episode:
    """The current episode, started now when there is none (not committed)."""
    episode = current_episode(user, today)
    if episode is None:
        episode = Episode(
            id=str(uuid.uuid4()), user_id=user.id, started_on=stretch_start(user, today)
        )
        db.session.add(episode)
    return episode


def facts_of(episode: Episode | None) -> dict[str, Any]:
    """The episode's known facts, as the engine reads them (unknown ones left out)."""
    if episode is None:
        return {}
    facts = {field: getattr(episode, field) for field in kb.EPISODE_FIELDS}
    return {field: value for field, value in facts.items() if value is not None}


def set_facts(episode: Episode, values: dict[str, Any]) -> None:
    for field, value in values.items():
        setattr(episode, field, value)


def remember_skip(episode: Episode, key: str) -> None:
    skipped = list(episode.skipped or [])
    if key not in skipped and len(skipped) < MAX_SKIPPED:
        # A new list, so SQLAlchemy sees the JSON column change.
        episode.skipped = [*skipped, key]


def skipped_of(episode: Episode | None) -> list[str]:
    return list(episode.skipped or []) if episode is not None else []


# ------------------------------------------------------------ download and import
def export_episodes(user: User) -> list[dict[str, Any]]:
    """Every episode of the person, oldest first, in the diary file's form.

    The shape is insights.episode's (``{"start", "facts"}``, read back by
    ``episodes_from_diary``), plus the product's own ``id`` (so an import adds an
    episode once) and ``skipped_questions``; readers that do not know them ignore them.
    """
    rows = db.session.scalars(
        select(Episode).filter_by(user_id=user.id).order_by(Episode.started_on, Episode.pk)
    )
    result = []
    for episode in rows:
        item: dict[str, Any] = {
            "start": episode.started_on.isoformat(),
            "facts": facts_of(episode),
            "id": episode.id,
        }
        if episode.skipped:
            item["skipped_questions"] = list(episode.skipped)
        result.append(item)
    return result


def check_episode(raw: Any, today: dt.date) -> tuple[dict[str, Any], list[str]]:
    """One episode of an imported file: (clean model fields, problems)."""
    if not isinstance(raw, dict):
        return {}, ["must be an object"]
    problems = [
        f"{key}: not a field of an episode"
        for key in raw
        if key not in {"start", "facts", "id", "skipped_questions"}
    ]
    clean: dict[str, Any] = {}
    try:
        clean["id"] = str(uuid.UUID(str(raw["id"]))) if raw.get("id") else str(uuid.uuid4())
    except ValueError:
        problems.append("id: must be a UUID")
    try:
        started = dt.date.fromisoformat(str(raw.get("start")))
        if started > today + dt.timedelta(days=diary_format.MAX_DAYS_AHEAD):
            problems.append("start: this day is in the future")
        clean["started_on"] = started
    except ValueError:
        problems.append("start: use a date like 2026-11-25")
    facts = raw.get("facts", {})
    if not isinstance(facts, dict):
        problems.append("facts: must be an object")
        facts = {}
    problems += [
        f"{key}: not a fact of an episode" for key in facts if key not in kb.EPISODE_FIELDS
    ]
    for field in kb.EPISODE_FIELDS:
        value = facts.get(field)
        if value is None:
            continue
        if field in diary_format.ENUMS:
            ok = isinstance(value, str) and value in diary_format.ENUMS[field]
        else:
            ok = isinstance(value, bool)
        if ok:
            clean[field] = value
        else:
            problems.append(f"{field}: not a possible answer")
    skipped = raw.get("skipped_questions")
    if skipped is not None:
        if (
            not isinstance(skipped, list)
            or len(skipped) > MAX_SKIPPED
            or not all(isinstance(s, str) and 0 < len(s) <= 120 for s in skipped)
        ):
            problems.append("skipped_questions: must be a short list of question codes")
        else:
            clean["skipped"] = list(dict.fromkeys(skipped))
    return clean, problems


def add_imported(user: User, episodes: list[dict[str, Any]]) -> int:
    """Add checked episodes whose id is not stored yet (not committed); returns how many."""
    ids = [e["id"] for e in episodes]
    stored = (
        set(
            db.session.scalars(
                select(Episode.id).filter_by(user_id=user.id).where(Episode.id.in_(ids))
            )
        )
        if ids
        else set()
    )
    added = 0
    for item in episodes:
        if item["id"] in stored:
            continue
        stored.add(item["id"])
        db.session.add(Episode(user_id=user.id, **item))
        added += 1
    return added
