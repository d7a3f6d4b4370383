"""Database models (SQLAlchemy 2.0 typed mappings).

Every table a feature needs lives here so the schema has one reading order:
people, their diary, their reminders, and what they share with a doctor.
Enumerated answers are stored as short strings with CHECK constraints built from
``webapp.diary.format``, the one definition of the diary format.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.diary import format as diary_format
from webapp.diary.version import reads_diary
from webapp.extensions import db

# argon2id, memory-hard; the library's defaults follow RFC 9106's second choice.
_password_hasher = PasswordHasher()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _new_session_id() -> str:
    return secrets.token_urlsafe(24)


def _in_list(column: str, values: dict[str, str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IS NULL OR {column} IN ({quoted})"


class User(UserMixin, db.Model):
    """A person keeping a diary."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # What Flask-Login keeps in the session; replaced on password change so every
    # other session of this person ends.
    session_id: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_id)
    display_name: Mapped[str | None] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The number the emergency interrupt calls; None means "the usual one for the
    # person's timezone" (webapp/emergency/numbers.py).
    emergency_number: Mapped[str | None] = mapped_column(String(16))
    # False while ``timezone`` is only the UTC default: nothing was stored from the
    # person's browser (at registration or login) or chosen by them yet.
    timezone_chosen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=db.false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Bumped by every write to what the insights engine reads (webapp/diary/version.py):
    # the findings cache keys on it. It starts at a random number, so a person who
    # gets the id of a deleted account (SQLite reuses ids) never meets its findings.
    diary_version: Mapped[int] = mapped_column(
        BigInteger, default=lambda: secrets.randbits(62), server_default="0"
    )

    entries: Mapped[list[Entry]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    def get_id(self) -> str:
        return self.session_id

    def set_password(self, password: str) -> None:
        self.password_hash = _password_hasher.hash(password)
        self.session_id = _new_session_id()

    def check_password(self, password: str) -> bool:
        try:
            return _password_hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def end_all_sessions(self) -> None:
        """Every session and remember cookie of this person stops working (the caller commits)."""
        self.session_id = _new_session_id()


_dummy_hash: dict[int, str] = {}


def verify_dummy_password(password: str) -> bool:
    """The same argon2 work as a real check, for an email with no account (no timing oracle)."""
    hasher = _password_hasher
    if id(hasher) not in _dummy_hash:
        _dummy_hash[id(hasher)] = hasher.hash(secrets.token_urlsafe(16))
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher.verify(_dummy_hash[id(hasher)], password)
    return False


@reads_diary
class Entry(db.Model):
    """One occasion of pain (or of no pain) on one day, in fossa-diary/1 terms.

    Attribute names are the format's field names, so the insights engine can read
    an Entry as it reads a diary dict. None means "not recorded".
    """

    __tablename__ = "entry"
    __table_args__ = (
        UniqueConstraint("user_id", "id", name="uq_entry_user_id_id"),
        CheckConstraint("pain >= 0 AND pain <= 10", name="pain_range"),
        CheckConstraint(
            "notes IS NULL OR length(notes) <= " + str(diary_format.NOTES_MAX), name="notes_length"
        ),
        *(
            CheckConstraint(_in_list(field, values), name=f"{field}_values")
            for field, values in diary_format.ENUMS.items()
        ),
        Index("ix_entry_user_id_date", "user_id", "date"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    pain: Mapped[int] = mapped_column(SmallInteger)
    side: Mapped[str | None] = mapped_column(String(8))
    locations: Mapped[list[str] | None] = mapped_column(JSON)
    activity: Mapped[str | None] = mapped_column(String(20))
    timing: Mapped[str | None] = mapped_column(String(12))
    swelling: Mapped[str | None] = mapped_column(String(12))
    numbness: Mapped[bool | None] = mapped_column(Boolean)
    weakness: Mapped[bool | None] = mapped_column(Boolean)
    clicking: Mapped[bool | None] = mapped_column(Boolean)
    locking: Mapped[bool | None] = mapped_column(Boolean)
    giving_way: Mapped[bool | None] = mapped_column(Boolean)
    lump: Mapped[bool | None] = mapped_column(Boolean)
    tender_spot: Mapped[bool | None] = mapped_column(Boolean)
    popping: Mapped[bool | None] = mapped_column(Boolean)
    onset: Mapped[str | None] = mapped_column(String(12))
    mechanism: Mapped[str | None] = mapped_column(String(20))
    provoked_by: Mapped[list[str] | None] = mapped_column(JSON)
    cramping: Mapped[bool | None] = mapped_column(Boolean)
    eases_with_rest: Mapped[bool | None] = mapped_column(Boolean)
    back_pain: Mapped[bool | None] = mapped_column(Boolean)
    calf_swelling: Mapped[bool | None] = mapped_column(Boolean)
    calf_redness: Mapped[bool | None] = mapped_column(Boolean)
    calf_tenderness: Mapped[bool | None] = mapped_column(Boolean)
    knee_redness_warmth: Mapped[bool | None] = mapped_column(Boolean)
    can_bear_weight: Mapped[bool | None] = mapped_column(Boolean)
    load_change: Mapped[str | None] = mapped_column(String(14))
    warm_up: Mapped[bool | None] = mapped_column(Boolean)
    worn_footwear: Mapped[bool | None] = mapped_column(Boolean)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    # Set when the person deletes the entry: every read skips it, its owner may
    # restore it for a short while (diary/store.py), then `flask diary purge-deleted`
    # removes the row.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="entries")

    def apply(self, answers: dict[str, Any]) -> None:
        """Set every answer field from a validated fossa-diary/1 dict (absent → None)."""
        self.date = answers["date"]
        for field in diary_format.ANSWER_FIELDS:
            setattr(self, field, answers.get(field))

    def to_diary(self) -> dict[str, Any]:
        """This entry in fossa-diary/1 form: recorded fields only, in schema order."""
        result: dict[str, Any] = {}
        for field in diary_format.FIELD_ORDER:
            value = getattr(self, field)
            if value is not None:
                result[field] = diary_format.to_json_value(field, value)
        return result


class ReminderSettings(db.Model):
    """When a person wants their daily reminder (their timezone is on User)."""

    __tablename__ = "reminder_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    local_time: Mapped[dt.time] = mapped_column(db.Time, default=dt.time(20, 0))
    # Days of the week the reminder runs on, Monday = 0, as a 7-bit mask.
    days_mask: Mapped[int] = mapped_column(SmallInteger, default=0b1111111)
    skip_if_logged: Mapped[bool] = mapped_column(Boolean, default=True)
    # The last local day a reminder was claimed for: the atomic claim updates this
    # from "before today" to today, so parallel senders send once.
    last_claimed_day: Mapped[dt.date | None] = mapped_column(Date)
    # When this row next needs the sender (UTC): the moment of the next reminder
    # not yet done, a retry's time, or while a sender holds it, when its claim
    # expires. NULL when reminders are off. Kept by reminders/due_times.py on
    # every change of settings or timezone and by the sender; the clock reads
    # it with one index range scan.
    next_due_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    # The claim of the sender holding this row (see reminders/batches.py).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # Attempts so far at the current reminder, for the retry's backoff.
    push_attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    # Secret of the private calendar feed, stored hashed; None when there is none.
    calendar_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class PushSubscription(db.Model):
    """A browser's Web Push subscription for one person."""

    __tablename__ = "push_subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1024), unique=True)
    p256dh: Mapped[str] = mapped_column(String(255))
    auth: Mapped[str] = mapped_column(String(255))
    user_agent: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ShareLink(db.Model):
    """A read-only, expiring, revocable link a person gives their doctor."""

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # SHA-256 of the token: the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    accesses: Mapped[list[ShareAccess]] = relationship(
        back_populates="link",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="ShareAccess.accessed_at.desc()",
    )


class ShareAccess(db.Model):
    """One opening of a share link, so the person sees who looked and when."""

    __tablename__ = "share_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    link_id: Mapped[int] = mapped_column(
        ForeignKey("share_link.id", ondelete="CASCADE"), index=True
    )
    accessed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    browser_family: Mapped[str] = mapped_column(String(40))
    path: Mapped[str] = mapped_column(String(40), default="view")

    link: Mapped[ShareLink] = relationship(back_populates="accesses")


@reads_diary
class Episode(db.Model):
    """One injury or stretch of pain: the facts that belong to it, not to a day.

    How an episode is found and started is in ``webapp/questions/episodes.py``.
    Every fact is optional (None is "not asked yet"); the engine counts the known
    ones for every entry of the episode.
    """

    __tablename__ = "episode"
    __table_args__ = (
        UniqueConstraint("user_id", "id", name="uq_episode_user_id_id"),
        CheckConstraint(_in_list("onset", diary_format.ENUMS["onset"]), name="onset_values"),
        CheckConstraint(
            _in_list("mechanism", diary_format.ENUMS["mechanism"]), name="mechanism_values"
        ),
        Index("ix_episode_user_id_started_on", "user_id", "started_on"),
    )

    pk: Mapped[int] = mapped_column(Integer, primary_key=True)
    id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    started_on: Mapped[dt.date] = mapped_column(Date)
    onset: Mapped[str | None] = mapped_column(String(12))
    mechanism: Mapped[str | None] = mapped_column(String(20))
    popping: Mapped[bool | None] = mapped_column(Boolean)
    lump: Mapped[bool | None] = mapped_column(Boolean)
    prior_injury: Mapped[bool | None] = mapped_column(Boolean)
    # Codes of the questions the person chose to skip in this episode (so Fossa does
    # not ask again); "code@entry-id" for a safety question skipped for one entry.
    skipped: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class FlagAcknowledgement(db.Model):
    """A person has seen an emergency warning raised on one day by one entry.

    ``raised_by`` is the id of the entry that raised it (or ``day:YYYY-MM-DD`` when
    the evidence has no entry), so a new entry raising the flag again is a new
    warning that needs its own acknowledgement.
    """

    __tablename__ = "flag_acknowledgement"
    __table_args__ = (
        UniqueConstraint("user_id", "code", "raised_by", name="uq_flag_acknowledgement_raised"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(40))
    raised_by: Mapped[str] = mapped_column(String(48))
    raised_on: Mapped[dt.date] = mapped_column(Date)
    acknowledged_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PasswordReset(db.Model):
    """A "forgot password" link: single use, time-limited, only its SHA-256 stored."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class RateLimitCounter(db.Model):
    """One fixed-window counter of the rate limiter, shared by every worker and host.

    Written by webapp.security.ratelimit through its own connection, never by the
    request's session. ``expires_at`` is seconds since the epoch (UTC).
    """

    __tablename__ = "rate_limit"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)


__all__ = [
    "Entry",
    "Episode",
    "FlagAcknowledgement",
    "PasswordReset",
    "RateLimitCounter",
    "PushSubscription",
    "ReminderSettings",
    "ShareAccess",
    "ShareLink",
    "User",
]
