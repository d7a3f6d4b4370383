"""The server's VAPID key pair (RFC 8292), which identifies Fossa to push services.

The private key comes from ``VAPID_PRIVATE_KEY`` (PEM, or the 32-byte raw key /
DER in base64url as py-vapid prints them). Without it a key is generated once
into ``instance/vapid_private.pem`` and kept: every browser subscription is bound
to the public key, so a new key would silently orphan them all. The file is
never part of the repository (instance/ is ignored).
"""

from __future__ import annotations

import base64
import contextlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02

KEY_FILE = "vapid_private.pem"


@dataclass(frozen=True)
class VapidKeys:
    signer: Vapid02
    # The applicationServerKey a browser subscribes with: the uncompressed P-256
    # point, base64url without padding.
    public_key: str


def _public_key_text(signer: Vapid02) -> str:
    raw = signer.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _from_text(text: str) -> Vapid02:
    text = text.strip()
    if text.startswith("-----BEGIN"):
        return Vapid02.from_pem(text.encode())
    return Vapid02.from_string(text)


def _generate_once(path: Path) -> None:
    """Write a new key to ``path`` unless one is there; safe when processes race.

    The key is written to a private temporary file and hard-linked into place:
    linking fails when the file exists, so the first writer wins and everyone
    reads the same key.
    """
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    signer = Vapid02()
    signer.generate_keys()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(signer.private_pem())
        os.chmod(temporary, 0o600)
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def load_vapid_keys(
    private_key: str | None, public_key: str | None, instance_path: str | Path
) -> VapidKeys:
    """The configured key pair, or the instance's own (made on first use)."""
    if private_key:
        signer = _from_text(private_key)
    else:
        path = Path(instance_path) / KEY_FILE
        _generate_once(path)
        signer = Vapid02.from_pem(path.read_bytes())
    derived = _public_key_text(signer)
    if public_key and public_key.strip().rstrip("=") != derived:
        raise RuntimeError("VAPID_PUBLIC_KEY does not belong to VAPID_PRIVATE_KEY")
    return VapidKeys(signer=signer, public_key=derived)
