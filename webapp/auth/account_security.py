"""What follows a password change or a reset: other sessions end, the person's links may.

Every session and remember cookie carries the user's ``session_id``; a new one
ends them all (see User.end_all_sessions). A password change also offers to end
the share links and the calendar feed, which a thief could have made.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, update

from webapp.extensions import db
from webapp.models import PasswordReset, ReminderSettings, ShareLink, User


def after_new_password(user: User, *, revoke_links: bool, revoke_calendar: bool) -> None:
    """End the person's sessions, open reset links and (if asked) share and calendar links.

    The caller has set the password (which rotates the session id) and commits.
    """
    user.end_all_sessions()
    db.session.execute(delete(PasswordReset).where(PasswordReset.user_id == user.id))
    if revoke_links:
        db.session.execute(
            update(ShareLink)
            .where(ShareLink.user_id == user.id, ShareLink.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
    if revoke_calendar:
        db.session.execute(
            update(ReminderSettings)
            .where(ReminderSettings.user_id == user.id)
            .values(calendar_token_hash=None)
        )
