"""Fixtures for every test: the app on a fresh database, clients, a user, logging in.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is
set (CI sets it). Tables are made once per run and emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import settings

import webapp.models
from tests.support import AuthActions, create_user, empty_tables, make_app, make_entry
from webapp.config import normalise_database_url
from webapp.models import Entry, User

# In CI the property tests replay the same examples every run, so a green main stays
# green; on a developer's machine they keep exploring new ones (and keep what fails in
# .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def fast_password_hashing() -> Iterator[None]:
    """Argon2 with small costs: the production parameters would slow every login."""
    original = webapp.models._password_hasher
    webapp.models._password_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    webapp.models._password_hasher = original


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'fossa-test.sqlite3'}"


@pytest.fixture
def app(database_uri: str, tmp_path: Any) -> Iterator[Flask]:
    app = make_app(database_uri, tmp_path / "instance")
    yield app
    empty_tables(app)


@pytest.fixture
def limited_app(database_uri: str, tmp_path: Any) -> Iterator[Flask]:
    """An app with rate limiting on, as in production."""
    app = make_app(database_uri, tmp_path / "limited", RATELIMIT_ENABLED=True)
    yield app
    empty_tables(app)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def user(app: Flask) -> User:
    return create_user(app)


@pytest.fixture
def other_user(app: Flask) -> User:
    return create_user(app, email="someone.else@example.com")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def logged_in(client: FlaskClient, auth: AuthActions, user: User) -> AuthActions:
    """A client logged in as ``user``; the fixture's value holds the CSRF token."""
    response = auth.login()
    assert response.status_code == 302
    return auth


@pytest.fixture
def entry_factory(app: Flask) -> Any:
    def factory(user: User, **answers: Any) -> Entry:
        return make_entry(app, user, **answers)

    return factory
