"""The whole /today page kept per process, served again while nothing it shows changed.

/today is the page a person opens most, and rendering it (templates, the entry
form, the emergency judgement) was most of its cost. This cache keeps the HTML a
request rendered and hands it to the next request with the same key, with only
the per-request values swapped in: the CSRF token and the new entry's fresh id.

It knows nothing of the templates. The key is everything the page can depend on,
read fresh from the database on every request:

- the person's whole ``user`` row, as loaded for this request. It holds the diary
  version, which every write to entries and episodes bumps (diary/version.py),
  the timezone, the emergency number, the name and the session id (so a logout
  or a new password makes a new key as well as ending the session);
- their emergency acknowledgements (count and newest id: they are only added);
- their local day (the day changes the form's date, the 14-day emergency window);
- the URL with its query, and every ``HX-*`` header (page or fragment).

A request is not served from the cache, nor its page kept, when the session
holds flashed messages (they render once), when templates auto-reload, or when
the view answered anything but a plain 200 HTML page.

Before a rendered page is kept, every UUID in it must be explained: the id of a
stored entry or episode of this person (content), or the id field of a form the
request rendered that is not stored (a fresh id, replaced by a slot that gets a
new ``uuid4`` on every hit, so no two forms ever carry the same new id). Any other
UUID, or a page where the real CSRF token is not found where expected, is not
kept: slower, never wrong.

``PAGE_CACHE_VERIFY`` (on while TESTING) renders every hit afresh as well and
fails the request if the two differ but for the swapped values, so every test
that opens /today twice checks the key.
"""

from __future__ import annotations

import logging
import re
import struct
import uuid
import zlib
from typing import Any

from flask import Flask, Response, current_app, g, request, session, template_rendered
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import bindparam, func, select
from wtforms import Form

from webapp.extensions import db
from webapp.lru import LRU

log = logging.getLogger(__name__)

