"""A stand-in push service on 127.0.0.1, and an app wired to send to it.

The receiver does what a browser's push service and the browser do together:
it checks the VAPID JWT (ES256 signature by the app's public key, aud = its own
origin, exp in the future and at most 24 h away, a sub) and decrypts the
aes128gcm body with the private key and auth secret of the subscription, which
the test made as a browser would. It can also answer 404/410/429/500 or a
redirect on demand.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from flask import Flask
from py_vapid import Vapid02

from tests.support import create_user
from webapp.extensions import db
from webapp.models import PushSubscription, ReminderSettings, User


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_vapid_private_key() -> tuple[str, str]:
    """A VAPID key pair as the environment would carry it: (private PEM, public b64url)."""
    signer = Vapid02()
    signer.generate_keys()
    public = signer.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return signer.private_pem().decode(), b64url(public)


@dataclass
class BrowserKeys:
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        return b64url(
            self.private_key.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )


@dataclass
class Delivery:
    """One push the receiver accepted and could read."""

    path: str
    claims: dict[str, Any]
    message: dict[str, Any]
    headers: dict[str, str]


@dataclass
class PushReceiver:
    """Listens on 127.0.0.1 and stands in for the push service named ``name``.

    Endpoints are ``https://<name>/push/…`` and pass every check a real one
    must; the app's PUSH_DEV_ROUTES sends their connections here.
    """

    vapid_public_key: str
    name: str = "push.fossa.test"
    deliveries: list[Delivery] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    hits: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        # Seconds to hold each answer (after the push was taken), and a hook
        # called with the number of requests so far (the kill test uses it).
        self.delay = 0.0
        self.on_request: Any = None
        self.connections = 0
        self._keys: dict[str, BrowserKeys] = {}
        self._answers: dict[str, deque[int]] = defaultdict(deque)
        self._lock = threading.Lock()
        self._counter = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            # keep-alive, as push services do (the sender reuses connections)
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with receiver._lock:
                    receiver.connections += 1

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, extra = receiver._handle(self.path, dict(self.headers.items()), body)
                if receiver.on_request is not None:
                    receiver.on_request(sum(receiver.hits.values()))
                if receiver.delay:
                    time.sleep(receiver.delay)
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"https://{self.name}"
        self.address = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def subscription(self, name: str | None = None) -> dict[str, Any]:
        """A new browser subscription: what PushSubscription.toJSON() gives the page."""
        with self._lock:
            self._counter += 1
            path = f"/push/{name or self._counter}"
        keys = BrowserKeys(ec.generate_private_key(ec.SECP256R1()), os.urandom(16))
        self._keys[path] = keys
        return {
            "endpoint": self.origin + path,
            "expirationTime": None,
            "keys": {"p256dh": keys.p256dh, "auth": b64url(keys.auth_secret)},
        }

    def answer(self, subscription: dict[str, Any], *statuses: int) -> None:
        """Answer the next pushes to this subscription with these statuses, in order."""
        path = subscription["endpoint"][len(self.origin) :]
        self._answers[path].extend(statuses)

    def messages_for(self, subscription: dict[str, Any]) -> list[dict[str, Any]]:
        path = subscription["endpoint"][len(self.origin) :]
        return [d.message for d in self.deliveries if d.path == path]

    def hits_for(self, subscription: dict[str, Any]) -> int:
        return self.hits[subscription["endpoint"][len(self.origin) :]]

    # -- checking one request -------------------------------------------------

    def _handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict]:
        with self._lock:
            self.hits[path] += 1
            planned = self._answers[path].popleft() if self._answers[path] else None
        if planned is not None and planned != 201:
            extra = {"Location": self.origin + "/elsewhere"} if 300 <= planned < 400 else {}
            if planned == 429:
                extra = {"Retry-After": "0"}
            return planned, extra
        keys = self._keys.get(path)
        if keys is None:
            self.rejected.append(f"{path}: unknown subscription")
            return 404, {}
        try:
            claims = self._check_vapid(headers)
            plain = http_ece.decrypt(
                body,
                private_key=keys.private_key,
                auth_secret=keys.auth_secret,
                version="aes128gcm",
            )
            message = json.loads(plain)
        except Exception as error:  # the test reads .rejected to say what was wrong
            self.rejected.append(f"{path}: {error}")
            return 400, {}
        lowered = {name.lower(): value for name, value in headers.items()}
        with self._lock:
            self.deliveries.append(Delivery(path, claims, message, lowered))
        return 201, {}

    def _check_vapid(self, headers: dict[str, str]) -> dict[str, Any]:
        lowered = {name.lower(): value for name, value in headers.items()}
        if lowered.get("content-encoding") != "aes128gcm":
            raise ValueError("body is not aes128gcm")
        if "ttl" not in lowered:
            raise ValueError("no TTL header")
        scheme, _, params = lowered.get("authorization", "").partition(" ")
        if scheme != "vapid":
            raise ValueError("no vapid Authorization")
        fields = dict(part.strip().split("=", 1) for part in params.split(","))
        if fields.get("k") != self.vapid_public_key:
            raise ValueError("signed with another key than the app's")
        header_b64, claims_b64, signature_b64 = fields["t"].split(".")
        header = json.loads(unb64url(header_b64))
        if header.get("alg") != "ES256":
            raise ValueError("JWT is not ES256")
        signature = unb64url(signature_b64)
        public = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), unb64url(self.vapid_public_key)
        )
        der = encode_dss_signature(
            int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
        )
        try:
            public.verify(der, f"{header_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature as error:
            raise ValueError("bad JWT signature") from error
        claims = json.loads(unb64url(claims_b64))
        if claims.get("aud") != self.origin:
            raise ValueError(f"aud {claims.get('aud')!r} is not {self.origin}")
        now = time.time()
        if not now < claims.get("exp", 0) <= now + 24 * 3600:
            raise ValueError("exp not within 24 hours")
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            raise ValueError("no sub")
        return claims


VAPID_PRIVATE_PEM, VAPID_PUBLIC = make_vapid_private_key()


def reminders_overrides(receiver: PushReceiver) -> dict[str, Any]:
    """App settings that send to the receiver, with the shared test VAPID key."""
    return {
        "PUSH_ALLOWED_ORIGINS": "https://fcm.googleapis.com," + receiver.origin,
        "PUSH_DEV_ROUTES": f"{receiver.name}={receiver.address}",
        "VAPID_PRIVATE_KEY": VAPID_PRIVATE_PEM,
        "VAPID_PUBLIC_KEY": VAPID_PUBLIC,
        "VAPID_SUBJECT": "mailto:test@fossa.invalid",
        "REMINDER_RETRY_BASE": 1,
        "REMINDER_PUSH_TIMEOUT": 3,
    }


@contextmanager
def running_receiver() -> Iterator[PushReceiver]:
    """A push service on 127.0.0.1 for the tests of a module."""
    server = PushReceiver(VAPID_PUBLIC)
    try:
        yield server
    finally:
        server.stop()


def reminders_app(database_uri: str, instance_path: Path, receiver: PushReceiver) -> Iterator[Any]:
    """The app sending to ``receiver``, for an ``app`` fixture (``yield from``)."""
    from tests.support import empty_tables, make_app

    receiver.deliveries.clear()
    receiver.rejected.clear()
    app = make_app(database_uri, instance_path, **reminders_overrides(receiver))
    yield app
    empty_tables(app)


def set_up_person(
    app: Flask, receiver: PushReceiver, email: str, zone: str = "Europe/Berlin", **settings: Any
) -> tuple[User, dict]:
    """A person with reminders on and one subscribed device, stored directly."""
    user = create_user(app, email=email)
    subscription = receiver.subscription()
    with app.app_context():
        db.session.get(User, user.id).timezone = zone
        db.session.add(
            ReminderSettings(
                user_id=user.id,
                enabled=True,
                local_time=dt.time.fromisoformat(settings.get("time", "20:00")),
                days_mask=settings.get("days_mask", 127),
                skip_if_logged=settings.get("skip_if_logged", True),
            )
        )
        db.session.add(
            PushSubscription(
                user_id=user.id,
                endpoint=subscription["endpoint"],
                p256dh=subscription["keys"]["p256dh"],
                auth=subscription["keys"]["auth"],
            )
        )
        db.session.commit()
    return user, subscription
