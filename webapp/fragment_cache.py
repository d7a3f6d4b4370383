"""Render a template fragment once and reuse it, inserting only the per-request values.

The blank entry form on /today is the same for every person and every request of a
day but for two values: the entry's fresh id and the CSRF token. Rendering it took
40 % of the page. ``cached_include`` (a Jinja global, used as
``{{ cached_include("diary/_entry_fields.html") }}``) renders the fragment with
placeholders in place of those two values, keeps the HTML, and on later requests
only swaps the placeholders for the request's (escaped) values.

What the cached HTML may depend on is found, not listed: the fragment's source
(with every template it includes or imports) is parsed once for the variables it
reads, and the cache key holds a fingerprint of exactly those variables as the
request has them (a form by its fields' data, errors, choices and labels; anything
else by ``repr``). A template change that reads a new variable therefore keys on
it at once. A value without a stable ``repr`` (an object shown by its address)
makes every request a miss: slower, never wrong. If the rendered HTML contains the
request's real token or id (something read them another way), it is not cached.
Off while templates auto-reload (debugging).
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, current_app, render_template
from flask_wtf.csrf import generate_csrf
from jinja2 import meta, pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from wtforms import Form

from webapp.lru import LRU

CACHE_SIZE = 64
# Placeholders: letters and digits only, so escaping leaves them as they are.
_ID_SLOT = "fragmentidslot" + secrets.token_hex(8)
_CSRF_SLOT = "fragmentcsrfslot" + secrets.token_hex(8)


class FragmentCache(LRU[Any, str]):
    """Rendered fragments by key, and what each fragment's templates read."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        super().__init__(size)
        self._reads: dict[str, frozenset[str]] = {}
        self.refused = 0

    def variables_read(self, app: Flask, name: str) -> frozenset[str]:
        """Every variable the template and those it includes or imports read."""
        if name in self._reads:
            return self._reads[name]
        env = app.jinja_env
        seen: set[str] = set()
        names: set[str] = set()
        todo = [name]
        while todo:
            current = todo.pop()
            if current in seen:
                continue
            seen.add(current)
            source = env.loader.get_source(env, current)[0]  # type: ignore[union-attr]
            tree = env.parse(source)
            names |= meta.find_undeclared_variables(tree)
            todo += [t for t in meta.find_referenced_templates(tree) if t]
        result = frozenset(names)
        self._reads[name] = result
        return result


def _fingerprint_form(form: Form) -> tuple[Any, ...]:
    parts = []
    for field in form:
        if field.name in ("id", "csrf_token"):
            continue
        parts.append(
            (
                field.name,
                field.type,
                repr(field.data),
                tuple(field.errors),
                repr(getattr(field, "choices", None)),
                str(field.label.text),
                repr(field.render_kw),
            )
        )
    return tuple(parts)


def _fingerprint(value: Any) -> Any:
    if isinstance(value, Form):
        return ("form", type(value).__name__, _fingerprint_form(value))
    return repr(value)


def render_cached(name: str, context: dict[str, Any]) -> Markup:
    """``name`` rendered with ``context``, from the cache when nothing it reads changed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    form = context.get("form")
    if app.jinja_env.auto_reload or not isinstance(form, Form) or not hasattr(form, "id"):
        return Markup(render_template(name, **context))  # noqa: S704 (autoescaped output)
    cache: FragmentCache = app.extensions["fragment_cache"]
    reads = cache.variables_read(app, name)
    globals_ = app.jinja_env.globals
    key = (
        name,
        tuple(
            (var, _fingerprint(context[var]))
            for var in sorted(reads)
            if var in context and not (var in globals_ and context[var] is globals_[var])
        ),
    )
    entry_id = str(form.id.data or "")
    token = str(generate_csrf())
    html = cache.get(key)
    if html is None:
        csrf_field = getattr(form, "csrf_token", None)
        saved_id, saved_token = form.id.data, getattr(csrf_field, "current_token", None)
        form.id.data = _ID_SLOT
        if csrf_field is not None:
            csrf_field.current_token = _CSRF_SLOT
        try:
            html = render_template(name, **{**context, "csrf_token": lambda: _CSRF_SLOT})
        finally:
            form.id.data = saved_id
            if csrf_field is not None:
                csrf_field.current_token = saved_token
        if (entry_id and entry_id in html) or token in html:
            # Something reached the real values another way: render for this request only.
            cache.refused += 1
            return Markup(render_template(name, **context))  # noqa: S704 (autoescaped output)
        cache.put(key, html)
    return Markup(  # noqa: S704 (autoescaped output, escaped values)
        html.replace(_ID_SLOT, str(escape(entry_id))).replace(_CSRF_SLOT, str(escape(token)))
    )


@pass_context
def cached_include(context: Context, name: str) -> Markup:
    """Jinja: ``{{ cached_include("x.html") }}`` is ``{% include "x.html" %}``, cached."""
    return render_cached(name, dict(context.get_all()))


def init_fragment_cache(app: Flask) -> None:
    app.extensions["fragment_cache"] = FragmentCache()
    app.jinja_env.globals["cached_include"] = cached_include
