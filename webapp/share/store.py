"""Share-link queries. Every query of a person's links starts from that person.

The one lookup that does not is ``find_by_token``: the token is the doctor's
only credential, and it is looked up by its hash.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from webapp.extensions import db
from webapp.models import ShareAccess, ShareLink, User
from webapp.share import links

# Enough to see who looked; older openings of a link are not kept forever.
ACCESSES_KEPT = 50
# A person shares with a few doctors; a script making links by the thousand meets these.
ACTIVE_LINKS_MAX = 20
LINKS_KEPT = 100
TOO_MANY_LINKS = (
    f"You already have {ACTIVE_LINKS_MAX} links that work. End one you no longer need "
    "before making another."
)


class TooManyLinks(ValueError):
    """The person already has ACTIVE_LINKS_MAX working links."""


def create_link(
    user: User, days: int, label: str | None, now: dt.datetime | None = None
) -> tuple[ShareLink, str]:
    """A new link for ``user``; returns it and the token (shown once, never stored).

    Raises TooManyLinks past ACTIVE_LINKS_MAX working links; ended links beyond the
    newest LINKS_KEPT are dropped, so the list (and the share page) stays short.
    """
    now = now or dt.datetime.now(dt.UTC)
    active = db.session.scalar(
        select(func.count())
        .select_from(ShareLink)
        .filter_by(user_id=user.id, revoked_at=None)
        .where(ShareLink.expires_at > now)
    )
    if (active or 0) >= ACTIVE_LINKS_MAX:
        raise TooManyLinks(TOO_MANY_LINKS)
    kept = (
        select(ShareLink.id)
        .filter_by(user_id=user.id)
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
        .limit(LINKS_KEPT - 1)
    )
    db.session.execute(
        delete(ShareLink).where(
            ShareLink.user_id == user.id,
            ShareLink.id.not_in(kept.scalar_subquery()),
            (ShareLink.revoked_at.is_not(None)) | (ShareLink.expires_at <= now),
        )
    )
    token = links.new_token()
    link = ShareLink(
        user_id=user.id,
        token_hash=links.hash_token(token),
        label=label,
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
    )
    db.session.add(link)
    db.session.commit()
    return link, token


def links_of(user: User) -> list[ShareLink]:
    """The person's links, newest first, with their accesses loaded."""
    query = (
        select(ShareLink)
        .filter_by(user_id=user.id)
        .options(selectinload(ShareLink.accesses))
        .order_by(ShareLink.created_at.desc(), ShareLink.id.desc())
    )
    return list(db.session.scalars(query))


def get_link(user: User, link_id: int) -> ShareLink | None:
    """The person's link with this id, or None (also for someone else's id)."""
    return db.session.scalar(select(ShareLink).filter_by(user_id=user.id, id=link_id))


def revoke(link: ShareLink, now: dt.datetime | None = None) -> ShareLink:
    if link.revoked_at is None:
        link.revoked_at = now or dt.datetime.now(dt.UTC)
        db.session.commit()
    return link


def find_by_token(token: str) -> ShareLink | None:
    """The link this token opens, whatever its state (the caller checks expiry)."""
    if not links.plausible_token(token):
        return None
    return db.session.scalar(select(ShareLink).filter_by(token_hash=links.hash_token(token)))


def owner_of(link: ShareLink) -> User:
    return db.session.get_one(User, link.user_id)


def record_access(link: ShareLink, user_agent: str | None, path: str) -> None:
    """Log one opening; keep the latest ACCESSES_KEPT per link."""
    db.session.add(
        ShareAccess(link_id=link.id, browser_family=links.browser_family(user_agent), path=path)
    )
    db.session.flush()
    stale = list(
        db.session.scalars(
            select(ShareAccess.id)
            .filter_by(link_id=link.id)
            .order_by(ShareAccess.accessed_at.desc(), ShareAccess.id.desc())
            .offset(ACCESSES_KEPT)
        )
    )
    if stale:
        db.session.execute(db.delete(ShareAccess).where(ShareAccess.id.in_(stale)))
    db.session.commit()
