"""Password-reset tokens: 256 random bits, one hour, one use, only the SHA-256 stored."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import delete, select, update

from webapp.extensions import db
from webapp.models import PasswordReset, User

LIFETIME = dt.timedelta(hours=1)
# A person asking three times keeps the three links working; older ones are dropped.
OPEN_PER_USER = 3


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def issue(user: User) -> str:
    """Store a new reset link for ``user`` and return its token (shown only in the mail)."""
    token = secrets.token_urlsafe(32)
    keep = select(PasswordReset.id).filter_by(user_id=user.id)
    keep = keep.order_by(PasswordReset.created_at.desc()).limit(OPEN_PER_USER - 1)
    db.session.execute(
        delete(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.id.not_in(keep.scalar_subquery())
        )
    )
    db.session.add(
        PasswordReset(user_id=user.id, token_hash=_hash(token), expires_at=_now() + LIFETIME)
    )
    db.session.commit()
    return token


def _open(token: str):  # noqa: ANN202 - a SQLAlchemy where clause
    return (
        PasswordReset.token_hash == _hash(token),
        PasswordReset.used_at.is_(None),
        PasswordReset.expires_at > _now(),
    )


def user_for(token: str) -> User | None:
    """The person an open (unused, unexpired) token belongs to, without using it."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(User).join(PasswordReset, PasswordReset.user_id == User.id).where(*_open(token))
    )


def redeem(token: str) -> User | None:
    """Use the token, atomically: of two requests racing, only one gets the user."""
    if not token or len(token) > 100:
        return None
    user = user_for(token)
    if user is None:
        return None
    claimed = db.session.execute(update(PasswordReset).where(*_open(token)).values(used_at=_now()))
    return user if claimed.rowcount == 1 else None
