"""Settings, read from the environment.

The embedded default is SQLite under ``instance/``; production sets ``DATABASE_URL``
(PostgreSQL) and ``SECRET_KEY``. There is no secret with a fallback value: without
``SECRET_KEY`` a development key is generated once into ``instance/`` and production
refuses to start.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_INSTANCE = PROJECT_ROOT / "instance"


def normalise_database_url(url: str) -> str:
    """Map the URL forms hosting platforms hand out onto the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _instance_secret(instance_path: Path, name: str) -> str:
    """Read (or make once) a random secret kept in instance/, never in the repo.

    Several workers may start at once: each writes its candidate to a private
    temporary file and links it into place, which only the first one manages
    (os.link refuses an existing name). All of them then read that one key, and
    no one ever reads a half-written file.
    """
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / name
    if not path.exists():
        fd, temporary = tempfile.mkstemp(dir=instance_path, prefix=f".{name}.")
        try:
            with os.fdopen(fd, "w") as candidate:  # mkstemp made it 0600
                candidate.write(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    return path.read_text().strip()


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def engine_options(database_url: str) -> dict[str, Any]:
    """Pool settings: a connection per gunicorn thread (gunicorn.conf.py has 32).

    PostgreSQL connections can die behind the app's back (a restart, a proxy), so
    they are pinged when taken from the pool; a SQLite file cannot, and the ping
    cost a statement per request.
    """
    options: dict[str, Any] = {"pool_size": 16, "max_overflow": 16}
    if not database_url.startswith("sqlite"):
        options["pool_pre_ping"] = True
    if database_url in ("sqlite://", "sqlite:///:memory:"):
        return {}  # one in-memory database: SQLAlchemy's own single-connection pool
    return options


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit() or int(value) > 10:
        raise RuntimeError(f"{name} must be a whole number from 0 to 10")
    return int(value)


def load_config(instance_path: Path, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the settings dict for create_app from the environment and overrides."""
    overrides = dict(overrides or {})
    production = os.environ.get("FOSSA_ENV", "development") == "production"
    database_url = overrides.get("SQLALCHEMY_DATABASE_URI") or os.environ.get("DATABASE_URL")
    embedded = not database_url
    if embedded:
        database_url = f"sqlite:///{instance_path / 'fossa.sqlite3'}"

    secret_key = overrides.get("SECRET_KEY") or os.environ.get("SECRET_KEY")
    if not secret_key:
        if production:
            raise RuntimeError("SECRET_KEY must be set when FOSSA_ENV=production")
        secret_key = _instance_secret(instance_path, "secret_key")

    config: dict[str, Any] = {
        "FOSSA_PRODUCTION": production,
        "SECRET_KEY": secret_key,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        # Create and migrate the embedded database on first run, so a fresh clone
        # runs with one command. Production migrates in the Procfile's release step.
        "AUTO_MIGRATE": _env_flag("FOSSA_AUTO_MIGRATE", embedded),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_DURATION": 60 * 60 * 24 * 60,
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_SSL_STRICT": production,
        # One store for every worker: the database unless RATELIMIT_STORAGE_URI names
        # another (Redis); never a per-process memory store (see security/ratelimit.py).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI"),
        "RATELIMIT_ENABLED": _env_flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        "PREFERRED_URL_SCHEME": "https" if production else "http",
        # How many proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none).
        # Behind one TLS proxy, 1: links are https:// and limits see the client.
        "TRUSTED_PROXIES": _env_int("FOSSA_TRUSTED_PROXIES", 0),
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Seconds a request body may take to arrive, plus 1 s per 16 KB declared
        # (webapp/request_deadline.py); a slower upload gets 408.
        "BODY_DEADLINE_SECONDS": float(os.environ.get("FOSSA_BODY_DEADLINE_SECONDS", "10")),
        # Web Push: origins of the browsers' push services the server may POST to;
        # "*." matches one or more subdomain labels (Windows hands out many hosts).
        "PUSH_ALLOWED_ORIGINS": os.environ.get(
            "PUSH_ALLOWED_ORIGINS",
            "https://fcm.googleapis.com,https://updates.push.services.mozilla.com,"
            "https://web.push.apple.com,https://*.notify.windows.com",
        ),
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY"),
        "VAPID_PUBLIC_KEY": os.environ.get("VAPID_PUBLIC_KEY"),
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT", "mailto:reminders@fossa.invalid"),
        # Reminders' job queue (reminders/queue.py): redis://… or sqlite:///…; unset,
        # the clock sends in-process. Stand-in push services for tests and the bench
        # only: "name=http://127.0.0.1:port,…" (refused in production).
        "REMINDER_QUEUE_URL": os.environ.get("REMINDER_QUEUE_URL") or None,
        "PUSH_DEV_ROUTES": os.environ.get("PUSH_DEV_ROUTES") or None,
        "ENTRIES_PAGE_WEEKS": 4,
        # Text answers compressed when the client accepts it: Brotli, else gzip, at
        # levels that cost well under a millisecond a page (tests/bench/bench_http.py).
        # Streamed exports are compressed chunk by chunk, never buffered whole.
        "COMPRESS_ALGORITHM": ["br", "gzip"],
        "COMPRESS_ALGORITHM_STREAMING": ["br", "gzip"],
        "COMPRESS_BR_LEVEL": 3,
        "COMPRESS_LEVEL": 5,
        "COMPRESS_MIN_SIZE": 500,
        "COMPRESS_MIMETYPES": [
            "text/html",
            "text/css",
            "text/plain",
            "text/csv",
            "text/calendar",
            "text/javascript",
            "application/javascript",
            "application/json",
            "application/fhir+json",
            "application/manifest+json",
            "image/svg+xml",
        ],
        # Mail (password reset, notices): unset writes to instance/mail/ (see mail/sender.py).
        "MAIL_URL": os.environ.get("MAIL_URL"),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Fossa <no-reply@fossa.invalid>"),
        "MAIL_TLS_VERIFY": _env_flag("MAIL_TLS_VERIFY", True),
    }
    # Tuning of the reminders' sender (reminders/delivery.py has the defaults).
    for name in (
        "REMINDER_BATCH_SIZE",
        "REMINDER_BATCHES_IN_FLIGHT",
        "REMINDER_BATCHES_PER_JOB",
        "REMINDER_CLAIM_LEASE",
        "REMINDER_JOB_SECONDS",
        "REMINDER_PUSH_CONCURRENCY",
        "REMINDER_PUSH_TIMEOUT",
        "REMINDER_RETRY_BASE",
    ):
        if os.environ.get(name):
            config[name] = float(os.environ[name])
    config.update(overrides)
    if production and config.get("PUSH_DEV_ROUTES"):
        raise RuntimeError("PUSH_DEV_ROUTES sends pushes to local stand-ins; not in production")
    if not config["RATELIMIT_STORAGE_URI"]:
        config["RATELIMIT_STORAGE_URI"] = f"fossa+db://{config['SQLALCHEMY_DATABASE_URI']}"
    if production and config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        raise RuntimeError("RATELIMIT_STORAGE_URI=memory:// would give each worker its own limits")
    return config
