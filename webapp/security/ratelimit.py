"""Rate limits kept in one store that every worker and host shares.

The embedded default keeps the counters in the app's own database (table
``rate_limit``), through a storage backend for the ``limits`` library registered
under the scheme ``fossa+db://<database URL>``. Where ``RATELIMIT_STORAGE_URI`` is
set (e.g. ``redis://host:6379/0``) the limiter uses that instead. A store kept in
one process's memory would let N workers allow N times the limit, so production
refuses ``memory://``.

Limits count per address (``get_remote_address``: the client's, once ProxyFix
trusts the proxies in front) and per account: the account key is the e-mail's
hash mixed with the account's password hash, so a reset password starts a fresh
count and a locked-out owner gets back in through recovery.
"""

from __future__ import annotations

import hashlib
import random
import time
from typing import Any

from flask import request
from flask_login import current_user
from limits.storage import Storage
from sqlalchemy import case, create_engine, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from webapp.validation import text_problem

SCHEME = "fossa+db"

# Per address, every attempt: generous for people, tight for scripts.
ADDRESS_LIMIT = "10 per minute;50 per hour"
# Per account, failed attempts only, from any address, across login, password
# change and account deletion together.
ACCOUNT_LIMIT = "5 per 15 minutes;20 per day"
# "Forgot password?": per address, and per e-mail address so no one is mail-bombed.
RECOVERY_ADDRESS_LIMIT = "5 per minute;20 per hour"
RECOVERY_EMAIL_LIMIT = "3 per hour;10 per day"


_engines: dict[str, Engine] = {}


def _engine_for(url: str) -> Engine:
    """One small pool per database and process: a hit commits at once, on its own
    connection, never inside the request's transaction."""
    if url not in _engines:
        connect_args = {"timeout": 5} if url.startswith("sqlite") else {}
        _engines[url] = create_engine(
            url, pool_pre_ping=True, pool_size=2, max_overflow=8, connect_args=connect_args
        )
    return _engines[url]


class DatabaseStorage(Storage):
    """Fixed-window counters in a SQL table, one atomic upsert per hit."""

    STORAGE_SCHEME = [SCHEME]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        from webapp.models import RateLimitCounter

        self.table = RateLimitCounter.__table__
        self.engine = _engine_for(uri.split("://", 1)[1])
        self._insert = (postgresql if self.engine.dialect.name == "postgresql" else sqlite).insert

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        table = self.table
        stale = table.c.expires_at <= now
        statement = (
            self._insert(table)
            .values(key=key, count=amount, expires_at=now + expiry)
            .on_conflict_do_update(
                index_elements=[table.c.key],
                set_={
                    "count": case((stale, amount), else_=table.c.count + amount),
                    "expires_at": case((stale, now + expiry), else_=table.c.expires_at),
                },
            )
            .returning(table.c.count)
        )
        with self.engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
            if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
                connection.execute(delete(table).where(table.c.expires_at <= now))
        return int(count)

    def get(self, key: str) -> int:
        query = select(self.table.c.count).where(
            self.table.c.key == key, self.table.c.expires_at > time.time()
        )
        with self.engine.connect() as connection:
            return int(connection.execute(query).scalar() or 0)

    def get_expiry(self, key: str) -> float:
        query = select(self.table.c.expires_at).where(self.table.c.key == key)
        with self.engine.connect() as connection:
            return float(connection.execute(query).scalar() or time.time())

    def check(self) -> bool:
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        with self.engine.begin() as connection:
            count = connection.execute(select(func.count()).select_from(self.table)).scalar()
            connection.execute(delete(self.table))
        return int(count or 0)

    def clear(self, key: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.key == key))


def default_storage_uri(database_uri: str) -> str:
    return f"{SCHEME}://{database_uri}"


def _account_key(email: str | None) -> str:
    """The counter of one account: its e-mail, salted with its password hash when it exists."""
    from webapp.extensions import db
    from webapp.models import User

    email = (email or "").strip().lower()[:254]
    password_hash = ""
    if email and not text_problem(email):
        try:
            password_hash = (
                db.session.scalar(select(User.password_hash).filter_by(email=email)) or ""
            )
        except SQLAlchemyError:  # e.g. a NUL byte PostgreSQL refuses: the form will say so
            db.session.rollback()
    digest = hashlib.sha256(f"{email}\n{password_hash}".encode("utf-8", "replace"))
    return "account:" + digest.hexdigest()[:40]


def submitted_account() -> str:
    """Rate-limit key of the account named in the form (login, "forgot password")."""
    return _account_key(request.form.get("email"))


def current_account() -> str:
    """Rate-limit key of the logged-in person's account (password change, deletion)."""
    return _account_key(current_user.email if current_user.is_authenticated else None)


def submitted_email() -> str:
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "email:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()[:40]


def failed(response: Any) -> bool:
    """Count only refusals: a person who gets in does not use up their attempts."""
    return response.status_code in (401, 403, 422)
