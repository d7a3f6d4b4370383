"""The one place where untrusted input becomes Python values: numbers, text, zones, URLs, JSON.

Pure (no Flask). Every form, JSON endpoint and the import parse through these, so a
value that Python's own parsers accept too loosely (``"²".isdigit()``), refuse with
an exception nobody catches (``int("9" * 5000)``, ``ZoneInfo("Europe")``,
``urlsplit("https://[::1")``), or that the database cannot store (a NUL byte, a lone
surrogate) is answered with a message instead of a 500.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any
from urllib.parse import SplitResult, urlsplit
from zoneinfo import ZoneInfo, available_timezones

# ASCII digits only: str.isdigit() and int() also take "²", "٣" and full-width digits.
_INTEGER = re.compile(r"\A\s*(-?)0*([0-9]+)\s*\Z", re.ASCII)
# Past this many digits a number is out of every range Fossa has; int() would
# also refuse beyond 4,300 digits with an error of its own.
_MAX_DIGITS = 18
TOO_BIG = 10**_MAX_DIGITS

JSON_MAX_DEPTH = 32
JSON_MAX_BYTES = 2 * 1024 * 1024
BAD_TEXT_MESSAGE = "This contains a character that cannot be stored (a NUL byte or a broken one)."
_JSON_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


def parse_int(value: Any) -> int | None:
    """An int from a JSON int or a string of ASCII digits (optional minus), else None.

    Numbers longer than 18 digits come back as ±10**18, so the caller's range check
    answers them ("from 0 to 10") instead of Python's digit limit raising.
    """
    if isinstance(value, bool):
        return None  # a JSON true is not a number
    if isinstance(value, int):
        return max(-TOO_BIG, min(TOO_BIG, value))
    if not isinstance(value, str):
        return None
    match = _INTEGER.match(value)
    if not match:
        return None
    sign = -1 if match.group(1) else 1
    digits = match.group(2)
    if len(digits) > _MAX_DIGITS:
        return sign * TOO_BIG
    return sign * int(digits)


def text_problem(value: Any) -> str | None:
    """Why a text cannot be stored (NUL byte, lone surrogate), or None when it can."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return BAD_TEXT_MESSAGE
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return BAD_TEXT_MESSAGE
    return None


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def check_timezone(value: Any) -> str | None:
    """The IANA zone name, stripped, when it is a real zone; None otherwise.

    Checked against the zone list, never by opening a file: ZoneInfo("Europe") is a
    directory (IsADirectoryError) and a long name an OSError.
    """
    if not isinstance(value, str):
        return None
    name = value.strip()
    if not name or len(name) > 64 or name not in _zones():
        return None
    return name


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The stored zone, or UTC when it is missing or not a zone (never an exception)."""
    checked = check_timezone(name)
    return ZoneInfo(checked or "UTC")


def split_url(value: Any) -> SplitResult | None:
    """urlsplit() that answers None, not ValueError, for "https://[::1" and bad ports."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value)
        _ = parts.port  # a port out of range or not a number raises only here
    except ValueError:
        return None
    return parts


def local_path(target: Any, default: str) -> str:
    """``target`` when it is a same-site path ("/diary"), else ``default``: no open redirect."""
    if not isinstance(target, str) or not target.startswith("/") or text_problem(target):
        return default
    if target.startswith("//") or "\\" in target or any(ord(ch) < 32 for ch in target):
        return default
    parts = split_url(target)
    if parts is None or parts.scheme or parts.netloc:
        return default
    return target


class UnsafeJSON(ValueError):
    """A JSON document Fossa will not read: too deep, too big, or text it cannot store.

    A ValueError, so ``request.get_json(silent=True)`` answers None (a 400) like
    for any other bad JSON.
    """


def _check_depth(text: str, max_depth: int) -> None:
    depth = 0
    for match in _JSON_STRUCTURE.finditer(text):
        symbol = match.group()
        if symbol in ("[", "{"):
            depth += 1
            if depth > max_depth:
                raise UnsafeJSON(f"The JSON is nested more than {max_depth} levels deep.")
        elif symbol in ("]", "}"):
            depth -= 1


def _check_strings(document: Any) -> None:
    """Walk the decoded document (iteratively) for text the database cannot store."""
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if text_problem(item):
                raise UnsafeJSON(BAD_TEXT_MESSAGE)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads_bounded(
    data: str | bytes, *, max_depth: int = JSON_MAX_DEPTH, max_bytes: int = JSON_MAX_BYTES
) -> Any:
    """json.loads with limits: size, nesting depth, and storable text. Raises UnsafeJSON.

    The depth is counted before decoding, so a document 100,000 levels deep never
    reaches the recursive decoder.
    """
    if len(data) > max_bytes:
        raise UnsafeJSON(f"The JSON is larger than {max_bytes // (1024 * 1024)} MB.")
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnsafeJSON("This is not valid JSON (it is not UTF-8 text).") from error
    _check_depth(data, max_depth)
    try:
        document = json.loads(data)
    except RecursionError as error:  # belt and braces: the depth check comes first
        raise UnsafeJSON("The JSON is nested too deep.") from error
    except ValueError as error:
        # Includes Python's limit on the digits of one integer.
        raise UnsafeJSON("This is not valid JSON.") from error
    _check_strings(document)
    return document
