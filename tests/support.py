"""What the tests share besides fixtures: building apps, users, entries, logging in."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from webapp import create_app
from webapp.extensions import db
from webapp.models import Entry, User

PASSWORD = "correct horse battery"
_CSRF_INPUT = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
_CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')

_tables_ready: set[str] = set()


def make_app(database_uri: str, instance_path: Any, **overrides: Any) -> Flask:
    """An app for tests on the shared test database (tables made once per run)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "INSTANCE_PATH": str(instance_path),
        "AUTO_MIGRATE": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }
    config.update(overrides)
    app = create_app(config)
    if database_uri not in _tables_ready:
        with app.app_context():
            db.drop_all()
            db.create_all()
        _tables_ready.add(database_uri)
    return app


def empty_tables(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        db.engine.dispose()


def create_user(app: Flask, email: str = "runner@example.com", password: str = PASSWORD) -> User:
    with app.app_context():
        user = User(email=email, timezone="Europe/Berlin", timezone_chosen=True)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        db.session.refresh(user)
        db.session.expunge(user)
        return user


def csrf_from(html: str) -> str:
    """The CSRF token a page carries (form field or the htmx header on <body>)."""
    match = _CSRF_INPUT.search(html) or _CSRF_HEADER.search(html)
    assert match, "page has no CSRF token"
    return next(group for group in match.groups() if group)


class AuthActions:
    """Log in and out through the real forms, and hold the CSRF token for later posts."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client
        self.csrf = ""

    def login(self, email: str = "runner@example.com", password: str = PASSWORD) -> Any:
        page = self._client.get("/login")
        token = csrf_from(page.get_data(as_text=True))
        response = self._client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        self.refresh_csrf()
        return response

    def refresh_csrf(self) -> str:
        page = self._client.get("/account")
        if page.status_code == 200:
            self.csrf = csrf_from(page.get_data(as_text=True))
        return self.csrf

    def logout(self) -> Any:
        return self._client.post("/logout", data={"csrf_token": self.csrf})

    def change_password(self, new: str, current: str = PASSWORD, **extra: str) -> Any:
        """The account page's "change password" form; ``extra`` adds its other fields
        (``password-revoke_links="y"``)."""
        data = {
            "csrf_token": self.csrf,
            "password-current": current,
            "password-password": new,
            "password-confirm": new,
            **extra,
        }
        return self._client.post("/account/password", data=data)

    @property
    def headers(self) -> dict[str, str]:
        """Headers of an htmx or JSON request from a logged-in page."""
        return {"X-CSRFToken": self.csrf}


def make_entry(app: Flask, user: User, **answers: Any) -> Entry:
    """Store an entry for ``user`` directly (answers in fossa-diary/1 terms)."""
    answers.setdefault("date", dt.date(2026, 11, 20))
    answers.setdefault("pain", 3)
    if isinstance(answers["date"], str):
        answers["date"] = dt.date.fromisoformat(answers["date"])
    with app.app_context():
        entry = Entry(id=answers.pop("id", str(uuid.uuid4())), user_id=user.id)
        entry.apply(answers)
        db.session.add(entry)
        db.session.commit()
        db.session.refresh(entry)
        db.session.expunge(entry)
        return entry


def count_entries(app: Flask) -> int:
    """Entries in anyone's diary (deleted ones, waiting to be purged, not counted)."""
    with app.app_context():
        query = db.select(db.func.count()).select_from(Entry).where(Entry.deleted_at.is_(None))
        return db.session.scalar(query) or 0


def csrf_of(client: FlaskClient, path: str) -> str:
    """The CSRF token of the page at ``path``."""
    return csrf_from(client.get(path).get_data(as_text=True))


def htmx(headers: dict[str, str] | None = None) -> dict[str, str]:
    """Headers of an htmx request (plus e.g. the CSRF header)."""
    return {"HX-Request": "true", **(headers or {})}
