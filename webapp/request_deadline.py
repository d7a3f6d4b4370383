"""A deadline for reading a request's body, so a slow upload cannot hold a thread for long.

Under gunicorn (which hands the client's socket to the app as ``gunicorn.socket``)
a POST, PUT or PATCH body is read whole before the app runs, with a deadline of
``BASE_SECONDS`` (``FOSSA_BODY_DEADLINE_SECONDS``) plus one second per
``MIN_BYTES_PER_SECOND`` of declared length
(a phone on a poor connection still uploads a 2 MB import; a client that trickles
bytes does not keep a thread). Past the deadline the answer is 408 and the
connection closes. Bodies larger than MAX_CONTENT_LENGTH are left to Flask, which
refuses them (413) without reading them. Elsewhere (tests, the dev server) this
does nothing.
"""

from __future__ import annotations

import contextlib
import heapq
import io
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

BASE_SECONDS = 10.0
MIN_BYTES_PER_SECOND = 16 * 1024
MAX_SECONDS = 150.0
CHUNK = 64 * 1024
WITH_BODY = {"POST", "PUT", "PATCH"}


def body_deadline(length: int, base: float = BASE_SECONDS) -> float:
    """Seconds allowed to receive a body of ``length`` bytes."""
    return min(base + length / MIN_BYTES_PER_SECOND, MAX_SECONDS)


class BodyDeadline:
    """WSGI middleware: read the body under a deadline, then call the app."""

    def __init__(
        self, app: Callable[..., Iterable[bytes]], max_length: int, base: float = BASE_SECONDS
    ) -> None:
        self.app = app
        self.max_length = max_length
        self.base = base

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        sock = environ.get("gunicorn.socket")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if (
            sock is None
            or environ.get("REQUEST_METHOD") not in WITH_BODY
            or not 0 < length <= self.max_length
        ):
            return self.app(environ, start_response)
        body = self._read(environ["wsgi.input"], sock, length, body_deadline(length, self.base))
        if body is None:
            start_response(
                "408 Request Timeout",
                [("Content-Type", "text/plain; charset=utf-8"), ("Connection", "close")],
            )
            return [b"The upload was too slow. Please try again."]
        environ["wsgi.input"] = io.BytesIO(body)
        return self.app(environ, start_response)

    @staticmethod
    def _read(stream: Any, sock: socket.socket, length: int, seconds: float) -> bytes | None:
        deadline = time.monotonic() + seconds
        parts: list[bytes] = []
        received = 0
        # A client trickling a byte a second would keep each recv() alive forever:
        # the watchdog shuts the socket's reading side at the deadline instead.
        with _watchdog.guard(sock, deadline):
            try:
                while received < length:
                    chunk = stream.read(min(CHUNK, length - received))
                    if not chunk:
                        break  # the client ended early, or the watchdog ended it
                    parts.append(chunk)
                    received += len(chunk)
            except OSError:
                return None
        if received < length and time.monotonic() >= deadline:
            return None
        return b"".join(parts)


class _Watchdog:
    """One thread per process that cuts off the reads whose deadline has passed."""

    def __init__(self) -> None:
        self._due: list[tuple[float, int, socket.socket]] = []
        self._done: set[int] = set()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._counter = 0

    @contextlib.contextmanager
    def guard(self, sock: socket.socket, deadline: float) -> Iterator[None]:
        with self._lock:
            self._counter += 1
            ticket = self._counter
            heapq.heappush(self._due, (deadline, ticket, sock))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, daemon=True, name="deadline")
                self._thread.start()
            # The watchdog sleeps until the earliest deadline: only a new earliest one
            # needs to wake it (waking it on every POST cost a thread switch each).
            if self._due[0][1] == ticket:
                self._lock.notify()
        try:
            yield
        finally:
            with self._lock:
                self._done.add(ticket)

    def _run(self) -> None:
        while True:
            with self._lock:
                while self._due and self._due[0][1] in self._done:
                    self._done.discard(heapq.heappop(self._due)[1])
                if not self._due:
                    self._lock.wait()
                    continue
                deadline, ticket, sock = self._due[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._lock.wait(wait)
                    continue
                heapq.heappop(self._due)
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RD)


_watchdog = _Watchdog()
