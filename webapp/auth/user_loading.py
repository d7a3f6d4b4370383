"""Loading the signed-in person on every request: one indexed Core SELECT, no ORM query.

Flask-Login keeps ``User.session_id`` in the session. Each request looks that id
up in the database, so a logout or a new password (which replace it,
User.end_all_sessions) ends every session at once, in every worker and process:
nothing about who is signed in is kept between requests. What is saved is the
ORM's query machinery (about 0.1 ms a request): the row is fetched with a
statement built once, and the User is made from it and joined to the request's
session as if the ORM had loaded it, so changes to it are saved as usual.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import make_transient_to_detached

from webapp.extensions import db
from webapp.models import User


@functools.cache
def _by_session_id() -> Any:
    table = User.__table__
    return select(*table.c).where(table.c.session_id == bindparam("session_id"))


def load_user(session_id: str) -> User | None:
    """The person whose current session id this is, or None (ended, or never was)."""
    if not isinstance(session_id, str) or not session_id:
        return None
    session = db.session()
    row = session.connection().execute(_by_session_id(), {"session_id": session_id}).first()
    if row is None:
        return None
    loaded = session.identity_map.get((User, (row.id,), None))  # type: ignore[arg-type]
    if loaded is not None:
        return loaded  # type: ignore[return-value]
    user = User(**row._mapping)
    make_transient_to_detached(user)
    session.add(user)
    return user
