"""The push payload encryption: what a browser can read, byte for byte what http_ece writes."""

from __future__ import annotations

import base64
import json
import os

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from webapp.reminders.encryption import EncryptionError, encrypt_payload


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class Browser:
    """A subscription's keys, made as a browser makes them."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        self.p256dh = b64url(public)
        self.auth = b64url(self.auth_secret)

    def read(self, body: bytes) -> bytes:
        return http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )


MESSAGE = json.dumps(
    {"title": "Fossa", "body": "How is your knee today?", "day": "2026-03-29"}
).encode()


@pytest.mark.parametrize(
    "data",
    [
        MESSAGE,
        b"x",
        "Ça fait mal derrière le genou — 痛い".encode(),
        os.urandom(3000),
    ],
)
def test_the_subscriptions_private_key_decrypts_the_payload(data: bytes) -> None:
    browser = Browser()
    assert browser.read(encrypt_payload(data, browser.p256dh, browser.auth)) == data


def test_the_body_is_exactly_what_http_ece_writes_for_the_same_key_and_salt() -> None:
    browser = Browser()
    sender_key = ec.generate_private_key(ec.SECP256R1())
    salt = os.urandom(16)
    ours = encrypt_payload(MESSAGE, browser.p256dh, browser.auth, salt=salt, sender_key=sender_key)
    theirs = http_ece.encrypt(
        MESSAGE,
        salt=salt,
        private_key=sender_key,
        dh=browser.private_key.public_key(),
        auth_secret=browser.auth_secret,
        version="aes128gcm",
    )
    assert ours == theirs
    # RFC 8188 header: the salt, record size 4096, a 65-byte key id (the sender's point)
    assert ours[:16] == salt
    assert ours[16:21] == b"\x00\x00\x10\x00\x41"


def test_every_push_has_its_own_key_and_salt() -> None:
    browser = Browser()
    first = encrypt_payload(MESSAGE, browser.p256dh, browser.auth)
    second = encrypt_payload(MESSAGE, browser.p256dh, browser.auth)
    assert first[:16] != second[:16]  # salt
    assert first[21:86] != second[21:86]  # ephemeral public key
    assert browser.read(first) == browser.read(second) == MESSAGE


def test_another_subscriptions_key_cannot_read_it() -> None:
    browser, stranger = Browser(), Browser()
    body = encrypt_payload(MESSAGE, browser.p256dh, browser.auth)
    with pytest.raises(Exception):  # noqa: B017 - http_ece raises InvalidTag or its own error
        stranger.read(body)


@pytest.mark.parametrize(
    ("p256dh", "auth"),
    [
        ("not a key", "c2VjcmV0c2VjcmV0c2VjcmV0"),
        (b64url(b"\x04" + b"\x01" * 64), b64url(os.urandom(16))),  # not on the curve
        (None, b64url(os.urandom(16))),
        ("BAAA", "c2hvcnQ"),
    ],
)
def test_broken_subscription_keys_raise_encryption_error(p256dh: str, auth: str) -> None:
    with pytest.raises(EncryptionError):
        encrypt_payload(MESSAGE, p256dh, auth)


def test_a_short_auth_secret_is_refused() -> None:
    browser = Browser()
    with pytest.raises(EncryptionError):
        encrypt_payload(MESSAGE, browser.p256dh, b64url(os.urandom(8)))


def test_a_payload_larger_than_one_record_is_refused() -> None:
    browser = Browser()
    with pytest.raises(EncryptionError):
        encrypt_payload(os.urandom(4080), browser.p256dh, browser.auth)
