"""Reading and writing reminder settings and push subscriptions.

Everything a person can reach starts from that person; the sender's queries
(claims, batches: batches.py) work across people and are never reachable from a request.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from webapp.extensions import db
from webapp.models import PushSubscription, ReminderSettings, User, utcnow
from webapp.reminders import due_times

MAX_DEVICES = 10


class EndpointTaken(Exception):
    """The endpoint is stored for another account with other keys."""


def settings_of(user: User) -> ReminderSettings:
    """The person's settings; defaults (not yet stored) when they never chose any."""
    settings = db.session.get(ReminderSettings, user.id)
    if settings is None:
        settings = ReminderSettings(
            user_id=user.id,
            enabled=False,
            local_time=dt.time(20, 0),
            days_mask=0b1111111,
            skip_if_logged=True,
        )
    return settings


def save_settings(user: User, values: dict[str, Any]) -> ReminderSettings:
    """Store checked settings (see settings.check_settings); the timezone lives on User."""
    settings = settings_of(user)
    settings.enabled = values["enabled"]
    settings.local_time = values["time"]
    settings.days_mask = values["days_mask"]
    settings.skip_if_logged = values["skip_if_logged"]
    settings.updated_at = utcnow()
    user.timezone = values["timezone"]
    user.timezone_chosen = True
    db.session.add(settings)
    db.session.commit()
    return settings


def set_enabled(user: User, enabled: bool) -> ReminderSettings:
    settings = settings_of(user)
    settings.enabled = enabled
    settings.updated_at = utcnow()
    db.session.add(settings)
    db.session.commit()
    return settings


def subscriptions_of(user_id: int) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            select(PushSubscription).filter_by(user_id=user_id).order_by(PushSubscription.id)
        )
    )


def get_subscription(user: User, subscription_id: int) -> PushSubscription | None:
    return db.session.scalar(
        select(PushSubscription).filter_by(user_id=user.id, id=subscription_id)
    )


def save_subscription(
    user: User, endpoint: str, p256dh: str, auth: str, user_agent: str | None
) -> tuple[PushSubscription, bool]:
    """Store a browser's subscription; the same endpoint again updates it.

    An endpoint belongs to one browser profile. When another account subscribes
    from that browser (same endpoint, same keys), the endpoint moves to it: the
    browser now shows that person's reminders, not the earlier one's. Someone
    who only knows the endpoint cannot take it: other keys raise EndpointTaken.
    Returns (subscription, created).
    """
    agent = (user_agent or "")[:255] or None
    existing = db.session.scalar(select(PushSubscription).filter_by(endpoint=endpoint))
    if existing is None:
        _make_room_for_a_device(user)
        subscription = PushSubscription(
            user_id=user.id, endpoint=endpoint, p256dh=p256dh, auth=auth, user_agent=agent
        )
        db.session.add(subscription)
        _reschedule_for_new_device(user)
        try:
            db.session.commit()
            return subscription, True
        except IntegrityError:
            # Two tabs subscribed at once: the other stored it; update that one below.
            db.session.rollback()
            existing = db.session.scalar(select(PushSubscription).filter_by(endpoint=endpoint))
            if existing is None:
                raise
    if existing.user_id != user.id and (existing.p256dh, existing.auth) != (p256dh, auth):
        # Knowing an endpoint is not owning it: only the browser holding the
        # subscription's keys (the same PushSubscription) may move it.
        raise EndpointTaken()
    moved = existing.user_id != user.id
    existing.user_id = user.id
    existing.p256dh = p256dh
    existing.auth = auth
    existing.user_agent = agent or existing.user_agent
    if moved:
        _reschedule_for_new_device(user)
    db.session.commit()
    return existing, False


def _reschedule_for_new_device(user: User) -> None:
    """A first device may make today's reminder possible again (see batches.py)."""
    settings = db.session.get(ReminderSettings, user.id)
    if settings is not None:
        due_times.recompute(db.session, settings, user.timezone)


def _make_room_for_a_device(user: User) -> None:
    """Keep at most MAX_DEVICES per person: the oldest go first.

    Each device is a push per reminder; without a cap one account could make
    the server post to any number of endpoints.
    """
    ids = list(
        db.session.scalars(
            select(PushSubscription.id)
            .filter_by(user_id=user.id)
            .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
            .offset(MAX_DEVICES - 1)
        )
    )
    if ids:
        db.session.execute(PushSubscription.__table__.delete().where(PushSubscription.id.in_(ids)))


def delete_subscription_by_endpoint(user: User, endpoint: str) -> bool:
    found = db.session.scalar(
        select(PushSubscription).filter_by(user_id=user.id, endpoint=endpoint)
    )
    if found is None:
        return False
    db.session.delete(found)
    db.session.commit()
    return True


def delete_subscription(subscription: PushSubscription) -> None:
    db.session.delete(subscription)
    db.session.commit()


def forget_subscription(subscription_id: int) -> None:
    """Drop a subscription the push service called gone (404/410)."""
    db.session.execute(
        PushSubscription.__table__.delete().where(PushSubscription.id == subscription_id)
    )
    db.session.commit()


def mark_delivered(subscription_ids: list[int], when: dt.datetime) -> None:
    """Record when these subscriptions last took a push (in chunks, one commit)."""
    for start in range(0, len(subscription_ids), 500):
        chunk = subscription_ids[start : start + 500]
        db.session.execute(
            update(PushSubscription)
            .where(PushSubscription.id.in_(chunk))
            .values(last_success_at=when)
            .execution_options(synchronize_session=False)
        )
    db.session.commit()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_token(user: User) -> str:
    """Make (or replace) the secret of the person's calendar feed; shown once."""
    token = secrets.token_urlsafe(32)
    settings = settings_of(user)
    settings.calendar_token_hash = _token_hash(token)
    db.session.add(settings)
    db.session.commit()
    return token


def revoke_calendar_token(user: User) -> None:
    settings = settings_of(user)
    settings.calendar_token_hash = None
    db.session.add(settings)
    db.session.commit()


def settings_for_calendar_token(token: str) -> tuple[ReminderSettings, User] | None:
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        select(ReminderSettings, User)
        .join(User, User.id == ReminderSettings.user_id)
        .where(ReminderSettings.calendar_token_hash == _token_hash(token))
    ).first()
    return (row[0], row[1]) if row else None
