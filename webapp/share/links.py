"""Share-link rules: tokens, their hashes, the allowed expiry, and link states.

Pure Python. The token is shown once and only its SHA-256 is stored, so a copy
of the database does not open anyone's diary.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import Any

from webapp.validation import parse_int, text_problem

MIN_DAYS = 1
MAX_DAYS = 30
DEFAULT_DAYS = 14
LABEL_MAX = 80
# 32 random bytes: 256 bits, well above the 128 the design asks for.
TOKEN_BYTES = 32
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,100}$")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible_token(token: str) -> bool:
    """Cheap shape check, so junk never reaches the database."""
    return bool(_TOKEN_SHAPE.match(token))


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)


def validate_link_request(data: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check ``{"days": 1..30, "label": "..."}``; returns clean values and errors by field."""
    errors: dict[str, list[str]] = {}
    if not isinstance(data, dict):
        return {}, {"link": ["Send the link's settings as a JSON object."]}
    for key in data:
        if key not in {"days", "label"}:
            errors.setdefault(str(key), []).append("This is not a setting of a share link.")
    raw_days = data.get("days", DEFAULT_DAYS)
    days = parse_int(raw_days)
    if days is None or raw_days == "":
        errors.setdefault("days", []).append(
            f"Give the number of days as a whole number from {MIN_DAYS} to {MAX_DAYS}."
        )
    elif not MIN_DAYS <= days <= MAX_DAYS:
        errors.setdefault("days", []).append(f"A link lasts from {MIN_DAYS} to {MAX_DAYS} days.")
    raw_label = data.get("label")
    label: str | None = None
    if raw_label is not None:
        if not isinstance(raw_label, str):
            errors.setdefault("label", []).append("The label must be text.")
        elif len(raw_label.strip()) > LABEL_MAX:
            errors.setdefault("label", []).append(
                f"Keep the label to {LABEL_MAX} characters (now {len(raw_label.strip())})."
            )
        elif text_problem(raw_label):
            errors.setdefault("label", []).append(text_problem(raw_label) or "")
        elif any(ord(ch) < 32 for ch in raw_label):
            errors.setdefault("label", []).append("The label must be a single line of text.")
        else:
            label = raw_label.strip() or None
    if errors:
        return {}, errors
    return {"days": days, "label": label}, {}


def link_state(expires_at: dt.datetime, revoked_at: dt.datetime | None, now: dt.datetime) -> str:
    """ "active", "expired" or "revoked"."""
    if revoked_at is not None:
        return "revoked"
    if _aware(expires_at) <= now:
        return "expired"
    return "active"


def _aware(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def iso_utc(moment: dt.datetime) -> str:
    """A stored moment as ISO 8601 in UTC with a Z."""
    return _aware(moment).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def browser_family(user_agent: str | None) -> str:
    """A coarse browser name for the access log: enough to recognise a visit, no more."""
    ua = (user_agent or "").lower()
    checks = (
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("samsungbrowser", "Samsung Internet"),
        ("firefox/", "Firefox"),
        ("fxios", "Firefox"),
        ("crios", "Chrome"),
        ("chromium", "Chromium"),
        ("chrome/", "Chrome"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
        ("python", "Script"),
    )
    for needle, name in checks:
        if needle in ua:
            return name
    return "Other" if ua else "Unknown"
