"""Which push subscriptions the server accepts, and how a device is named on the page.

A subscription's endpoint is a URL the server will POST to. Accepting any URL
would let anyone make the server send requests into its own network (SSRF), so
only endpoints on the configured push services are accepted: same scheme, host
and port as one of ``PUSH_ALLOWED_ORIGINS``. An entry ``https://*.example.com``
allows the subdomains of example.com (Windows hands out many push hosts).
Pure: no Flask, no database.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from webapp.validation import split_url

ENDPOINT_MAX = 1024
_DEFAULT_PORTS = {"https": 443, "http": 80}


def parse_allowed_origins(setting: str | list[str] | None) -> list[str]:
    """The comma-separated setting as a list of lower-case origins without a trailing /."""
    if not setting:
        return []
    items = setting.split(",") if isinstance(setting, str) else setting
    return [item.strip().rstrip("/").lower() for item in items if item.strip()]


def _origin_parts(url: str) -> tuple[str, str, int] | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme]


def endpoint_allowed(endpoint: str, allowed_origins: list[str]) -> bool:
    """True when the endpoint is an https (or explicitly listed) URL on an allowed origin."""
    if not isinstance(endpoint, str) or len(endpoint) > ENDPOINT_MAX:
        return False
    if any(ch.isspace() or ord(ch) < 32 for ch in endpoint):
        return False
    parts = split_url(endpoint)
    if parts is None:
        return False
    # user:password@host would make the host part say something other than it seems
    if parts.username is not None or parts.password is not None:
        return False
    target = _origin_parts(endpoint)
    if target is None:
        return False
    for origin in allowed_origins:
        wildcard = "://*." in origin
        allowed = _origin_parts(origin.replace("://*.", "://", 1))
        if allowed is None:
            continue
        scheme, host, port = allowed
        if target[0] != scheme or target[2] != port:
            continue
        if target[1] == host and not wildcard:
            return True
        if wildcard and target[1].endswith("." + host):
            return True
    return False


def _b64url_bytes(value: Any) -> bytes | None:
    if not isinstance(value, str) or not value or len(value) > 255:
        return None
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return None


@dataclass
class CheckedSubscription:
    endpoint: str = ""
    p256dh: str = ""
    auth: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def check_subscription(raw: Any, allowed_origins: list[str]) -> CheckedSubscription:
    """Check a browser's ``PushSubscription.toJSON()``: endpoint and both keys."""
    result = CheckedSubscription()
    if not isinstance(raw, dict):
        result.errors["subscription"] = ["Send the browser's push subscription as JSON."]
        return result
    endpoint = raw.get("endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        result.errors["endpoint"] = ["The subscription has no endpoint."]
    elif not endpoint_allowed(endpoint, allowed_origins):
        result.errors["endpoint"] = ["This push service is not one Fossa sends to."]
    else:
        result.endpoint = endpoint
    keys = raw.get("keys")
    keys = keys if isinstance(keys, dict) else {}
    p256dh = _b64url_bytes(keys.get("p256dh"))
    # An uncompressed P-256 point: 65 bytes starting with 0x04 (RFC 8291).
    if p256dh is None or len(p256dh) != 65 or p256dh[0] != 4:
        result.errors["keys.p256dh"] = ["The subscription's p256dh key is not a P-256 key."]
    else:
        result.p256dh = keys["p256dh"]
    auth = _b64url_bytes(keys.get("auth"))
    if auth is None or len(auth) != 16:
        result.errors["keys.auth"] = ["The subscription's auth secret must be 16 bytes."]
    else:
        result.auth = keys["auth"]
    return result


_BROWSERS = (("Edg", "Edge"), ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("Macintosh", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_label(user_agent: str | None) -> str:
    """A short name like "Chrome on Android" for the devices list."""
    agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in agent), "A browser")
    system = next((name for token, name in _SYSTEMS if token in agent), None)
    return f"{browser} on {system}" if system else browser
