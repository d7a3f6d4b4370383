"""Password guessing is limited per address and per account, in a store all workers share."""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
from argon2 import PasswordHasher

import webapp.models
from tests.support import PASSWORD, AuthActions, create_user, csrf_of, empty_tables, make_app

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def _dispose(app: Any) -> None:
    from webapp.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _guess(client: Any, address: str, email: str = "runner@example.com") -> int:
    token = csrf_of(client, "/login")
    return client.post(
        "/login",
        data={"email": email, "password": f"guess from {address}", "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
    ).status_code


def test_one_account_is_limited_whatever_the_address(limited_app):
    """The review tried 48 of 48 passwords on one account from 6 addresses."""
    create_user(limited_app)
    client = limited_app.test_client()
    codes = [_guess(client, f"203.0.113.{n % 6}") for n in range(48)]
    assert codes.count(422) == 5
    assert codes.count(429) == 43


def test_a_correct_login_does_not_use_up_attempts(limited_app):
    create_user(limited_app)
    for _ in range(8):
        client = limited_app.test_client()
        assert AuthActions(client).login().status_code == 302


def test_two_workers_share_one_count(database_uri, tmp_path):
    """Two apps (two gunicorn workers) on the default store: the database."""
    first = make_app(database_uri, tmp_path / "w1", RATELIMIT_ENABLED=True)
    second = make_app(database_uri, tmp_path / "w2", RATELIMIT_ENABLED=True)
    assert first.config["RATELIMIT_STORAGE_URI"].startswith("fossa+db://")
    try:
        create_user(first)
        clients = [first.test_client(), second.test_client()]
        codes = [_guess(clients[n % 2], "203.0.113.7") for n in range(8)]
        assert codes == [422] * 5 + [429] * 3
    finally:
        empty_tables(first)
        _dispose(second)


def test_redis_store_when_configured(database_uri, tmp_path):
    redis = pytest.importorskip("redis")
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Redis on this machine")
    prefix = f"fossa-test-{uuid.uuid4().hex}"
    apps = [
        make_app(
            database_uri,
            tmp_path / f"r{n}",
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=prefix,
        )
        for n in range(2)
    ]
    try:
        create_user(apps[0])
        clients = [app.test_client() for app in apps]
        codes = [_guess(clients[n % 2], f"198.51.100.{n}") for n in range(7)]
        assert codes == [422] * 5 + [429] * 2
        ours = connection.keys(f"*{prefix}*")
        assert ours  # the counters live in Redis, not the database
    finally:
        for key in connection.keys(f"*{prefix}*"):
            connection.delete(key)
        connection.close()
        empty_tables(apps[0])
        _dispose(apps[1])


def test_production_refuses_a_per_process_memory_store(monkeypatch, tmp_path):
    from webapp.config import load_config

    monkeypatch.setenv("FOSSA_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    with pytest.raises(RuntimeError, match="memory"):
        load_config(tmp_path)


def _account_post(client: Any, auth: AuthActions, path: str, prefix: str, n: int) -> int:
    fields = {
        "password": {
            "password-current": f"wrong {n}",
            "password-password": "a new long passphrase",
            "password-confirm": "a new long passphrase",
        },
        "delete": {"delete-password": f"wrong {n}", "delete-confirm": "delete"},
    }[prefix]
    return client.post(path, data={"csrf_token": auth.csrf, **fields}).status_code


@pytest.mark.parametrize(
    ("path", "prefix"), [("/account/password", "password"), ("/account/delete", "delete")]
)
def test_password_change_and_deletion_are_limited(limited_app, path, prefix):
    create_user(limited_app)
    client = limited_app.test_client()
    auth = AuthActions(client)
    assert auth.login().status_code == 302
    codes = [_account_post(client, auth, path, prefix, n) for n in range(7)]
    assert codes == [422] * 5 + [429] * 2


def test_login_does_the_same_argon2_work_for_an_unknown_email(app, client, user, monkeypatch):
    """No timing oracle: one argon2 verify whether or not the account exists."""
    calls: list[str] = []

    class CountingHasher(PasswordHasher):
        def verify(self, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
            calls.append(str(hash).split("$")[3])  # the cost parameters, m=…,t=…,p=…
            return super().verify(hash, password)

    monkeypatch.setattr(
        webapp.models,
        "_password_hasher",
        CountingHasher(time_cost=1, memory_cost=1024, parallelism=1),
    )
    auth = AuthActions(client)
    assert auth.login(password="not the password").status_code == 422
    assert auth.login(email="nobody@example.com", password="not it").status_code == 422
    assert len(calls) == 2
    assert calls[0] == calls[1]  # the same costs, so the same time


def test_login_answers_the_same_for_unknown_and_known_emails(app, client, user):
    auth = AuthActions(client)
    known = auth.login(password="not the password")
    unknown = auth.login(email="nobody@example.com", password="not the password")
    assert known.status_code == unknown.status_code == 422
    message = "That email and password do not match an account."
    assert message in known.text and message in unknown.text
    assert PASSWORD not in known.text
