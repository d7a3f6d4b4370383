"""Which emergency warnings a person has not acknowledged yet, and acknowledging them.

A warning is "raised" by an entry on a day (the engine's red_flags_by_day, the
same judgement the history shows). It stays open, at the top of /today and as a
badge on Insights, until the person acknowledges that raising; a later entry that
raises the flag again is a new warning. Every query starts from the user.
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import asdict, dataclass, field
from typing import Any

from flask import current_app, g
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from webapp.diary import store as diary_store
from webapp.extensions import db
from webapp.insights import red_flags_by_day
from webapp.models import FlagAcknowledgement, User
from webapp.questions.episodes import current_episode, facts_of

# How long an unacknowledged emergency stays at the top of /today: the schema's
# red-flag window. Older ones are still in the history beside their entry.
OPEN_DAYS = 14
# The engine looks back at most this far to judge one day's flags.
_JUDGE_LOOKBACK_DAYS = 28
_MEMO_SIZE = 2048
_MEMO_LOCK = threading.Lock()


@dataclass
class OpenEmergency:
    """One emergency flag with the raisings of it the person has not acknowledged."""

    code: str
    urgency: str
    title: str
    advice: str
    passage: str
    raised_on: str  # the latest day it was raised, ISO
    raised_by: list[str] = field(default_factory=list)


def _raised_key(entry_id: str | None, day: dt.date) -> str:
    return entry_id or f"day:{day.isoformat()}"


def _acknowledged(user: User) -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(FlagAcknowledgement.code, FlagAcknowledgement.raised_by).filter_by(user_id=user.id)
    )
    return {(code, raised_by) for code, raised_by in rows}


def _state_of(user: User) -> tuple[Any, ...]:
    """What open_emergencies depends on: the diary version (bumped by every write to
    entries and episodes, webapp/diary/version.py) and the acknowledgements."""
    acknowledged = db.session.scalar(
        select(func.count(FlagAcknowledgement.id)).where(FlagAcknowledgement.user_id == user.id)
    )
    return (user.diary_version or 0, acknowledged)


def open_emergencies(user: User, today: dt.date | None = None) -> list[OpenEmergency]:
    """The emergencies raised in the last OPEN_DAYS days and not yet acknowledged.

    Every page asks (the Insights badge), so the answer is kept per app, keyed by
    the state it depends on (entries, acknowledgements, episodes, the day).
    """
    today = today or diary_store.local_today(user)
    first = today - dt.timedelta(days=OPEN_DAYS - 1)
    lookback = first - dt.timedelta(days=_JUDGE_LOOKBACK_DAYS)
    key = (user.id, today, *_state_of(user))
    memo = current_app.extensions.setdefault("fossa_open_emergencies", OrderedDict())
    with _MEMO_LOCK:
        if key in memo:
            memo.move_to_end(key)
            return copy.deepcopy(memo[key])
    found = _judge_open(user, today, first, lookback)
    with _MEMO_LOCK:
        memo[key] = copy.deepcopy(found)
        while len(memo) > _MEMO_SIZE:
            memo.popitem(last=False)
    return found


def _judge_open(
    user: User, today: dt.date, first: dt.date, lookback: dt.date
) -> list[OpenEmergency]:
    entries = diary_store.entries_between(user, lookback, today)
    if not entries:
        return []
    acknowledged = _acknowledged(user)
    by_code: dict[str, OpenEmergency] = {}

    def add(flag: dict[str, Any], raisings: dict[str, str]) -> None:
        keys = {
            key: day for key, day in raisings.items() if (flag["code"], key) not in acknowledged
        }
        if not keys:
            return
        seen = by_code.setdefault(
            flag["code"],
            OpenEmergency(
                flag["code"], flag["urgency"], flag["title"], flag["advice"], flag["passage"], ""
            ),
        )
        seen.raised_on = max(seen.raised_on, *keys.values())
        seen.raised_by = sorted(set(seen.raised_by) | set(keys))

    # Each day as the history judges it (the flag stays beside its entry), notes and
    # the current episode's facts read as evaluate reads them.
    facts = facts_of(current_episode(user, today)) or None
    for day, flag in red_flags_by_day(entries, first, today, episode=facts):
        if flag.urgency == "emergency":
            iso = day.isoformat()
            add(
                asdict(flag),
                {_raised_key(e.entry_id, day): iso for e in flag.evidence if e.date == iso},
            )
    return sorted(by_code.values(), key=lambda item: item.raised_on, reverse=True)


def open_emergencies_now(user: User) -> list[OpenEmergency]:
    """open_emergencies(user), once per request (the page and its tab badge share it)."""
    cached = g.get("_open_emergencies")
    if cached is None or cached[0] != user.id:
        cached = (user.id, open_emergencies(user))
        g._open_emergencies = cached
    return cached[1]


def acknowledge(user: User, code: str, raised_by: list[str]) -> int:
    """Acknowledge the open raisings of ``code`` named in ``raised_by``; returns how many.

    Only raisings that are open now are stored, so a form cannot acknowledge a
    warning the person was never shown.
    """
    open_now = {item.code: item for item in open_emergencies(user)}
    shown = open_now.get(code)
    if shown is None:
        return 0
    wanted = [key for key in dict.fromkeys(raised_by) if key in shown.raised_by]
    raised_on = dt.date.fromisoformat(shown.raised_on)
    for key in wanted:
        db.session.add(
            FlagAcknowledgement(user_id=user.id, code=code, raised_by=key, raised_on=raised_on)
        )
    try:
        db.session.commit()
    except IntegrityError:
        # A second tab acknowledged the same warning first: it is acknowledged.
        db.session.rollback()
    g.pop("_open_emergencies", None)
    return len(wanted)
