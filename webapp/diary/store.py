"""Reading and writing one person's diary. Every query here starts from a user.

Views call these instead of writing queries, so no code path can reach another
person's entries by id: a foreign id is simply not found.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from webapp.diary import format as diary_format
from webapp.extensions import db
from webapp.models import Entry, User
from webapp.validation import zone_or_utc

# Limits a person never meets but a script does: each bounds what one page costs.
ENTRIES_PER_DAY_MAX = 50
IMPORT_MAX_ENTRIES = 10_000
IMPORT_MAX_BYTES = 2 * 1024 * 1024
DAY_FULL_MESSAGE = (
    f"This day already has {ENTRIES_PER_DAY_MAX} entries, the most one day can hold. "
    "Edit one of them instead."
)


class DayFull(ValueError):
    """The day already holds ENTRIES_PER_DAY_MAX entries."""


def entries_on(user: User, day: dt.date) -> int:
    query = select(db.func.count()).select_from(Entry).filter_by(user_id=user.id, date=day)
    return db.session.scalar(query) or 0


def local_today(user: User | None, now: dt.datetime | None = None) -> dt.date:
    """The person's own today, in their timezone (UTC when unknown)."""
    now = now or dt.datetime.now(dt.UTC)
    return now.astimezone(zone_or_utc(user.timezone if user else None)).date()


def get_entry(user: User, entry_id: str) -> Entry | None:
    """The person's entry with this id, or None (also for someone else's id)."""
    try:
        entry_id = str(uuid.UUID(entry_id))
    except ValueError:
        return None
    return db.session.scalar(select(Entry).filter_by(user_id=user.id, id=entry_id))


def entries_between(
    user: User, start: dt.date | None = None, end: dt.date | None = None
) -> list[Entry]:
    """The person's entries from ``start`` to ``end`` (inclusive), oldest first."""
    query = select(Entry).filter_by(user_id=user.id)
    if start:
        query = query.where(Entry.date >= start)
    if end:
        query = query.where(Entry.date <= end)
    return list(db.session.scalars(query.order_by(Entry.date, Entry.created_at)))


def entries_page(user: User, before: dt.date | None, days: int) -> tuple[list[Entry], bool]:
    """Entries of the ``days`` days up to ``before`` (exclusive), newest first.

    Returns the entries and whether older ones exist, for "load more".
    """
    query = select(Entry).filter_by(user_id=user.id)
    if before:
        query = query.where(Entry.date < before)
    newest = db.session.scalar(query.with_only_columns(db.func.max(Entry.date)))
    if newest is None:
        return [], False
    oldest = newest - dt.timedelta(days=days - 1)
    page = list(
        db.session.scalars(
            query.where(Entry.date >= oldest).order_by(Entry.date.desc(), Entry.created_at.desc())
        )
    )
    more = db.session.scalar(
        select(Entry.pk).filter_by(user_id=user.id).where(Entry.date < oldest).limit(1)
    )
    return page, more is not None


def save_new_entry(user: User, answers: dict[str, Any]) -> tuple[Entry, bool]:
    """Store a validated entry; an ``id`` already stored returns that entry unchanged.

    The id is made by the client, so replaying an upload (the offline queue does)
    is harmless. Returns the stored entry and whether it was created now.
    """
    entry_id = answers.get("id") or str(uuid.uuid4())
    existing = get_entry(user, entry_id)
    if existing:
        return existing, False
    if entries_on(user, answers["date"]) >= ENTRIES_PER_DAY_MAX:
        raise DayFull(DAY_FULL_MESSAGE)
    entry = Entry(id=entry_id, user_id=user.id)
    entry.apply(answers)
    db.session.add(entry)
    try:
        db.session.commit()
    except IntegrityError:
        # Two replays raced: the other one stored it first. Answer with that one.
        db.session.rollback()
        existing = get_entry(user, entry_id)
        if existing is None:
            raise
        return existing, False
    return entry, True


def update_entry(entry: Entry, answers: dict[str, Any]) -> Entry:
    """Replace an entry's answers with a validated set (its id stays)."""
    if answers["date"] != entry.date and entries_on(entry.user, answers["date"]) >= (
        ENTRIES_PER_DAY_MAX
    ):
        raise DayFull(DAY_FULL_MESSAGE)
    entry.apply(answers)
    db.session.commit()
    return entry


