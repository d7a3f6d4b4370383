"""Web Push payload encryption: RFC 8291 (message encryption) in RFC 8188's aes128gcm.

The same bytes pywebpush / http_ece produce, written out with ``cryptography``
and the standard library's one-shot HMAC: at a busy minute every push pays for
this, and the libraries' general code (a deep copy of the subscription, key
objects round-tripped through bytes, three HKDF objects) took about a quarter
of it (92 µs a push against 70 µs here, measured with
``tests/bench/bench_reminders.py``'s encryption figure). What remains is the
cryptography itself: one fresh P-256 key pair, one ECDH, five HMAC-SHA-256 and
one AES-128-GCM seal.

The payload is one record (a reminder is a few hundred bytes, far below the
4096-byte record size), ended by the 0x02 delimiter of a last record, no padding.
"""

from __future__ import annotations

import base64
import hmac
import os
import struct

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

RECORD_SIZE = 4096
# The record's plaintext, the delimiter and the 16-byte tag must fit in one record.
MAX_PAYLOAD = RECORD_SIZE - 17
_CURVE = ec.SECP256R1()
_ECDH = ec.ECDH()


class EncryptionError(ValueError):
    """The subscription's keys are not usable (not a P-256 point, a short secret)."""


def _unb64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as error:
        raise EncryptionError("key is not base64url") from error


def _hkdf_one_block(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    """HKDF-SHA-256 (RFC 5869) for outputs of one hash block: extract, then T(1)."""
    prk = hmac.digest(salt, ikm, "sha256")
    return hmac.digest(prk, info + b"\x01", "sha256")[:length]


def encrypt_payload(
    data: bytes,
    p256dh: str,
    auth: str,
    *,
    salt: bytes | None = None,
    sender_key: ec.EllipticCurvePrivateKey | None = None,
) -> bytes:
    """``data`` encrypted for one subscription: the aes128gcm body of the push request.

    ``p256dh`` and ``auth`` are the subscription's keys as the browser gave them
    (base64url). A fresh ephemeral key and salt are made for every call, so no two
    pushes share a content key; ``salt`` and ``sender_key`` are given only by
    known-answer tests.
    """
    if len(data) > MAX_PAYLOAD:
        raise EncryptionError(f"payload of {len(data)} bytes does not fit one record")
    receiver_public = _unb64url(p256dh)
    auth_secret = _unb64url(auth)
    if len(auth_secret) < 16:
        raise EncryptionError("auth secret shorter than 16 bytes")
    try:
        receiver_key = ec.EllipticCurvePublicKey.from_encoded_point(_CURVE, receiver_public)
    except ValueError as error:
        raise EncryptionError("p256dh is not a P-256 point") from error
    sender_key = sender_key or ec.generate_private_key(_CURVE)
    sender_public = sender_key.public_key().public_bytes(
        Encoding.X962, PublicFormat.UncompressedPoint
    )
    shared = sender_key.exchange(_ECDH, receiver_key)
    # RFC 8291 section 3.4: the input keying material binds both public keys.
    ikm = _hkdf_one_block(
        auth_secret, shared, b"WebPush: info\x00" + receiver_public + sender_public, 32
    )
    salt = salt if salt is not None else os.urandom(16)
    prk = hmac.digest(salt, ikm, "sha256")
    content_key = hmac.digest(prk, b"Content-Encoding: aes128gcm\x00\x01", "sha256")[:16]
    nonce = hmac.digest(prk, b"Content-Encoding: nonce\x00\x01", "sha256")[:12]
    sealed = AESGCM(content_key).encrypt(nonce, data + b"\x02", None)
    # RFC 8188 section 2.1 header: salt, record size, key id length, key id.
    header = salt + struct.pack("!IB", RECORD_SIZE, len(sender_public)) + sender_public
    return header + sealed
