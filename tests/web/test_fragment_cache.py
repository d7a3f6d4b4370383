"""The cached blank entry form: identical to rendering it afresh, keyed on what it reads."""

from __future__ import annotations

import re

from webapp.fragment_cache import FragmentCache


def _normalised(html: str) -> str:
    """The page with its per-request values (entry id, CSRF tokens) masked."""
    html = re.sub(r'name="id" type="hidden" value="[0-9a-f-]{36}"', 'name="id" value="ID"', html)
    html = re.sub(r'id="id" name="id" type="hidden" value="[0-9a-f-]{36}"', "ID", html)
    return re.sub(r'value="[^"]{40,}"|"X-CSRFToken": "[^"]+"', "TOKEN", html)


def _form_of(html: str) -> str:
    start = html.index('<form id="entry-form"')
    return html[start : html.index("</form>", start)]


def test_cached_form_equals_a_fresh_render_with_fresh_values(app, client, logged_in):
    first = client.get("/today").get_data(as_text=True)
    cache: FragmentCache = app.extensions["fragment_cache"]
    hits_before = cache.hits
    second = client.get("/today").get_data(as_text=True)
    assert cache.hits == hits_before + 1
    app.jinja_env.auto_reload = True  # the cache is off: rendered afresh
    fresh = client.get("/today").get_data(as_text=True)
    app.jinja_env.auto_reload = False
    assert _normalised(_form_of(second)) == _normalised(_form_of(fresh))
    assert _normalised(_form_of(first)) == _normalised(_form_of(second))
    ids = [
        re.search(r'name="id" type="hidden" value="([0-9a-f-]{36})"', h) for h in (first, second)
    ]
    assert ids[0] and ids[1] and ids[0].group(1) != ids[1].group(1)  # a fresh id every time
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', second).group(1)
    assert token in re.search(r'"X-CSRFToken": "([^"]+)"', second).group(1)
    assert "fragment" not in _form_of(second)  # no placeholder left behind


def test_a_variable_the_fragment_reads_keys_the_cache(app, client, logged_in):
    plain = _form_of(client.get("/today").get_data(as_text=True))
    opened = _form_of(client.get("/today?detail=swelling").get_data(as_text=True))
    assert plain != opened
    cache: FragmentCache = app.extensions["fragment_cache"]
    assert {"form", "groups", "open_detail"} <= cache.variables_read(
        app, "diary/_entry_fields.html"
    )


def test_a_form_with_errors_is_rendered_with_them_and_keeps_what_was_typed(client, logged_in):
    page = client.post(
        "/entries",
        data={"csrf_token": logged_in.csrf, "date": "2026-11-20", "pain": "11", "notes": "Stairs"},
    ).get_data(as_text=True)
    assert "Stairs" in _form_of(page)
    again = client.get("/today").get_data(as_text=True)
    assert "Stairs" not in _form_of(again)


def test_a_fragment_that_reaches_the_real_token_is_not_cached(app):
    # A template reading the CSRF token another way (not through the form) is
    # detected: the real value appears in its output, so it is rendered each time.
    import datetime as dt

    from flask_wtf.csrf import generate_csrf

    from webapp.diary.forms import EntryForm
    from webapp.fragment_cache import render_cached

    with app.test_request_context("/today"):
        template = app.jinja_env.from_string("{{ form.id.data }} {{ session_token }}")
        form = EntryForm(formdata=None).fill_new(dt.date(2026, 11, 20))
        cache: FragmentCache = app.extensions["fragment_cache"]
        cache._reads["inline"] = frozenset({"form", "session_token"})
        original = app.jinja_env.get_template

        def get_template(name, *args, **kwargs):
            return template if name == "inline" else original(name, *args, **kwargs)

        app.jinja_env.get_template = get_template  # type: ignore[method-assign]
        try:
            refused = cache.refused
            html = render_cached("inline", {"form": form, "session_token": generate_csrf()})
            assert generate_csrf() in html and form.id.data in html
            assert cache.refused == refused + 1
        finally:
            app.jinja_env.get_template = original  # type: ignore[method-assign]
