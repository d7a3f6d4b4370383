"""Push endpoints against server-side request forgery: parsed and normalised the way
the sender connects, and checked again at send time where names are resolved.

The review's bypass: ``https://127.0.0.1\\.notify.windows.com/x`` passed the old
check (urlsplit saw one host) while requests connected to 127.0.0.1:443.
"""

from __future__ import annotations

import asyncio
import socket

import pytest

from webapp.reminders.sender import (
    PublicOnlyResolver,
    RefusedAddress,
    address_is_public,
    parse_dev_routes,
)
from webapp.reminders.subscriptions import (
    PushEndpoint,
    check_endpoint,
    parse_allowed_origins,
    parse_endpoint,
)

ALLOWED = parse_allowed_origins(
    "https://fcm.googleapis.com,https://updates.push.services.mozilla.com,"
    "https://web.push.apple.com,https://*.notify.windows.com"
)


@pytest.mark.parametrize(
    "endpoint",
    [
        # the review's finding: a backslash ends the host for some parsers, not others
        "https://127.0.0.1\\.notify.windows.com/x",
        "https://fcm.googleapis.com\\@127.0.0.1/x",
        "https://fcm.googleapis.com/x\\..\\y",
        # userinfo
        "https://fcm.googleapis.com@127.0.0.1/x",
        "https://user:pw@fcm.googleapis.com/x",
        "https://a.notify.windows.com%2f@127.0.0.1/x",
        # ports other than 443, and non-https
        "https://fcm.googleapis.com:8443/x",
        "https://fcm.googleapis.com:0443/x",
        "https://fcm.googleapis.com:/x",
        "http://fcm.googleapis.com/x",
        "wss://fcm.googleapis.com/x",
        "//fcm.googleapis.com/x",
        # IP literals in every spelling
        "https://127.0.0.1/x",
        "https://2130706433/x",
        "https://0x7f000001/x",
        "https://127.1/x",
        "https://0177.0.0.1/x",
        "https://１２７.０.０.１/x",  # full-width digits: UTS 46 makes them 127.0.0.1
        "https://169.254.169.254/latest/meta-data",
        # IPv6 literals
        "https://[::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[fe80::1%25eth0]/x",
        "https://[::1",
        # names that only look allowed
        "https://fcm.googleapis.com./x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://notify.windows.com.evil.example/x",
        "https://evilnotify.windows.com/x",
        "https://evil.example/?https://fcm.googleapis.com/",
        "https://fcm.googleapis.com%2eevil.example/x",
        "https://fcm.googleapis.com#@evil.example/x",
        "https://fcm.googleapis.com/x#fragment",
        "https://xn--fcm.googleapis.com/x",  # not a valid A-label
        "https://fcm.googleapis.com/x\r\nHost: evil",
        "https://fcm.googleapis.com/x y",
        "https://fcm.googleapis.com/x%zz",
        "https://fcm.googleapis.com",  # no path
        "",
        None,
        "https://fcm.googleapis.com/" + "a" * 1100,
    ],
)
def test_bypasses_are_refused(endpoint: object) -> None:
    assert check_endpoint(endpoint, ALLOWED) is None


@pytest.mark.parametrize(
    ("endpoint", "normalised"),
    [
        (
            "https://fcm.googleapis.com/fcm/send/abc:APA91b",
            "https://fcm.googleapis.com/fcm/send/abc:APA91b",
        ),
        ("HTTPS://FCM.GoogleAPIs.com:443/fcm/send/x", "https://fcm.googleapis.com/fcm/send/x"),
        # IDNA: full-width letters map to the ASCII name; the stored form is ASCII
        ("https://ｆｃｍ.googleapis.com/x", "https://fcm.googleapis.com/x"),
        ("https://fcm。googleapis。com/x", "https://fcm.googleapis.com/x"),
        (
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAD%2Bx",
            "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAD%2Bx",
        ),
        ("https://web.push.apple.com/QGuQyavXutnMH", "https://web.push.apple.com/QGuQyavXutnMH"),
    ],
)
def test_real_endpoints_are_accepted_in_one_normal_form(endpoint: str, normalised: str) -> None:
    checked = check_endpoint(endpoint, ALLOWED)
    assert checked is not None and checked.url == normalised


def test_an_idna_name_is_compared_in_its_ascii_form() -> None:
    allowed = parse_allowed_origins("https://*.bücher.example")
    assert allowed == ["*.xn--bcher-kva.example"]
    assert check_endpoint("https://push.bücher.example/x", allowed) == PushEndpoint(
        "push.xn--bcher-kva.example", "/x"
    )
    assert check_endpoint("https://push.xn--bcher-kva.example/x", allowed) is not None
    assert check_endpoint("https://push.bucher.example/x", allowed) is None


def test_allowed_list_keeps_only_https_names() -> None:
    assert parse_allowed_origins(
        "https://fcm.googleapis.com/, http://a.example, https://127.0.0.1, https://b.example:8443,"
        " https://c.example:443, https://[::1]"
    ) == ["fcm.googleapis.com", "c.example"]


def test_parse_endpoint_is_strict_without_an_allowed_list() -> None:
    assert parse_endpoint("https://anything.example/x") == PushEndpoint("anything.example", "/x")
    assert parse_endpoint("https://anything.example:444/x") is None


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("142.250.74.106", True),
        ("2a00:1450:4001:82b::200a", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),  # noqa: S104 - an address to refuse, not one to bind
        ("224.0.0.1", False),
        ("::1", False),
        ("fe80::1", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),  # IPv4-mapped loopback
        ("::ffff:8.8.8.8", True),
        ("::", False),
        ("not an address", False),
    ],
)
def test_only_public_addresses_are_sent_to(address: str, public: bool) -> None:
    assert address_is_public(address) is public


def _run(coroutine: object) -> object:
    """asyncio.run on a thread of its own (the browser tests leave a loop running here)."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]


class _FakeDns:
    """A resolver answering fixed addresses, as a name under an attacker's control would."""

    def __init__(self, addresses: list[str]) -> None:
        self.addresses = addresses

    async def resolve(self, host: str, port: int = 0, family: int = socket.AF_INET) -> list:
        return [
            {
                "hostname": host,
                "host": address,
                "port": port,
                "family": socket.AF_INET6 if ":" in address else socket.AF_INET,
                "proto": 0,
                "flags": 0,
            }
            for address in self.addresses
        ]

    async def close(self) -> None:
        pass


@pytest.mark.parametrize(
    "addresses",
    [["127.0.0.1"], ["10.0.0.7", "192.168.0.2"], ["169.254.169.254"], ["::1"], ["fe80::1"]],
)
def test_a_name_resolving_to_private_addresses_is_refused(addresses: list[str]) -> None:
    resolver = PublicOnlyResolver(_FakeDns(addresses))  # type: ignore[arg-type]
    with pytest.raises(RefusedAddress):
        _run(resolver.resolve("evil.notify.windows.com", 443))


def test_private_addresses_are_dropped_from_a_mixed_answer() -> None:
    resolver = PublicOnlyResolver(_FakeDns(["127.0.0.1", "142.250.74.106"]))  # type: ignore[arg-type]
    found = _run(resolver.resolve("fcm.googleapis.com", 443))
    assert [entry["host"] for entry in found] == ["142.250.74.106"]


def test_dev_routes_parse() -> None:
    assert parse_dev_routes("push.fossa.test=http://127.0.0.1:9/, b.test=http://127.0.0.1:8") == {
        "push.fossa.test": "http://127.0.0.1:9",
        "b.test": "http://127.0.0.1:8",
    }
    assert parse_dev_routes(None) == {}
