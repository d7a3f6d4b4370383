"""The application factory: configuration, extensions, blueprints. Nothing else."""

from __future__ import annotations

import datetime as dt
import fcntl
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import DEFAULT_INSTANCE, PROJECT_ROOT, load_config
from webapp.extensions import compress, csrf, db, htmx, limiter, login_manager, migrate
from webapp.fragment_cache import init_fragment_cache
from webapp.page_cache import init_page_cache
from webapp.request_deadline import BodyDeadline
from webapp.security import sqlite_files
from webapp.security.access_log import install_werkzeug_filter
from webapp.security.boundary import BoundedJSONProvider
from webapp.static_files import init_static_files

# No inline script anywhere: scripts are files under static/. Inline style
# attributes stay allowed for the server-drawn SVG chart only via classes.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app; ``config`` overrides settings read from the environment."""
    instance_path = Path((config or {}).get("INSTANCE_PATH", DEFAULT_INSTANCE))
    app = Flask(
        "webapp",
        instance_path=str(instance_path),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(load_config(instance_path, config))
    # Every JSON body is read with limits (depth, size, storable text): see validation.py.
    app.json = BoundedJSONProvider(app)
    register_extensions(app)
    register_blueprints(app)
    register_health_check(app)
    register_error_pages(app)
    register_security_headers(app)
    install_werkzeug_filter()
    register_proxy_fix(app)
    register_template_helpers(app)
    if app.config["AUTO_MIGRATE"]:
        migrate_embedded_database(app)
    # Last: its before_request runs after every other one (rate limits, …).
    init_page_cache(app)
    # Outermost: a slow upload is cut off before anything else runs.
    app.wsgi_app = BodyDeadline(  # type: ignore[method-assign]
        app.wsgi_app, app.config["MAX_CONTENT_LENGTH"], app.config["BODY_DEADLINE_SECONDS"]
    )
    return app


def register_extensions(app: Flask) -> None:
    # First registered, so its after_request runs last: it compresses the final body.
    compress.init_app(app)
    init_static_files(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see your diary."
    login_manager.session_protection = "basic"

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        sqlite_files.make_private(app.config["SQLALCHEMY_DATABASE_URI"])
        with app.app_context():
            sqlite_files.tune(db.engine)

    from webapp.auth.user_loading import load_user

    # Checked against the database on every request: see webapp/auth/user_loading.py.
    login_manager.user_loader(load_user)

    @login_manager.unauthorized_handler
    def unauthorized() -> Any:
        from flask import jsonify, redirect, url_for

        if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
            return jsonify({"error": "Log in first."}), 401
        if request.htmx:
            # After logging in, back to the page the person was on: a POST's own URL
            # (e.g. /entries) cannot be opened.
            back = request.full_path if request.method == "GET" else None
            if back is None and request.htmx.current_url:
                back = urlsplit(request.htmx.current_url).path or None
            response = Response(status=401)
            response.headers["HX-Redirect"] = url_for("auth.login", next=back)
            return response
        return redirect(url_for("auth.login", next=request.full_path))


def register_blueprints(app: Flask) -> None:
    # Scripts the service worker imports (push handlers…): any blueprint may append.
    app.config.setdefault("WORKER_SCRIPTS", [])
    from webapp.auth.recovery import bp as recovery_bp
    from webapp.auth.routes import bp as auth_bp
    from webapp.diary.api import bp as diary_api_bp
    from webapp.diary.cli import cli as diary_cli
    from webapp.diary.routes import bp as diary_bp
    from webapp.emergency.routes import bp as emergency_bp
    from webapp.insights.cli import cli as insights_cli
    from webapp.insights.views import bp as insights_bp
    from webapp.pwa.routes import bp as pwa_bp
    from webapp.questions.routes import api as questions_api_bp
    from webapp.questions.routes import bp as questions_bp
    from webapp.reminders.api import bp as reminders_api_bp
    from webapp.reminders.routes import bp as reminders_bp
    from webapp.share.api import bp as share_api_bp
    from webapp.share.routes import bp as share_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(recovery_bp)
    app.register_blueprint(diary_bp)
    app.register_blueprint(diary_api_bp)
    app.cli.add_command(diary_cli)
    app.register_blueprint(insights_bp)
    app.register_blueprint(emergency_bp)
    app.register_blueprint(questions_bp)
    app.register_blueprint(questions_api_bp)
    app.cli.add_command(insights_cli)
    app.register_blueprint(share_bp)
    app.register_blueprint(share_api_bp)
    app.register_blueprint(pwa_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(reminders_api_bp)


def register_health_check(app: Flask) -> None:
    """A plain answer for load balancers (and the HTTP benchmark's baseline)."""

    @app.get("/healthz")
    def healthz() -> Response:
        return Response("ok", mimetype="text/plain")


def register_error_pages(app: Flask) -> None:
    def wants_json() -> bool:
        return request.path.startswith("/api/") or request.is_json

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if wants_json():
            return {"errors": {"csrf": [error.description]}}, 400
        return render_template("errors/error.html", code=400, message=error.description), 400

    @app.errorhandler(404)
    def not_found(_error: Exception) -> Any:
        if wants_json():
            return {"error": "Not found."}, 404
        return render_template("errors/error.html", code=404, message="Nothing here."), 404

    @app.errorhandler(413)
    def too_large(_error: Exception) -> Any:
        message = "That upload is too large (2 MB at most)."
        if wants_json():
            return {"error": message}, 413
        return render_template("errors/error.html", code=413, message=message), 413

    @app.errorhandler(429)
    def too_many(_error: Exception) -> Any:
        message = "Too many attempts. Please wait a minute and try again."
        if wants_json():
            return {"error": message}, 429
        if request.blueprint in ("auth", "recovery"):
            # The owner of an account a guesser has locked still has a way in.
            message = (
                "Too many attempts for now. Wait a few minutes, or set a new password "
                "with a link sent to your email."
            )
            link = (url_for("recovery.forgot_password"), "Send me a link")
            return render_template("errors/error.html", code=429, message=message, link=link), 429
        return render_template("errors/error.html", code=429, message=message), 429


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def add_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        # Old browsers ignore frame-ancestors; this says the same to them.
        response.headers.setdefault("X-Frame-Options", "DENY")
        # No other site's window keeps a handle on ours (tabnabbing, XS-Leaks).
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        if app.config["FOSSA_PRODUCTION"]:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Health data: pages of a logged-in person are never stored by shared caches.
        if not request.path.startswith("/static/") and "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        return response


def register_proxy_fix(app: Flask) -> None:
    """Trust X-Forwarded-* from exactly TRUSTED_PROXIES proxies, so request.remote_addr
    is the client (for the rate limits) and url_for(_external=True) says https://."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def register_template_helpers(app: Flask) -> None:
    from webapp import labels
    from webapp.diary import days as diary_days
    from webapp.diary import format as diary_format

    app.jinja_env.globals["diary_format"] = diary_format
    app.jinja_env.globals["diary_days"] = diary_days
    # The one labelling layer (webapp/labels.py): `say` for answers and codes,
    # `words` for any value about to be printed, `evidence_line` for a finding's why.
    app.jinja_env.globals["say"] = labels
    app.jinja_env.filters["words"] = labels.words
    app.jinja_env.filters["evidence_line"] = labels.evidence_line
    app.jinja_env.filters["local_time"] = labels.moment_text
    init_fragment_cache(app)
    app.jinja_env.filters["long_date"] = _long_date


def _long_date(day: dt.date | str) -> str:
    """ "Tue 10 March 2026" from a date or the ISO text of one (as findings carry dates)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return day.strftime("%a %-d %B %Y")


def migrate_embedded_database(app: Flask) -> None:
    """Create or upgrade the embedded SQLite database to the latest migration.

    A file lock keeps two gunicorn workers starting together from migrating at once.
    """
    from flask_migrate import upgrade

    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    with open(instance_path / ".migrate.lock", "w") as lock, app.app_context():
        fcntl.flock(lock, fcntl.LOCK_EX)
        upgrade()
