"""The PWA blueprint: manifest, service worker (root scope), offline page, CSRF token.

The worker is rendered from a template so it carries the shell's version and
precache list; its bytes change whenever a shell file does, which is how the
browser learns of an update.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    jsonify,
    make_response,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from webapp.diary import format as diary_format
from webapp.pwa import shell
from webapp.static_files import hashed_static_url

bp = Blueprint("pwa", __name__)

# How long a page request waits for the network before a cached copy is shown.
PAGE_TIMEOUT_MS = 3000


@bp.record_once
def _setup(state: Any) -> None:
    # Other blueprints append their worker scripts (push handlers…) to this list.
    state.app.config.setdefault("WORKER_SCRIPTS", [])
    state.app.config.setdefault("PWA_PAGE_TIMEOUT_MS", PAGE_TIMEOUT_MS)


def _url_or(endpoint: str, fallback: str) -> str:
    return url_for(endpoint) if endpoint in current_app.view_functions else fallback


def _manifest() -> dict[str, Any]:
    return shell.manifest(
        start_url=url_for("diary.today", source="pwa"),
        log_url=url_for("diary.today", source="pwa-shortcut"),
        insights_url=_url_or("insights.index", "/insights"),
        icon_url=lambda name: url_for("static", filename=f"icons/{name}"),
    )


def _version(app: Flask) -> str:
    """The shell's version; computed once per process except while debugging."""
    cached = app.extensions.get("pwa_version")
    if cached and not app.debug:
        return cached
    files = shell.files_under(
        Path(app.static_folder or "static"), Path(app.template_folder or "templates") / "pwa"
    )
    extra = [shell.manifest_text(_manifest()), *app.config["WORKER_SCRIPTS"]]
    version = shell.shell_version(files, extra)
    app.extensions["pwa_version"] = version
    return version


@bp.get("/manifest.webmanifest")
def manifest() -> Response:
    response = make_response(shell.manifest_text(_manifest()))
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = shell.worker_settings(
        version=_version(app),
        static_url=url_for("static", filename=""),
        offline_url=url_for("pwa.offline"),
        manifest_url=url_for("pwa.manifest"),
        worker_scripts=app.config["WORKER_SCRIPTS"],
        page_timeout_ms=app.config["PWA_PAGE_TIMEOUT_MS"],
        hashed=lambda url: hashed_static_url(app, url),
    )
    response = make_response(render_template("pwa/sw.js", settings=settings))
    response.mimetype = "text/javascript"
    # The browser must ask every time, or an update could wait a day to be seen.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/offline")
def offline() -> Response:
    """Shown by the worker for a page never visited; it holds nobody's data."""
    response = make_response(render_template("pwa/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/csrf-token")
@login_required
def csrf_token() -> ResponseReturnValue:
    """A token (and the queue owner's tag) for replays made where no page is at hand."""
    response = jsonify({"csrf_token": generate_csrf(), "owner": queue_owner()})
    response.headers["Cache-Control"] = "no-store"
    return response


def queue_owner() -> str | None:
    if not current_user.is_authenticated:
        return None
    return shell.queue_owner_key(current_app.config["SECRET_KEY"], current_user.id)


@bp.app_context_processor
def pwa_context() -> dict[str, Any]:
    return {
        "queue_owner": queue_owner,
        "entry_format": {
            "fields": list(diary_format.FIELD_ORDER),
            "lists": list(diary_format.LISTS),
            "booleans": list(diary_format.BOOLEANS),
            "integers": ["pain"],
        },
    }
