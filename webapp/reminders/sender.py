"""Sending Web Push messages (RFC 8030, aes128gcm per RFC 8291, VAPID per RFC 8292).

Many pushes are in flight at once on one asyncio event loop (aiohttp), up to
``concurrency``; connections stay open per push-service origin between pushes
and between batches (one sender per worker thread keeps its loop and session).
Each payload is encrypted for its own subscription (RFC 8291, encryption.py: the
bytes http_ece writes, for less CPU); the VAPID JWT is signed once per audience
and reused until shortly before it expires. The loop is uvloop's where it is
installed (Linux and macOS): the same asyncio API for about a tenth less CPU a push.

Every push is ONE attempt, bounded by a short timeout: retries are not slept
here but rescheduled by the caller (see batches.py). What the push service
answers decides what happens next:
- 2xx: delivered.
- 404 or 410: the subscription is gone for good; the caller deletes it.
- 429 and 5xx, timeouts, broken connections: ``retry`` (with Retry-After if given).
- a redirect: failed, never followed.
- anything else (400, 401, 403, 413 …): failed; retrying would not help.
- an endpoint that fails the checks, or a name that resolves to a private,
  loopback or link-local address: ``refused``, nothing is sent.
Nothing here raises: every outcome is returned and logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import socket
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Literal

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from yarl import URL

from webapp.reminders.encryption import encrypt_payload
from webapp.reminders.subscriptions import check_endpoint
from webapp.reminders.vapid import VapidKeys

try:
    import uvloop
except ImportError:  # not built for every platform (Windows); asyncio's own loop does the same
    uvloop = None

log = logging.getLogger(__name__)

Outcome = Literal["delivered", "gone", "failed", "retry", "refused"]
GONE = {404, 410}
# A reminder is about today; after a few hours it is no use, and the push
# service may drop it rather than wake the phone with something stale.
TTL_SECONDS = 4 * 60 * 60
# VAPID tokens may live up to 24 h (RFC 8292); ours live 12 h and are replaced
# an hour before they end.
JWT_LIFETIME = 12 * 60 * 60
JWT_MARGIN = 60 * 60
RETRY_AFTER_CAP = 60 * 60
# Pushes in flight per sender (one per job). A silent push service holds its
# slot for a whole timeout (5 s = 50 answers at 100 ms): with 1 % of endpoints
# silent a slot in three is held by them at 1,500 pushes/s, with 4 % four in
# five. 500 keeps the busiest minute sending past such services (measured:
# 1,250 pushes/s at 200-250, 2,580 at 600, with 4 % silent). Each is a
# connection, a file descriptor: the worker raises its limit (cli.py).
CONCURRENCY = 500
# A push's timeout counts only time the loop was free to read its answer (see
# _watch); this many timeouts of wall-clock time end it whatever the loop did.
TIMEOUT_WALL_FACTOR = 3


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
    attempts: int = 1
    detail: str = ""
    retry_after: float | None = None

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def transient(self) -> bool:
        """The push service could not take it now; a later attempt may succeed."""
        return self.outcome == "retry"


class RefusedAddress(OSError):
    """The push host resolved only to addresses Fossa never sends to."""


def address_is_public(address: str) -> bool:
    """False for private, loopback, link-local, multicast, reserved and unspecified addresses."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


class PublicOnlyResolver(AbstractResolver):
    """Resolves with ``base`` and keeps only public addresses; refuses when none is left.

    aiohttp connects to the addresses this returns, so what was checked is what
    is connected to (a name cannot resolve to a public address for the check and
    a private one for the connection).
    """

    def __init__(self, base: AbstractResolver | None = None) -> None:
        self._base = base

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        if self._base is None:
            self._base = aiohttp.ThreadedResolver()
        found = await self._base.resolve(host, port, family)
        public = [entry for entry in found if address_is_public(entry["host"])]
        if not public:
            raise RefusedAddress(f"{host} resolves to no public address")
        return public

    async def close(self) -> None:
        if self._base is not None:
            await self._base.close()