CACHED_ENDPOINTS = frozenset({"diary.today"})
CACHE_SIZE = 256  # pages per process (~30 KB each)
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Letters and digits only: no escaping changes them, and no UUID or token contains them.
_SLOT = "pagecacheslot" + uuid.uuid4().hex
_CSRF_SLOT = _SLOT + "csrf"
_SLOT_PATTERN = re.compile("(" + re.escape(_SLOT) + r"(?:csrf|id\d+))")
# A kept page is compressed once, so it can afford the best level.
GZIP_LEVEL = 9
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
_DEFLATE_END = zlib.compressobj(1, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


class PageCacheMismatch(RuntimeError):
    """PAGE_CACHE_VERIFY found a cached page that differs from a fresh render."""


class CachedPage:
    """A kept page: its text cut at the slots, and the same pieces gzipped once.

    Each piece is compressed on its own (raw deflate, ending on a sync flush at a byte
    boundary, referring to nothing before it), so a hit only compresses the few bytes
    of the values it swaps in and joins the pieces into one valid gzip stream: no
    whole-page compression per request.
    """

    __slots__ = ("_gzip_pieces", "headers", "pieces", "slots", "status")

    def __init__(self, body: str, status: int, headers: list[tuple[str, str]]) -> None:
        parts = _SLOT_PATTERN.split(body)
        self.pieces = [part.encode() for part in parts[0::2]]
        self.slots = parts[1::2]
        self.status = status
        self.headers = headers
        self._gzip_pieces: list[bytes] | None = None

    def body(self, values: dict[str, str]) -> bytes:
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out += [values[slot].encode(), piece]
        return b"".join(out)

    def gzipped(self, values: dict[str, str]) -> bytes:
        if self._gzip_pieces is None:
            self._gzip_pieces = [_deflate_piece(piece, GZIP_LEVEL) for piece in self.pieces]
        out = [_GZIP_HEADER, self._gzip_pieces[0]]
        crc = zlib.crc32(self.pieces[0])
        size = len(self.pieces[0])
        for slot, piece, packed in zip(
            self.slots, self.pieces[1:], self._gzip_pieces[1:], strict=True
        ):
            value = values[slot].encode()
            out += [_deflate_piece(value, 1), packed]
            crc = zlib.crc32(piece, zlib.crc32(value, crc))
            size += len(value) + len(piece)
        out += [_DEFLATE_END, struct.pack("<II", crc, size & 0xFFFFFFFF)]
        return b"".join(out)


def _deflate_piece(data: bytes, level: int) -> bytes:
    packer = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush(zlib.Z_SYNC_FLUSH)


class PageCache(LRU[Any, CachedPage]):
    """Kept pages by key; ``refused`` counts pages found not fit to keep."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)
        self.refused = 0


def _acknowledgement_statement() -> Any:
    from webapp.models import FlagAcknowledgement

    table = FlagAcknowledgement.__table__
    return select(func.count(table.c.id), func.max(table.c.id)).where(
        table.c.user_id == bindparam("user_id")
    )


def _known_ids_statements() -> tuple[Any, Any]:
    from webapp.models import Entry, Episode

    entry, episode = Entry.__table__, Episode.__table__
    return (
        select(entry.c.id).where(
            entry.c.user_id == bindparam("user_id"),
            entry.c.id.in_(bindparam("ids", expanding=True)),
        ),
        select(episode.c.id).where(
            episode.c.user_id == bindparam("user_id"),
            episode.c.id.in_(bindparam("ids", expanding=True)),
        ),
    )


def _key(app: Flask) -> tuple[Any, ...] | None:
    """What the page shows depends on, or None when this request is not cacheable."""
    if request.method != "GET" or request.endpoint not in CACHED_ENDPOINTS:
        return None
    if app.jinja_env.auto_reload or "_flashes" in session:
        return None
    if not current_user.is_authenticated:
        return None
    from webapp.diary import store
    from webapp.models import User

    user = current_user._get_current_object()
    row = tuple(getattr(user, column.key) for column in User.__table__.columns)
    acknowledged = tuple(
        db.session.connection()
        .execute(app.extensions["page_cache_statements"][0], {"user_id": user.id})
        .one()
    )
    htmx = tuple(sorted((k, v) for k, v in request.headers.items() if k.lower().startswith("hx-")))
    return (
        request.endpoint,
        request.full_path,
        htmx,
        row,
        acknowledged,
        store.local_today(user),
    )


def _fill(text: str, values: dict[str, str]) -> str:
    if _SLOT in text:
        text = _SLOT_PATTERN.sub(lambda match: values[match.group(1)], text)
    return text


def _before_request() -> Response | None:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config["PAGE_CACHE"]:
        return None
    key = _key(app)
    if key is None:
        return None
    g._page_cache_key = key
    g._page_cache_fresh_ids = set()
    cache: PageCache = app.extensions["page_cache"]
    page = cache.get(key)
    if page is None:
        return None
    if app.config["PAGE_CACHE_VERIFY"]:
        g._page_cache_expected = page
        return None
    token = generate_csrf()
    values = {slot: str(uuid.uuid4()) for slot in page.slots if slot != _CSRF_SLOT}
    values[_CSRF_SLOT] = token
    g._page_cache_hit = True
    if request.accept_encodings["gzip"] > 0:
        response = Response(page.gzipped(values), status=page.status)
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(page.body(values), status=page.status)
    for name, value in page.headers:
        response.headers[name] = _fill(value, values)
    return response


def _normalised(response: Response) -> tuple[str, list[tuple[str, str]]] | None:
    """The body and headers with the per-request values as slots, or None if unsafe."""
    body = response.get_data(as_text=True)
    token = g.get("csrf_token")
    if token:
        body = body.replace(token, _CSRF_SLOT)
    found = set(_UUID.findall(body))
    if found:
        user_id = current_user.id
        entries_statement, episodes_statement = current_app.extensions["page_cache_statements"][1]
        connection = db.session.connection()
        ids = sorted(found)
        known = set(connection.scalars(entries_statement, {"user_id": user_id, "ids": ids}))
        known |= set(connection.scalars(episodes_statement, {"user_id": user_id, "ids": ids}))
        fresh = g.get("_page_cache_fresh_ids", set()) - known
        unexplained = found - known - fresh
        if unexplained:
            return None
        # Slots numbered by first appearance, so two renders of one page compare equal.
        order = sorted(fresh & found, key=body.index)
        for number, value in enumerate(order):
            body = body.replace(value, f"{_SLOT}id{number}")
    else:
        order = []
    headers = []
    for name, value in response.headers.items():
        if name.lower() in ("content-length", "set-cookie"):
            continue
        if token:
            value = value.replace(token, _CSRF_SLOT)
        for number, fresh_id in enumerate(order):
            value = value.replace(fresh_id, f"{_SLOT}id{number}")
        headers.append((name, value))
    return body, headers


def _after_request(response: Response) -> Response:
    key = g.get("_page_cache_key")
    if key is None or g.get("_page_cache_hit"):
        return response
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache: PageCache = app.extensions["page_cache"]
    cacheable = (
        response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and not response.is_streamed
        and "_flashes" not in session
        and current_user.is_authenticated
    )
    if not cacheable:
        return response
    normalised = _normalised(response)
    expected = g.get("_page_cache_expected")
    if expected is not None:
        again = CachedPage(normalised[0], 200, []) if normalised else None
        if again is None or (again.pieces, again.slots) != (expected.pieces, expected.slots):
            log.error("page cache: a cached %s differs from a fresh render", request.path)
            raise PageCacheMismatch(f"cached {request.full_path} differs from a fresh render")
        return response
    if normalised is None:
        cache.refused += 1
        return response
    cache.put(key, CachedPage(normalised[0], response.status_code, normalised[1]))
    return response


def _note_forms(_sender: Flask, template: Any, context: dict[str, Any], **_extra: Any) -> None:
    """Remember the id fields of the forms this request renders (the fresh ids)."""
    fresh = g.get("_page_cache_fresh_ids")
    if fresh is None:
        return
    for value in context.values():
        if isinstance(value, Form):
            field = getattr(value, "id", None)
            data = getattr(field, "data", None)
            if isinstance(data, str) and data:
                fresh.add(data)


def init_page_cache(app: Flask) -> None:
    """Register last: its before_request then runs after the others (rate limits…)."""
    app.config.setdefault("PAGE_CACHE", True)
    app.config.setdefault("PAGE_CACHE_VERIFY", bool(app.config.get("TESTING")))
    app.extensions["page_cache"] = PageCache()
    app.extensions["page_cache_statements"] = (
        _acknowledgement_statement(),
        _known_ids_statements(),
    )
    app.before_request(_before_request)
    # Registered last, so it runs first among the after_request hooks: it keeps the
    # body as the view made it; headers and compression are added again on a hit.
    app.after_request(_after_request)
    template_rendered.connect(_note_forms, app)
