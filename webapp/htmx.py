"""The one place that decides between a full page and an htmx fragment.

A view names both templates; an htmx request (``HX-Request: true``) gets the
fragment, except a boosted navigation and a history restore (the back button
with htmx's history cache off), which both want the whole page. ``Vary`` keeps
caches from handing one answer to the other kind of request.
"""

from __future__ import annotations

from typing import Any

from flask import make_response, render_template, request
from flask.typing import ResponseReturnValue


def wants_fragment() -> bool:
    """True for an htmx request that swaps part of a page."""
    if not request.htmx or request.htmx.boosted:
        return False
    return request.headers.get("HX-History-Restore-Request") != "true"


def render_page_or_fragment(
    page: str, fragment: str, status: int = 200, **context: Any
) -> ResponseReturnValue:
    """Render ``fragment`` for htmx swaps and ``page`` (which includes it) otherwise."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.update(("HX-Request", "HX-History-Restore-Request"))
    return response
