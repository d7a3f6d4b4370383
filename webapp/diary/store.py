"""Reading and writing one person's diary. Every query here starts from a user.

Views call these instead of writing queries, so no code path can reach another
person's entries by id: a foreign id is simply not found.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import functools
import os
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from webapp.diary import days as diary_days
from webapp.diary import format as diary_format
from webapp.extensions import db
from webapp.models import Entry, User, utcnow
from webapp.questions.episodes import add_imported, check_episode, export_episodes

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
    query = (
        select(db.func.count())
        .select_from(Entry)
        .filter_by(user_id=user.id, date=day)
        .where(Entry.deleted_at.is_(None))
    )
    return db.session.scalar(query) or 0


def local_today(user: User | None, now: dt.datetime | None = None) -> dt.date:
    """The person's own today, in their timezone (UTC when unknown)."""
    return diary_days.local_today(user.timezone if user else None, now)


# How long a deleted entry can be put back by its owner; `flask diary purge-deleted`
# removes it for good afterwards.
RESTORE_WINDOW = dt.timedelta(minutes=30)


def live_entries(user_id: int) -> Select[tuple[Entry]]:
    """The query every read of a diary starts from: one person's entries, not deleted."""
    return select(Entry).filter_by(user_id=user_id).where(Entry.deleted_at.is_(None))


def _any_entry(user: User, entry_id: str) -> Entry | None:
    """The person's entry with this id, deleted or not (ids are never given twice)."""
    try:
        entry_id = str(uuid.UUID(entry_id))
    except ValueError:
        return None
    return db.session.scalar(select(Entry).filter_by(user_id=user.id, id=entry_id))


@functools.cache
def _between_statement(bounded_start: bool, bounded_end: bool) -> Select:
    """Built once per shape, then run with parameters (building one cost ~0.2 ms)."""
    query = select(Entry).where(Entry.user_id == bindparam("user_id"), Entry.deleted_at.is_(None))
    if bounded_start:
        query = query.where(Entry.date >= bindparam("start"))
    if bounded_end:
        query = query.where(Entry.date <= bindparam("end"))
    return query.order_by(Entry.date, Entry.created_at)


def _between_query(user: User, start: dt.date | None, end: dt.date | None) -> Select:
    return _between_statement(bool(start), bool(end)).params(user_id=user.id, start=start, end=end)


def get_entry(user: User, entry_id: str) -> Entry | None:
    """The person's entry with this id, or None (also for someone else's or a deleted id)."""
    entry = _any_entry(user, entry_id)
    return entry if entry is not None and entry.deleted_at is None else None


def entries_between(
    user: User, start: dt.date | None = None, end: dt.date | None = None
) -> list[Entry]:
    """The person's entries from ``start`` to ``end`` (inclusive), oldest first."""
    return list(db.session.scalars(_between_query(user, start, end)))


def iter_entries_between(
    user: User, start: dt.date | None = None, end: dt.date | None = None, batch: int = 200
) -> Iterator[Entry]:
    """The same entries as ``entries_between``, fetched ``batch`` rows at a time.

    For exports that stream: memory stays flat however long the diary is (a
    server-side cursor on PostgreSQL). Nothing here keeps the rows once yielded.
    """
    query = _between_query(user, start, end).execution_options(yield_per=batch)
    for entry in db.session.scalars(query):
        yield entry
        db.session.expunge(entry)


def entries_page(user: User, before: dt.date | None, days: int) -> tuple[list[Entry], bool]:
    """Entries of the ``days`` days up to ``before`` (exclusive), newest first.

    Returns the entries and whether older ones exist, for "load more".
    """
    query = live_entries(user.id)
    if before:
        query = query.where(Entry.date < before)
    newest = db.session.scalar(query.with_only_columns(db.func.max(Entry.date)))
    if newest is None:
        return [], False
    oldest = diary_days.shift(newest, -(days - 1))
    page = list(
        db.session.scalars(
            query.where(Entry.date >= oldest).order_by(Entry.date.desc(), Entry.created_at.desc())
        )
    )
    more = db.session.scalar(
        live_entries(user.id).with_only_columns(Entry.pk).where(Entry.date < oldest).limit(1)
    )
    return page, more is not None