def delete_entry(entry: Entry) -> None:
    db.session.delete(entry)
    db.session.commit()


def restore_entry(user: User, answers: dict[str, Any]) -> Entry:
    """Put back a deleted entry (undo), with its original id."""
    entry, _created = save_new_entry(user, answers)
    return entry


def export_diary(user: User, entries: list[Entry] | None = None) -> dict[str, Any]:
    """The person's diary (or the given entries) as a fossa-diary/1 document."""
    if entries is None:
        entries = entries_between(user)
    return diary_format.diary_document(
        [entry.to_diary() for entry in entries],
        timezone=user.timezone,
        exported_at=dt.datetime.now(dt.UTC),
    )


@dataclass
class ImportResult:
    """What an import did, or why it refused the file."""

    added: int = 0
    already_there: int = 0
    errors: list[str] = field(default_factory=list)


def import_diary(user: User, document: Any, today: dt.date) -> ImportResult:
    """Add a fossa-diary/1 document's entries; entries whose id is stored are skipped.

    All or nothing: one invalid entry refuses the whole file, with the reasons.
    """
    result = ImportResult()
    if not isinstance(document, dict) or document.get("format") != diary_format.FORMAT:
        result.errors.append(f"This is not a {diary_format.FORMAT} file.")
        return result
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        result.errors.append("The file has no list of entries.")
        return result
    if len(raw_entries) > IMPORT_MAX_ENTRIES:
        result.errors.append(
            f"This file has {len(raw_entries):,} entries; one import takes at most "
            f"{IMPORT_MAX_ENTRIES:,}. Split it into smaller files."
        )
        return result
    # An export may be re-imported after the entries were made elsewhere; dates up
    # to the file's own day are fine, and never more than a day past today.
    cleaned: list[dict[str, Any]] = []
    for index, raw in enumerate(raw_entries, start=1):
        checked = diary_format.validate_entry(raw, today=today)
        if not checked.ok:
            for field_name, messages in checked.errors.items():
                result.errors.append(f"Entry {index}, {field_name}: {' '.join(messages)}")
            if len(result.errors) >= 10:
                break
            continue
        entry = dict(checked.entry)
        entry.setdefault("id", str(uuid.uuid4()))
        cleaned.append(entry)
    if result.errors:
        return result

    ids = [entry["id"] for entry in cleaned]
    stored = set()
    for chunk_start in range(0, len(ids), 500):
        chunk = ids[chunk_start : chunk_start + 500]
        stored.update(
            db.session.scalars(
                select(Entry.id).filter_by(user_id=user.id).where(Entry.id.in_(chunk))
            )
        )
    new = [answers for answers in cleaned if answers["id"] not in stored]
    full = _days_over_limit(user, new)
    if full:
        days = ", ".join(day.isoformat() for day in full[:3])
        result.errors.append(
            f"This file would put more than {ENTRIES_PER_DAY_MAX} entries on one day ({days}"
            + (", …" if len(full) > 3 else "")
            + "). Nothing was imported."
        )
        return result
    for answers in cleaned:
        if answers["id"] in stored:
            result.already_there += 1
            continue
        stored.add(answers["id"])
        entry = Entry(id=answers["id"], user_id=user.id)
        entry.apply(answers)
        db.session.add(entry)
        result.added += 1
    db.session.commit()
    return result


def _days_over_limit(user: User, new: list[dict[str, Any]]) -> list[dt.date]:
    """The days that the new entries would fill past ENTRIES_PER_DAY_MAX."""
    per_day: dict[dt.date, int] = {}
    for answers in new:
        per_day[answers["date"]] = per_day.get(answers["date"], 0) + 1
    if not per_day:
        return []
    days = list(per_day)
    stored: dict[dt.date, int] = {}
    for start in range(0, len(days), 500):
        stored.update(
            db.session.execute(
                select(Entry.date, db.func.count())
                .filter_by(user_id=user.id)
                .where(Entry.date.in_(days[start : start + 500]))
                .group_by(Entry.date)
            ).all()
        )
    return sorted(
        day for day, count in per_day.items() if count + stored.get(day, 0) > ENTRIES_PER_DAY_MAX
    )
