"""The diary version: a per-person counter that every write to what the engine reads bumps.

Findings are cached per (person, local day, diary version) (webapp/insights/
from_diary.py), so a cached answer is only ever served for the diary it was made
from. The bump is generic: a ``before_flush`` listener looks at every new, changed
or deleted object of a model registered here and increments its owner's
``user.diary_version`` in the same flush (an SQL ``+ 1``, so two workers writing at
once both count). A model the engine reads joins with one line:

    @reads_diary
    class Episode(db.Model): ...   # needs a ``user_id`` column

Bulk statements (``update(Entry)…``, ``delete(Entry)…``) skip the ORM's unit of
work, and so this listener: code that uses one must call ``bump(session, user_id)``.
"""

from __future__ import annotations

from itertools import chain
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T", bound=type)

DIARY_MODELS: set[type] = set()


def reads_diary(model: T) -> T:
    """Register a model whose rows the insights engine reads (it has ``user_id``)."""
    DIARY_MODELS.add(model)
    return model


def bump(session: Session, user_id: int) -> None:
    """Increment the person's diary version as part of the session's next flush."""
    from webapp.models import User

    with session.no_autoflush:
        user = session.get(User, user_id)
    if user is not None and user not in session.deleted:
        user.diary_version = User.diary_version + 1


def _owner_of(obj: Any) -> int | None:
    user_id = getattr(obj, "user_id", None)
    if user_id is None and getattr(obj, "user", None) is not None:
        user_id = obj.user.id
    return user_id


@event.listens_for(Session, "before_flush")
def _bump_on_diary_writes(session: Session, _context: Any, _instances: Any) -> None:
    owners: set[int] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if type(obj) not in DIARY_MODELS:
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        owner = _owner_of(obj)
        if owner is not None:
            owners.add(owner)
    for owner in sorted(owners):
        bump(session, owner)
