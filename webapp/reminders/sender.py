"""Sending one Web Push message (RFC 8030, aes128gcm per RFC 8291, VAPID per RFC 8292).

What the push service answers decides what happens next:
- 2xx: delivered.
- 404 or 410: the subscription is gone for good; the caller deletes it.
- 429 and 5xx, timeouts, broken connections: retried with growing pauses
  (Retry-After is honoured up to a cap), a bounded number of times.
- anything else (400, 401, 403, 413 …): failed; retrying would not help.
Nothing here raises: every outcome is returned and logged.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import requests
from pywebpush import WebPushException, webpush

from webapp.reminders.subscriptions import endpoint_allowed
from webapp.reminders.vapid import VapidKeys

log = logging.getLogger(__name__)

Outcome = Literal["delivered", "gone", "failed", "retry_exhausted", "refused"]
GONE = {404, 410}
# A reminder is about today; after a few hours it is no use, and the push
# service may drop it rather than wake the phone with something stale.
TTL_SECONDS = 4 * 60 * 60


@dataclass(frozen=True)
class Target:
    """Where to send: one subscription's endpoint and keys."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushResult:
    outcome: Outcome
    status: int | None = None
    attempts: int = 0
    detail: str = ""

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def transient(self) -> bool:
        """The push service could not take it now; another run may succeed."""
        return self.outcome == "retry_exhausted"


def _retry_after(response: requests.Response | None) -> float | None:
    if response is None:
        return None
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _no_redirects() -> requests.Session:
    """A session that refuses redirects: an allowed push host must not bounce us elsewhere."""
    session = requests.Session()
    session.max_redirects = 0
    return session


class PushSender:
    """Sends messages with one VAPID key, within bounded time and attempts."""

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        allowed_origins: list[str],
        *,
        timeout: float = 10.0,
        attempts: int = 3,
        backoff: float = 1.0,
        max_pause: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.keys = keys
        self.subject = subject
        self.allowed_origins = allowed_origins
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.max_pause = max_pause
        self.sleep = sleep
        # One HTTP session per thread: connections to a push service are kept
        # alive between pushes (requests' Session is not shared across threads).
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = _no_redirects()
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        """Close the kept-alive connections of every thread that sent."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def send(self, target: Target, message: dict[str, Any], topic: str | None = None) -> PushResult:
        """Encrypt ``message`` (as JSON) for ``target`` and post it to its push service."""
        # Checked again at send time: the allowed list may have shrunk since subscribing.
        if not endpoint_allowed(target.endpoint, self.allowed_origins):
            log.warning("push refused: endpoint not on an allowed push service")
            return PushResult("refused", detail="endpoint not allowed")
        data = json.dumps(message, separators=(",", ":"))
        headers = {"Urgency": "normal"}
        if topic:
            headers["Topic"] = topic
        status: int | None = None
        detail = ""
        for attempt in range(1, self.attempts + 1):
            pause: float | None = None
            try:
                response = webpush(
                    {
                        "endpoint": target.endpoint,
                        "keys": {"p256dh": target.p256dh, "auth": target.auth},
                    },
                    data=data,
                    vapid_private_key=self.keys.signer,
                    # a fresh dict each time: pywebpush writes aud and exp into it
                    vapid_claims={"sub": self.subject},
                    timeout=self.timeout,
                    ttl=TTL_SECONDS,
                    headers=headers,
                    requests_session=self._session(),
                )
                status = getattr(response, "status_code", None)
                return PushResult("delivered", status=status, attempts=attempt)
            except WebPushException as error:
                response = error.response
                status = response.status_code if response is not None else None
                detail = f"push service answered {status}"
                if status in GONE:
                    log.info("push subscription gone (%s)", status)
                    return PushResult("gone", status=status, attempts=attempt, detail=detail)
                if status is not None and 300 <= status < 400:
                    detail = f"push service redirected ({status}); not followed"
                    log.warning("push failed: %s", detail)
                    return PushResult("failed", status=status, attempts=attempt, detail=detail)
                if status is None or not (status == 429 or status >= 500):
                    log.warning("push failed: %s", detail)
                    return PushResult("failed", status=status, attempts=attempt, detail=detail)
                pause = _retry_after(response)
            except requests.TooManyRedirects:
                detail = "push service redirected; not followed"
                log.warning("push failed: %s", detail)
                return PushResult("failed", attempts=attempt, detail=detail)
            except (requests.RequestException, OSError) as error:
                status = None
                detail = f"{type(error).__name__} talking to the push service"
            except Exception as error:  # a broken key or payload must not stop the run
                log.exception("push failed unexpectedly")
                return PushResult("failed", attempts=attempt, detail=type(error).__name__)
            if attempt < self.attempts:
                wait = pause if pause is not None else self.backoff * 2 ** (attempt - 1)
                log.info("push attempt %d failed (%s); retrying in %.1fs", attempt, detail, wait)
                self.sleep(min(wait, self.max_pause))
        log.warning("push failed after %d attempts: %s", self.attempts, detail)
        return PushResult("retry_exhausted", status=status, attempts=self.attempts, detail=detail)