_NEW_ENTRY_COLUMNS = (
    "id",
    "user_id",
    "date",
    *diary_format.ANSWER_FIELDS,
    "created_at",
    "updated_at",
)


@functools.cache
def _insert_statements() -> tuple[Any, Any]:
    """The two statements of a new entry, built once (building them cost more than running).

    The INSERT carries the day's cap in its own WHERE, so a new entry is one statement
    (no count before); RETURNING hands back the row's key. The UPDATE bumps the diary
    version (webapp/diary/version.py does that for ORM writes; this one is Core) and
    returns the new one.
    """
    table = Entry.__table__
    values = [bindparam(name, type_=table.c[name].type) for name in _NEW_ENTRY_COLUMNS]
    live_that_day = (
        select(db.func.count())
        .select_from(table)
        .where(
            table.c.user_id == bindparam("user_id"),
            table.c.date == bindparam("date"),
            table.c.deleted_at.is_(None),
        )
        .scalar_subquery()
    )
    insert = (
        table.insert()
        .from_select(
            list(_NEW_ENTRY_COLUMNS),
            select(*values).where(live_that_day < ENTRIES_PER_DAY_MAX),
        )
        .returning(table.c.pk)
    )
    users = User.__table__
    bump = (
        users.update()
        .where(users.c.id == bindparam("owner"))
        .values(diary_version=users.c.diary_version + 1)
        .returning(users.c.diary_version)
    )
    return insert, bump


_writer_locks: dict[tuple[str, int], tuple[threading.Lock, int]] = {}
_writer_locks_guard = threading.Lock()


@contextlib.contextmanager
def _one_writer_at_a_time(session: Any) -> Iterator[None]:
    """On a SQLite file, writers queue on a lock instead of SQLite's busy handler.

    SQLite lets one writer in at a time and makes the others sleep and retry (1, 2,
    5 … 100 ms): under a burst of saves that sleeping, not the work, set the slowest
    answers (p99 above a second with 8 at once). A thread lock within the process
    and an flock on a file beside the database across processes wake the next
    writer the moment the last one commits. Other databases: nothing.
    """
    bind = session.get_bind()
    path = bind.url.database if bind.dialect.name == "sqlite" else None
    if not path or path == ":memory:":
        yield
        return
    # Per process: a descriptor inherited over fork would share one flock.
    key = (path, os.getpid())
    with _writer_locks_guard:
        if key not in _writer_locks:
            descriptor = os.open(f"{path}-writer.lock", os.O_CREAT | os.O_RDWR, 0o600)
            _writer_locks[key] = (threading.Lock(), descriptor)
        lock, descriptor = _writer_locks[key]
    with lock:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def save_new_entry(user: User, answers: dict[str, Any]) -> tuple[Entry, bool]:
    """Store a validated entry; an ``id`` already stored returns that entry unchanged.

    The id is made by the client, so replaying an upload (the offline queue does)
    is harmless. Returns the stored entry and whether it was created now.

    A new entry (the usual case) costs two statements: the INSERT, which checks the
    day's cap itself, and the diary version's UPDATE; nothing is read before or
    after. A replay hits the unique (user, id) constraint, rolls back and answers
    with the stored entry; a full day inserts nothing.
    """
    entry_id = answers.get("id") or str(uuid.uuid4())
    now = utcnow()
    row = {name: answers.get(name) for name in diary_format.ANSWER_FIELDS}
    row.update(id=entry_id, user_id=user.id, date=answers["date"], created_at=now, updated_at=now)
    insert, bump = _insert_statements()
    session = db.session()
    pk = version = clash = None
    with _one_writer_at_a_time(session):
        try:
            pk = session.connection().execute(insert, row).scalar()
            if pk is not None:
                version = session.connection().execute(bump, {"owner": user.id}).scalar()
                session.commit()
            else:
                session.rollback()
        except IntegrityError as error:
            # Stored before (a replay; a deleted entry's id counts as stored, so a late
            # replay never brings it back), or two replays raced: answer with the stored one.
            session.rollback()
            pk, clash = None, error
    if pk is None:
        # A replay, or a full day (the cap is for attackers): a replay answers with its entry.
        existing = _any_entry(user, entry_id)
        if existing is not None:
            return existing, False
        if clash is not None:
            raise clash
        raise DayFull(DAY_FULL_MESSAGE)
    # The person's loaded row now says the new version (the findings cache keys on it),
    # and the entry joins the session as loaded, so nothing is read back.
    if user in session:
        set_committed_value(user, "diary_version", version)
    entry = Entry(pk=pk, **row, deleted_at=None)
    make_transient_to_detached(entry)
    session.add(entry)
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


