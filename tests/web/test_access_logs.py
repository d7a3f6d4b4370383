"""Share, calendar and reset tokens never reach an access log, on either server."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from webapp.share.links import new_token

ROOT = Path(__file__).resolve().parents[2]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local server
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _secret_paths(token: str) -> list[str]:
    return [
        f"/s/{token}",
        f"/s/{token}/report.pdf?paper=a4",
        f"/reminders/calendar/{token}.ics",
        f"/reset/{token}",
    ]


def test_werkzeug_access_log_masks_tokens(app, caplog):
    token = new_token()
    server = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            for path in _secret_paths(token):
                assert _get(f"http://127.0.0.1:{server.server_port}{path}") in (404, 410)
    finally:
        server.shutdown()
        server.server_close()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(lines) == 4
    assert all("<token>" in line for line in lines)
    assert not any(token in line for line in lines)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_gunicorn_access_log_masks_tokens(tmp_path):
    token = new_token()
    port = _free_port()
    log = tmp_path / "access.log"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'fossa.sqlite3'}",
        "FOSSA_AUTO_MIGRATE": "1",
        "SECRET_KEY": "gunicorn-log-test",
    }
    command = [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"]
    command += ["webapp:create_app()", "--workers", "1", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(log)]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if _get(f"http://127.0.0.1:{port}/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        for path in _secret_paths(token):
            request = urllib.request.Request(  # noqa: S310 - local server
                f"http://127.0.0.1:{port}{path}",
                headers={"Referer": f"http://127.0.0.1:{port}/s/{token}"},
            )
            try:
                urllib.request.urlopen(request, timeout=10).close()  # noqa: S310
            except urllib.error.HTTPError as error:
                assert error.code in (404, 410)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    text = log.read_text()
    assert text.count("<token>") >= 8  # the request line and the referrer of each
    assert token not in text
