"""The validation layer: what Python's own parsers get wrong, answered without exceptions."""

from __future__ import annotations

import pytest

from webapp.validation import (
    TOO_BIG,
    UnsafeJSON,
    check_timezone,
    loads_bounded,
    local_path,
    parse_int,
    split_url,
    text_problem,
    zone_or_utc,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("7", 7),
        (" 07 ", 7),
        ("-3", -3),
        (10, 10),
        ("²", None),
        ("٣", None),
        ("５", None),
        ("--5", None),
        ("1e3", None),
        ("", None),
        (True, None),
        (2.0, None),
        ("9" * 5000, TOO_BIG),
        ("-" + "9" * 5000, -TOO_BIG),
        (10**50, TOO_BIG),
    ],
)
def test_parse_int_takes_ascii_digits_only(raw, expected):
    assert parse_int(raw) == expected


@pytest.mark.parametrize(
    "name", ["Europe", "Europe/", "x" * 70, "../etc/passwd", "Europe/Berlin\x00", "", None, 5]
)
def test_odd_zone_names_are_not_zones(name):
    assert check_timezone(name) is None
    assert str(zone_or_utc(name)) == "UTC"


def test_real_zones_are_zones():
    assert check_timezone(" America/Argentina/Buenos_Aires ") == "America/Argentina/Buenos_Aires"


@pytest.mark.parametrize("url", ["https://[::1", "http://host:99999/", "http://host:port/"])
def test_split_url_answers_none_where_urlsplit_raises(url):
    assert split_url(url) is None


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "diary",
        "/a\x00",
        "/\ud800",
        None,
    ],
)
def test_local_path_refuses_other_sites(target):
    assert local_path(target, "/home") == "/home"


def test_local_path_keeps_a_local_path():
    assert local_path("/diary?before=2026-11-01", "/home") == "/diary?before=2026-11-01"


@pytest.mark.parametrize("text", ["a\x00b", "\ud800", "end \udfff"])
def test_text_the_database_cannot_store_is_named(text):
    assert text_problem(text)


def test_ordinary_text_including_emoji_and_accents_is_fine():
    assert text_problem("Knie tut weh 😖 — après la course") is None


@pytest.mark.parametrize(
    "document",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"a":' * 33 + "1" + "}" * 33,
        '{"notes": "\\ud800"}',
        '{"notes": "\\u0000"}',
        '{"\\u0000": 1}',
        "9" * 5000,
        b"\xff\xfe",
        "{",
    ],
)
def test_unsafe_json_is_refused(document):
    with pytest.raises(UnsafeJSON):
        loads_bounded(document)


def test_json_size_is_bounded():
    with pytest.raises(UnsafeJSON, match="larger than"):
        loads_bounded(b"[" + b" " * 100 + b"]", max_bytes=50)


def test_brackets_inside_strings_do_not_count_as_depth():
    document = '{"notes": "' + "[" * 100 + '\\"[{"}'
    assert loads_bounded(document) == {"notes": "[" * 100 + '"[{'}
    assert loads_bounded("[" * 32 + "]" * 32) is not None
