"""Slow clients cannot starve the app under the Procfile's gunicorn (issue 11, M1).

Starts gunicorn with gunicorn.conf.py on a throwaway SQLite database, opens
connections that trickle an upload (and others that send half their headers and
stop), and checks that /healthz answers every time meanwhile; then that a body
sent too slowly is cut off with 408 once its deadline passes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from webapp import request_deadline

ROOT = Path(__file__).resolve().parents[2]
SLOW_UPLOADS = 12
SLOW_HEADERS = 8


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("slow")
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path}/slow.sqlite3",
        "FOSSA_AUTO_MIGRATE": "1",
        "SECRET_KEY": "slow-client-test",
        "RATELIMIT_ENABLED": "0",
        "FOSSA_BODY_DEADLINE_SECONDS": "3",
    }
    command = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "webapp:create_app()"]
    command += ["--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError("gunicorn did not start") from None
            time.sleep(0.2)
    yield port
    server.send_signal(signal.SIGINT)  # quick shutdown: nothing here needs a graceful one
    server.wait(timeout=20)


def _slow_upload(port: int, length: int = 100_000) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(
        b"POST /api/entries HTTP/1.1\r\nHost: localhost\r\n"
        b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n{" % length
    )
    return sock


def _half_headers(port: int) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    sock.sendall(b"GET /today HTTP/1.1\r\nHost: local")
    return sock


def test_health_checks_answer_while_slow_uploads_and_headers_hang(served):
    port = served
    held = [_slow_upload(port) for _ in range(SLOW_UPLOADS)]
    held += [_half_headers(port) for _ in range(SLOW_HEADERS)]
    try:
        answered = 0
        for _ in range(10):
            for sock in held[:SLOW_UPLOADS]:
                sock.sendall(b" ")  # keep trickling: one byte per round
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                answered += r.status == 200
            time.sleep(0.1)
        assert answered == 10
    finally:
        for sock in held:
            sock.close()


def test_a_body_sent_too_slowly_gets_408_after_its_deadline(served):
    sock = _slow_upload(served, length=1000)
    began = time.monotonic()
    try:
        sock.settimeout(1)
        reply = b""
        while time.monotonic() - began < 20 and b"\r\n\r\n" not in reply:
            try:
                sock.sendall(b" ")
            except OSError:
                break
            try:
                reply += sock.recv(4096)
            except TimeoutError:
                continue
    finally:
        sock.close()
    assert reply.startswith(b"HTTP/1.1 408"), reply[:100]
    # The test server's deadline is 3 s plus the declared length's share.
    assert time.monotonic() - began < 3 + 1000 / request_deadline.MIN_BYTES_PER_SECOND + 3


def test_deadline_grows_with_the_declared_length_and_is_capped():
    small = request_deadline.body_deadline(1_000)
    import_file = request_deadline.body_deadline(2 * 1024 * 1024)
    assert small < 11 and 100 < import_file <= request_deadline.MAX_SECONDS
