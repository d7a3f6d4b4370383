"""A new gunicorn worker is warmed before it accepts connections (webapp/warm_up.py),
and the warm-up builds what a first request would otherwise build while others wait."""

from __future__ import annotations

import runpy
from pathlib import Path
from types import SimpleNamespace

from flask import Flask

from webapp import validation
from webapp.diary import routes as diary_routes
from webapp.warm_up import warm_up

ROOT = Path(__file__).resolve().parents[2]


def test_warm_up_compiles_templates_analyses_fragments_and_builds_the_page_data(app: Flask):
    env = app.jinja_env
    env.cache.clear()
    cache = app.extensions["fragment_cache"]
    cache._reads.clear()
    for built in (diary_routes._live_rules_json, validation._zones):
        built.cache_clear()

    warm_up(app)

    compiled = {name for (_loader, name) in env.cache}
    assert {"base.html", "diary/today.html", "diary/_log.html"} <= compiled
    assert "diary/_entry_fields.html" in cache._reads  # the form's cached fragment
    assert diary_routes._live_rules_json.cache_info().currsize == 1
    assert validation._zones.cache_info().currsize == 1


def test_warm_up_leaves_the_app_serving_as_before(app: Flask, client):
    warm_up(app)
    warm_up(app)  # a second call (a reloaded worker) is harmless
    assert client.get("/healthz").data == b"ok"
    assert client.get("/today").status_code == 302  # nobody is signed in: to the login


def test_gunicorn_warms_each_worker_before_it_serves(app: Flask, monkeypatch):
    warmed = []
    monkeypatch.setattr("webapp.warm_up.warm_up", warmed.append)
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    settings["post_worker_init"](SimpleNamespace(wsgi=app))
    assert warmed == [app]


def test_a_database_that_is_down_does_not_stop_a_worker_from_booting(tmp_path):
    from webapp import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "postgresql://nobody@127.0.0.1:1/none",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "AUTO_MIGRATE": False,
        }
    )
    warm_up(app)  # logs a warning, raises nothing
    assert "base.html" in {name for (_loader, name) in app.jinja_env.cache}
