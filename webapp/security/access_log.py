"""Access logs that never hold a secret: share, calendar and reset tokens are masked.

Only the SHA-256 of those tokens is stored, so a log line with the token in full
would undo that. Both servers' access logs go through ``mask_secrets``:
Werkzeug's (the development server) through a logging filter installed by
create_app, gunicorn's through ``MaskingGunicornLogger`` (gunicorn.conf.py).
"""

from __future__ import annotations

import logging
import re
from typing import Any

from gunicorn.glogging import Logger as GunicornLogger

MASK = "<token>"
# The doctor's view and downloads, the calendar feed, and the password-reset page.
_SECRET_PATHS = re.compile(
    r"(?P<prefix>/s/|/reset/)[^/?#\s\"']+|(?P<calendar>/reminders/calendar/)[^/?#\s\"']+(?=\.ics)"
)


def _replace(match: re.Match[str]) -> str:
    return (match.group("prefix") or match.group("calendar")) + MASK


def mask_secrets(text: str) -> str:
    """The text with every token in a secret path replaced by <token>."""
    return _SECRET_PATHS.sub(_replace, text)


class MaskSecretsFilter(logging.Filter):
    """Rewrites a record's message and arguments (Werkzeug passes the request line as one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = mask_secrets(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                mask_secrets(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def install_werkzeug_filter() -> None:
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(existing, MaskSecretsFilter) for existing in logger.filters):
        logger.addFilter(MaskSecretsFilter())


class MaskingGunicornLogger(GunicornLogger):
    """Gunicorn's logger with the request line, path, query and referrer masked."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: mask_secrets(value) if isinstance(value, str) else value
            for key, value in atoms.items()
        }