def delete_entry(entry: Entry, now: dt.datetime | None = None) -> None:
    """Delete softly: every read skips it; its owner may restore it for RESTORE_WINDOW."""
    entry.deleted_at = now or utcnow()
    db.session.commit()


def restore_entry(user: User, entry_id: str, now: dt.datetime | None = None) -> Entry | None:
    """Undo the person's own deletion of this entry, if it is still within the window."""
    entry = _any_entry(user, entry_id)
    if entry is None or entry.deleted_at is None:
        return None
    if _aware(entry.deleted_at) < (now or utcnow()) - RESTORE_WINDOW:
        return None
    entry.deleted_at = None
    db.session.commit()
    return entry


def last_deleted(user: User, now: dt.datetime | None = None) -> Entry | None:
    """The person's most recently deleted entry that can still be restored."""
    cutoff = (now or utcnow()) - RESTORE_WINDOW
    return db.session.scalar(
        select(Entry)
        .filter_by(user_id=user.id)
        .where(Entry.deleted_at.is_not(None), Entry.deleted_at >= cutoff)
        .order_by(Entry.deleted_at.desc())
        .limit(1)
    )


def purge_deleted(now: dt.datetime | None = None) -> int:
    """Remove, for everyone, the entries deleted longer ago than the restore window."""
    cutoff = (now or utcnow()) - RESTORE_WINDOW
    result = db.session.execute(
        delete(Entry)
        .where(Entry.deleted_at.is_not(None), Entry.deleted_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes (stored as UTC).
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def export_diary(user: User, entries: list[Entry] | None = None) -> dict[str, Any]:
    """The person's diary (or the given entries) as a fossa-diary/1 document.

    The whole diary also carries the person's episodes (the facts of each injury):
    an optional ``episodes`` list, which readers that predate it ignore.
    """
    whole = entries is None
    if entries is None:
        entries = entries_between(user)
    document = diary_format.diary_document(
        [entry.to_diary() for entry in entries],
        timezone=user.timezone,
        exported_at=dt.datetime.now(dt.UTC),
    )
    if whole:
        stored = export_episodes(user)
        if stored:
            document["episodes"] = stored
    return document


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
    episodes = _checked_episodes(document.get("episodes"), today, result)
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
    if episodes:
        add_imported(user, episodes)
    db.session.commit()
    return result


def _checked_episodes(raw: Any, today: dt.date, result: ImportResult) -> list[dict[str, Any]]:
    """The file's episodes (optional: files without them stay readable), checked."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        result.errors.append("The file's episodes must be a list.")
        return []
    checked = []
    for index, item in enumerate(raw, start=1):
        clean, problems = check_episode(item, today)
        result.errors.extend(f"Episode {index}, {problem}." for problem in problems[:3])
        checked.append(clean)
        if len(result.errors) >= 10:
            break
    return checked


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
