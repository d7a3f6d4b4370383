"""Which push subscriptions the server accepts, and how a device is named on the page.

A subscription's endpoint is a URL the server will POST to. Accepting any URL
would let anyone make the server send requests into its own network (SSRF), so
an endpoint is parsed strictly, normalised, and the normalised form is what is
stored and what the sender connects to (``PushEndpoint.url``): https only, port
443 only, a DNS name (no IP literal in any spelling, no userinfo, no backslash,
no percent sign or brackets in the host), IDNA names turned into their ASCII
form, and that name on one of ``PUSH_ALLOWED_ORIGINS``. An entry
``https://*.example.com`` allows the subdomains of example.com (Windows hands
out many push hosts). At send time the sender also refuses names that resolve to
private, loopback or link-local addresses (``sender.PublicOnlyResolver``).
Pure: no Flask, no database.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from dataclasses import dataclass, field
from typing import Any

import idna

ENDPOINT_MAX = 1024
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# WHATWG URL parsing reads a host whose last label is a number (127.1, 0x7f.1,
# 2130706433) as an IPv4 address: such names are never push services.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# What may follow the host: a path (and query) of RFC 3986 characters. No
# backslash, no fragment, no space or control character.
_TAIL = re.compile(r"^/[A-Za-z0-9\-._~!$&'()*+,;=:@/%?]*$")
# Spaces of any kind, control characters, DEL and backslashes: never in an endpoint.
_BAD_CHARS = re.compile(r"[\s\x00-\x1f\x7f\\\\]")
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


@dataclass(frozen=True)
class PushEndpoint:
    """An endpoint in the one form the server stores and connects to."""

    host: str  # ASCII (IDNA A-labels), lower case, no trailing dot
    path: str  # starts with "/", may carry a query

    @property
    def origin(self) -> str:
        return f"https://{self.host}"

    @property
    def url(self) -> str:
        return f"https://{self.host}{self.path}"


# Pure, and asked for the same few push-service hosts at every push of a busy minute.
@functools.lru_cache(maxsize=4096)
def normalise_host(text: str) -> str | None:
    """A DNS name in its ASCII form, or None for anything else (IP literals included)."""
    if not text or len(text) > 253 or any(ch in text for ch in "@[]\\%/?#:") or text.endswith("."):
        return None
    host = text.lower()
    if not host.isascii() or "xn--" in host:
        try:
            # UTS 46 maps full-width letters, digits and dots to ASCII first, so
            # "１２７.０.０.１" is caught as the IP literal it becomes; A-labels
            # ("xn--…") are checked to be the encoding of a valid name.
            host = idna.encode(text, uts46=True).decode("ascii").lower()
        except (idna.IDNAError, UnicodeError, ValueError):
            return None
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        return None
    if _NUMERIC_LABEL.match(labels[-1]):
        return None
    return host


def parse_endpoint(text: Any) -> PushEndpoint | None:
    """The endpoint parsed the way the sender connects to it, or None when it is not safe."""
    if not isinstance(text, str) or not text or len(text) > ENDPOINT_MAX:
        return None
    if _BAD_CHARS.search(text):
        return None
    if text[:8].lower() != "https://":
        return None
    rest = text[8:]
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    authority, tail = rest[:cut], rest[cut:]
    if "@" in authority or "[" in authority or "]" in authority:
        return None
    if ":" in authority:
        authority, _, port = authority.rpartition(":")
        if port != "443":
            return None
    host = normalise_host(authority)
    if host is None or not tail.isascii() or not _TAIL.match(tail) or _BAD_PERCENT.search(tail):
        return None
    return PushEndpoint(host, tail)


def parse_allowed_origins(setting: str | list[str] | None) -> list[str]:
    """The setting as a list of ``host`` or ``*.host`` patterns (https, port 443 only).

    Entries that are not an https origin of a DNS name are left out: they could
    never match an endpoint that passes ``parse_endpoint``.
    """
    if not setting:
        return []
    items = setting.split(",") if isinstance(setting, str) else setting
    patterns = []
    for item in items:
        item = item.strip().rstrip("/")
        if item[:8].lower() != "https://":
            continue
        name = item[8:]
        if name.endswith(":443"):
            name = name[:-4]
        wildcard = name.startswith("*.")
        host = normalise_host(name[2:] if wildcard else name)
        if host is not None:
            patterns.append(f"*.{host}" if wildcard else host)
    return patterns


def host_allowed(host: str, allowed: list[str]) -> bool:
    for pattern in allowed:
        if pattern.startswith("*."):
            if host.endswith(pattern[1:]):
                return True
        elif host == pattern:
            return True
    return False


def check_endpoint(text: Any, allowed: list[str]) -> PushEndpoint | None:
    """The normalised endpoint when it is safe and on an allowed push service."""
    endpoint = parse_endpoint(text)
    if endpoint is None or not host_allowed(endpoint.host, allowed):
        return None
    return endpoint


def endpoint_allowed(endpoint: Any, allowed: list[str]) -> bool:
    return check_endpoint(endpoint, allowed) is not None


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
    elif (checked := check_endpoint(endpoint, allowed_origins)) is None:
        result.errors["endpoint"] = ["This push service is not one Fossa sends to."]
    else:
        result.endpoint = checked.url
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