def new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's loop where it is installed, asyncio's otherwise."""
    return uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After", "") if headers is not None else ""
    try:
        return min(RETRY_AFTER_CAP, max(0.0, float(value)))
    except ValueError:
        return None


def parse_dev_routes(setting: str | dict[str, str] | None) -> dict[str, str]:
    """``name=http://127.0.0.1:8123,…``: push hosts answered by a local stand-in.

    Only tests and the bench use this (production refuses to start with it): the
    endpoint still passes every check as ``https://name/…``; only the connection
    goes to the given base URL instead.
    """
    if not setting:
        return {}
    if isinstance(setting, dict):
        return {name.lower(): base.rstrip("/") for name, base in setting.items()}
    routes = {}
    for item in setting.split(","):
        name, _, base = item.strip().partition("=")
        if name and base:
            routes[name.strip().lower()] = base.strip().rstrip("/")
    return routes


class PushSender:
    """Sends messages with one VAPID key: concurrent, one bounded attempt per push.

    Use one sender from one thread at a time: it owns an event loop, and its
    aiohttp session (the kept-alive connections) lives on that loop.
    """

    def __init__(
        self,
        keys: VapidKeys,
        subject: str,
        allowed_origins: list[str],
        *,
        timeout: float = 5.0,
        concurrency: int = CONCURRENCY,
        dev_routes: dict[str, str] | None = None,
        resolver: AbstractResolver | None = None,
    ) -> None:
        self.keys = keys
        self.subject = subject
        self.allowed_origins = allowed_origins
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        self.dev_routes = dev_routes or {}
        self._resolver = resolver
        self._jwts: dict[str, tuple[str, float]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._session: aiohttp.ClientSession | None = None
        self._gate: asyncio.Semaphore | None = None
        # Pushes handed to send_async and not answered yet (waiting or in flight).
        self.unanswered = 0
        # The watchdog's state: requests in flight with their deadlines on the
        # "attention clock" (loop time less the time the loop was stalled).
        self._deadlines: dict[asyncio.Future, tuple[float, float]] = {}
        self._stalled = 0.0
        self._watchdog: asyncio.Task | None = None

    # -- lifecycle ----------------------------------------------------------------

    def _run(self, coroutine: Any) -> Any:
        if self._loop is None or self._loop.is_closed():
            self._loop = new_event_loop()
            self._gate = None
            self._watchdog = None
            self._deadlines.clear()
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return self._loop.run_until_complete(coroutine)
        # Called from code that runs a loop of its own (an async server worker,
        # a test tool): run ours on a helper thread instead of inside theirs.
        with ThreadPoolExecutor(1, "push-sender") as helper:
            return helper.submit(self._loop.run_until_complete, coroutine).result()

    async def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self.concurrency,
                limit_per_host=0,
                keepalive_timeout=60,
                ttl_dns_cache=300,
                resolver=PublicOnlyResolver(self._resolver),
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                # The watchdog times requests out (aiohttp's timer per request
                # cost a few per cent of a push's CPU for nothing).
                timeout=aiohttp.ClientTimeout(total=None, sock_connect=min(self.timeout, 3.0)),
                auto_decompress=False,
                trust_env=False,
            )
        return self._session

    def close(self) -> None:
        """Close the kept-alive connections and the loop."""
        if self._loop is None or self._loop.is_closed():
            return
        if self._session is not None:
            session, self._session = self._session, None
            self._run(session.close())
        self._loop.close()
        self._loop = None

    def __enter__(self) -> PushSender:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # -- VAPID ------------------------------------------------------------------

    def authorization(self, audience: str) -> str:
        """The VAPID Authorization header for ``audience``, signed once per lifetime."""
        now = time.time()
        cached = self._jwts.get(audience)
        if cached is not None and cached[1] - JWT_MARGIN > now:
            return cached[0]
        expires = int(now) + JWT_LIFETIME
        claims = {"sub": self.subject, "aud": audience, "exp": expires}
        header = self.keys.signer.sign(claims)["Authorization"]
        self._jwts[audience] = (header, expires)
        return header

    # -- sending ------------------------------------------------------------------

    def send(self, target: Target, message: dict[str, Any], topic: str | None = None) -> PushResult:
        """One push, now (the test notification)."""
        return self.send_many([(target, message, topic)])[0]

    def run(self, coroutine: Any) -> Any:
        """Run ``coroutine`` on this sender's loop (where ``send_async`` may be awaited)."""
        return self._run(coroutine)

    def send_many(
        self, pushes: Iterable[tuple[Target, dict[str, Any], str | None]]
    ) -> list[PushResult]:
        """Every push at once (up to ``concurrency`` in flight); results in the same order."""
        pushes = list(pushes)
        if not pushes:
            return []
        return self._run(self.send_async(pushes))

    async def send_async(
        self, pushes: list[tuple[Target, dict[str, Any], str | None]]
    ) -> list[PushResult]:
        """The pushes, sharing the sender's ``concurrency`` with every other call in flight."""
        session = await self._http()
        if self._gate is None:
            self._gate = asyncio.Semaphore(self.concurrency)
        gate = self._gate

        self.unanswered += len(pushes)
        # A batch shares a few messages (one per local day): encode each once.
        encoded: dict[int, bytes] = {}
        for _target, message, _topic in pushes:
            if id(message) not in encoded:
                encoded[id(message)] = json.dumps(message, separators=(",", ":")).encode()

        async def one(push: tuple[Target, dict[str, Any], str | None]) -> PushResult:
            target, message, topic = push
            try:
                async with gate:
                    return await self._send_one(session, target, encoded[id(message)], topic)
            finally:
                self.unanswered -= 1

        try:
            return list(await asyncio.gather(*(one(push) for push in pushes)))
        finally:
            if not self.unanswered and self._watchdog is not None:
                watchdog, self._watchdog = self._watchdog, None
                watchdog.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watchdog

    async def _watch(self) -> None:
        """Time out requests by the time the loop could have read their answers.

        aiohttp's own timeout is a loop timer: when the worker is starved of CPU
        (a busy host) or held up, the timer fires on the loop's first turn after
        the stall, cancelling requests whose answers already sit unread in their
        sockets. Those pushes were delivered, and the retry would send them
        again. So the watchdog beats four times a timeout (at most every 0.25 s), adds any lateness
        of its own beat to ``_stalled``, and ends only requests that went
        unanswered for a whole timeout of time the loop was running: a silent
        push service still costs one timeout, a stalled worker nothing twice.
        Whatever the loop did, TIMEOUT_WALL_FACTOR timeouts of wall-clock time
        end a request.
        """
        loop = asyncio.get_running_loop()
        interval = min(0.25, self.timeout / 4)
        last = loop.time()
        while True:
            await asyncio.sleep(interval)
            now = loop.time()
            self._stalled += max(0.0, now - last - interval)
            last = now
            attention = now - self._stalled
            expired = [
                request
                for request, (due, wall_due) in self._deadlines.items()
                if attention >= due or now >= wall_due
            ]
            for request in expired:
                del self._deadlines[request]
                request.cancel()

    async def _post(
        self, session: aiohttp.ClientSession, url: URL, body: bytes, headers: dict[str, str]
    ) -> tuple[int, float | None]:
        async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
            status = response.status
            retry_after = _retry_after(response.headers)
            await response.read()
        return status, retry_after

    async def _post_watched(
        self, session: aiohttp.ClientSession, url: URL, body: bytes, headers: dict[str, str]
    ) -> tuple[int, float | None]:
        """``_post``, timed out by the watchdog (TimeoutError) after ``timeout`` of attention."""
        if self._watchdog is None or self._watchdog.done():
            self._watchdog = asyncio.ensure_future(self._watch())
        loop = asyncio.get_running_loop()
        request = asyncio.ensure_future(self._post(session, url, body, headers))
        now = loop.time()
        self._deadlines[request] = (
            now - self._stalled + self.timeout,
            now + self.timeout * TIMEOUT_WALL_FACTOR,
        )
        try:
            return await request
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if request.cancelled() and (current is None or not current.cancelling()):
                raise TimeoutError("no answer within the push timeout") from None
            raise
        finally:
            self._deadlines.pop(request, None)

    async def _send_one(
        self,
        session: aiohttp.ClientSession,
        target: Target,
        data: bytes,
        topic: str | None,
    ) -> PushResult:
        # Checked again at send time: the allowed list may have shrunk, and rows
        # stored before the strict checks must pass them too.
        endpoint = check_endpoint(target.endpoint, self.allowed_origins)
        if endpoint is None:
            log.warning("push refused: endpoint not on an allowed push service")
            return PushResult("refused", detail="endpoint not allowed")
        try:
            body = encrypt_payload(data, target.p256dh, target.auth)
            headers = {
                "Authorization": self.authorization(endpoint.origin),
                "Content-Encoding": "aes128gcm",
                "Content-Type": "application/octet-stream",
                "TTL": str(TTL_SECONDS),
                "Urgency": "normal",
            }
            if topic:
                headers["Topic"] = topic
        except Exception as error:  # a broken key must not stop the batch
            log.warning("push not encrypted: %s", type(error).__name__)
            return PushResult("failed", detail=f"could not encrypt: {type(error).__name__}")
        routed = self.dev_routes.get(endpoint.host)
        url = URL(routed + endpoint.path if routed else endpoint.url, encoded=True)
        if not routed and (url.scheme, url.host, url.port) != ("https", endpoint.host, 443):
            return PushResult("refused", detail="endpoint does not parse the same way twice")
        try:
            status, retry_after = await self._post_watched(session, url, body, headers)
        except aiohttp.ClientConnectorError as error:
            if isinstance(error.os_error, RefusedAddress):
                log.warning("push refused: %s", error.os_error)
                return PushResult("refused", detail=str(error.os_error))
            return PushResult("retry", detail=f"{type(error).__name__} connecting")
        except RefusedAddress as error:
            return PushResult("refused", detail=str(error))
        except (TimeoutError, aiohttp.ClientError, OSError) as error:
            return PushResult("retry", detail=f"{type(error).__name__} talking to the push service")
        detail = f"push service answered {status}"
        if 200 <= status < 300:
            return PushResult("delivered", status=status)
        if status in GONE:
            return PushResult("gone", status=status, detail=detail)
        if 300 <= status < 400:
            return PushResult(
                "failed", status=status, detail=f"redirected ({status}); not followed"
            )
        if status == 429 or status >= 500:
            return PushResult("retry", status=status, detail=detail, retry_after=retry_after)
        log.warning("push failed: %s", detail)
        return PushResult("failed", status=status, detail=detail)
