"""Warm a new worker up before it takes requests, so nobody waits on its first page.

A fresh worker's first /today took 91 ms instead of 2: Jinja compiles each template
the first time it is used, the entry form's fragment cache parses its templates for
the variables they read (webapp/fragment_cache.py), and SQLAlchemy compiles its hot
statement and opens a connection. Under load, every request that comes in meanwhile
queues behind that work: in the HTTP benchmark a just-started server's /today had a
p99 of 585 ms, and 25 ms once five requests had warmed it.

gunicorn calls ``warm_up`` once in each worker before the worker accepts connections
(``post_worker_init`` in gunicorn.conf.py); the test app never does, so the tests
still exercise every lazy first use.
"""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from webapp.auth.user_loading import load_user
from webapp.diary import routes as diary_routes
from webapp.extensions import db
from webapp.validation import check_timezone

# How templates name a fragment they have cached (fragment_cache.cached_include).
_CACHED_INCLUDE = re.compile(r"""cached_include\(\s*["']([^"']+)["']\s*\)""")
# No session id has a space in it (they are URL-safe tokens): this one finds nobody.
_NOBODY = "warm up"


def warm_up(app: Flask) -> None:
    """Compile every template, analyse the cached fragments, build the page's fixed data
    and the zone list, and run the per-request query once."""
    env = app.jinja_env
    fragments: set[str] = set()
    for name in env.list_templates():
        env.get_template(name)
        source = env.loader.get_source(env, name)[0]  # type: ignore[union-attr]
        fragments.update(_CACHED_INCLUDE.findall(source))
    cache = app.extensions.get("fragment_cache")
    if cache is not None:
        for name in sorted(fragments):
            cache.variables_read(app, name)
    diary_routes.warm_up()
    check_timezone("UTC")
    with app.app_context():
        try:
            load_user(_NOBODY)
        except SQLAlchemyError:
            # A database that is down must not stop the worker from booting (it serves
            # /healthz and recovers when the database is back): the query warms later.
            app.logger.warning("warm-up: the database did not answer", exc_info=True)
        finally:
            db.session.remove()
