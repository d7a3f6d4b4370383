"""The review's lesser findings, one test each, plus headers, ProxyFix and the size limits."""

from __future__ import annotations

import datetime as dt
import io
import json
import multiprocessing
import re
import stat
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support import (
    PASSWORD,
    AuthActions,
    count_entries,
    create_user,
    csrf_of,
    empty_tables,
    make_app,
)
from webapp.config import load_config
from webapp.diary import store as diary_store
from webapp.extensions import db
from webapp.share import store as share_store

# --- headers ----------------------------------------------------------------------


def test_every_page_carries_the_security_headers(app, client, monkeypatch, tmp_path):
    page = client.get("/login")
    headers = page.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers  # development runs on plain http

    monkeypatch.setenv("FOSSA_ENV", "production")
    production = make_app(
        app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "prod", SESSION_COOKIE_SECURE=False
    )
    try:
        answer = production.test_client().get("/login", base_url="https://fossa.example")
        assert answer.headers["Strict-Transport-Security"] == "max-age=31536000"
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    finally:
        with production.app_context():
            db.engine.dispose()


# --- ProxyFix ---------------------------------------------------------------------

FORWARDED = {"X-Forwarded-For": "203.0.113.50", "X-Forwarded-Proto": "https"}


def _proxied_app(database_uri: str, tmp_path: Path, hops: int) -> Any:
    return make_app(
        database_uri, tmp_path / f"proxy{hops}", TRUSTED_PROXIES=hops, RATELIMIT_ENABLED=True
    )


def _new_share_url(app: Any) -> str:
    client = app.test_client()
    auth = AuthActions(client)
    assert auth.login().status_code == 302
    answer = client.post(
        "/api/share-links",
        json={"days": 7},
        headers={**auth.headers, **FORWARDED},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},
    )
    assert answer.status_code == 201
    return answer.get_json()["url"]


def test_behind_a_trusted_proxy_links_are_https(database_uri, tmp_path):
    app = _proxied_app(database_uri, tmp_path, 1)
    try:
        create_user(app)
        assert _new_share_url(app).startswith("https://")
    finally:
        empty_tables(app)


def test_without_trusted_proxies_forwarded_headers_are_ignored(database_uri, tmp_path):
    app = _proxied_app(database_uri, tmp_path, 0)
    try:
        create_user(app)
        assert _new_share_url(app).startswith("http://")
    finally:
        empty_tables(app)


def test_rate_limits_see_the_client_behind_the_proxy(database_uri, tmp_path):
    """Every request comes from the proxy (10.0.0.2); the limit counts each client."""
    app = _proxied_app(database_uri, tmp_path, 1)
    try:
        client = app.test_client()
        token = csrf_of(client, "/login")

        def attempt(n: int, client_address: str) -> int:
            return client.post(
                "/login",
                data={"email": f"p{n}@example.com", "password": "x", "csrf_token": token},
                headers={"X-Forwarded-For": client_address},
                environ_base={"REMOTE_ADDR": "10.0.0.2"},
            ).status_code

        first = [attempt(n, "203.0.113.1") for n in range(11)]
        assert first[-1] == 429
        assert attempt(99, "203.0.113.2") == 422  # another client is not locked out
    finally:
        empty_tables(app)


def test_trusted_proxies_must_be_a_small_whole_number(monkeypatch, tmp_path):
    monkeypatch.setenv("FOSSA_TRUSTED_PROXIES", "²")
    with pytest.raises(RuntimeError, match="FOSSA_TRUSTED_PROXIES"):
        load_config(tmp_path)


# --- the secret key file ------------------------------------------------------------


def _read_key(instance: str, queue: Any) -> None:
    from webapp.config import _instance_secret

    queue.put(_instance_secret(Path(instance), "secret_key"))


def test_four_processes_starting_at_once_get_one_secret_key(tmp_path):
    context = multiprocessing.get_context("spawn")
    for round_number in range(3):
        instance = tmp_path / f"instance{round_number}"
        queue = context.Queue()
        workers = [context.Process(target=_read_key, args=(str(instance), queue)) for _ in range(4)]
        for worker in workers:
            worker.start()
        keys = {queue.get(timeout=30) for _ in workers}
        for worker in workers:
            worker.join(timeout=30)
        assert len(keys) == 1
        assert len(next(iter(keys))) >= 60
        key_file = instance / "secret_key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert [p.name for p in instance.iterdir()] == ["secret_key"]  # no temporary left


# --- redirects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "https://[::1"]
)
def test_the_delete_form_next_never_leaves_the_site(app, client, logged_in, user, target):
    from tests.support import make_entry

    entry = make_entry(app, user)
    answer = client.post(
        f"/entries/{entry.id}/delete", data={"csrf_token": logged_in.csrf, "next": target}
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/diary"


def test_the_delete_form_next_follows_a_local_path(app, client, logged_in, user):
    from tests.support import make_entry

    entry = make_entry(app, user)
    answer = client.post(
        f"/entries/{entry.id}/delete", data={"csrf_token": logged_in.csrf, "next": "/today"}
    )
    assert answer.headers["Location"] == "/today"


# --- the doctor's 429 ------------------------------------------------------------------


def test_a_429_on_the_doctor_view_keeps_the_doctor_headers(limited_app):
    client = limited_app.test_client()
    codes = []
    for _ in range(11):
        answer = client.get(f"/s/{'x' * 43}")
        codes.append(answer.status_code)
    assert codes[-1] == 429
    assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert answer.headers["X-Robots-Tag"] == "noindex, nofollow"
    assert answer.headers["Cache-Control"] == "no-store"


# --- the SQLite file ----------------------------------------------------------------


@pytest.fixture
def embedded_app(tmp_path: Path) -> Any:
    """The embedded default: a SQLite file under instance/, migrated on start."""
    instance = tmp_path / "embedded"
    app = make_app(f"sqlite:///{instance / 'fossa.sqlite3'}", instance, AUTO_MIGRATE=True)
    yield app, instance / "fossa.sqlite3"
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_the_sqlite_file_and_its_wal_are_private(embedded_app):
    app, path = embedded_app
    create_user(app)
    for name in (path, path.with_name(path.name + "-wal")):
        assert name.exists()
        assert stat.S_IMODE(name.stat().st_mode) == 0o600, name


def test_notes_are_gone_from_the_files_after_the_account_is_deleted(embedded_app):
    app, path = embedded_app
    create_user(app)
    client = app.test_client()
    auth = AuthActions(client)
    auth.login()
    marker = f"secret-note-{uuid.uuid4().hex}"
    today = dt.date.today().isoformat()
    for n in range(20):
        created = client.post(
            "/api/entries",
            json={"date": today, "pain": 3, "notes": f"{marker} {n}"},
            headers=auth.headers,
        )
        assert created.status_code == 201
    files = [path, path.with_name(path.name + "-wal")]
    assert any(marker.encode() in f.read_bytes() for f in files if f.exists())
    deleted = client.post(
        "/account/delete",
        data={"csrf_token": auth.csrf, "delete-password": PASSWORD, "delete-confirm": "delete"},
    )
    assert deleted.status_code == 303
    for f in files:
        if f.exists():
            assert marker.encode() not in f.read_bytes(), f.name


# --- caps a person never meets ----------------------------------------------------------


def test_share_links_are_capped_with_a_clear_refusal(app, client, logged_in):
    for _ in range(share_store.ACTIVE_LINKS_MAX):
        assert (
            client.post("/api/share-links", json={"days": 3}, headers=logged_in.headers).status_code
            == 201
        )
    refused = client.post("/api/share-links", json={"days": 3}, headers=logged_in.headers)
    assert refused.status_code == 422
    assert "already have 20 links" in refused.get_json()["errors"]["link"][0]
    form = client.post("/share/links", data={"csrf_token": logged_in.csrf, "days": "3"})
    assert form.status_code == 422
    assert "already have 20 links" in form.text


def test_ended_links_beyond_the_kept_number_are_dropped(app, client, logged_in, user):
    from webapp.models import ShareLink, User

    with app.app_context():
        person = db.session.get(User, user.id)
        for _ in range(share_store.LINKS_KEPT + 5):
            link, _token = share_store.create_link(person, 1, None)
            share_store.revoke(link)
        count = db.session.scalar(
            db.select(db.func.count()).select_from(ShareLink).filter_by(user_id=user.id)
        )
    assert count == share_store.LINKS_KEPT


def test_one_day_holds_a_bounded_number_of_entries(app, client, logged_in):
    today = dt.date.today().isoformat()
    for n in range(diary_store.ENTRIES_PER_DAY_MAX):
        answer = client.post(
            "/api/entries", json={"date": today, "pain": n % 11}, headers=logged_in.headers
        )
        assert answer.status_code == 201
    refused = client.post(
        "/api/entries", json={"date": today, "pain": 1}, headers=logged_in.headers
    )
    assert refused.status_code == 422
    assert "the most one day can hold" in refused.get_json()["errors"]["date"][0]
    form = client.post(
        "/entries",
        data={"csrf_token": logged_in.csrf, "date": today, "pain": "2", "id": str(uuid.uuid4())},
    )
    assert form.status_code == 422
    assert "the most one day can hold" in form.text
    assert count_entries(app) == diary_store.ENTRIES_PER_DAY_MAX


def _import(client: Any, auth: AuthActions, document: Any) -> Any:
    body = json.dumps(document).encode()
    return client.post(
        "/account/import",
        data={"csrf_token": auth.csrf, "import-file": (io.BytesIO(body), "diary.json")},
        content_type="multipart/form-data",
    )


def test_an_import_of_1600_flag_raising_entries_on_one_day_is_refused(app, client, logged_in):
    """The review's /diary slowdown came from one 168 kB import like this one."""
    day = (dt.date.today() - dt.timedelta(days=2)).isoformat()
    calf = {"calf_swelling": True, "calf_redness": True, "calf_tenderness": True}
    document = {
        "format": "fossa-diary/1",
        "entries": [{"date": day, "pain": 6, **calf} for _ in range(1600)],
    }
    refused = _import(client, logged_in, document)
    assert refused.status_code == 422
    assert "more than 50 entries on one day" in refused.text
    assert count_entries(app) == 0
    assert client.get("/diary").status_code == 200


def test_an_import_has_a_bounded_number_of_entries(app, client, logged_in):
    document = {
        "format": "fossa-diary/1",
        "entries": [{}] * (diary_store.IMPORT_MAX_ENTRIES + 1),
    }
    refused = _import(client, logged_in, document)
    assert refused.status_code == 422
    assert re.search(r"at most\s+10,000", refused.text)
    assert count_entries(app) == 0


def test_two_registrations_racing_for_one_address_get_a_message_not_a_500(app, client):
    """The other request's row lands between the check and the commit."""
    from sqlalchemy import event, insert

    from webapp.models import User

    def other_request_wins(session: Any, _context: Any, _instances: Any) -> None:
        with db.engine.begin() as connection:
            connection.execute(
                insert(User).values(
                    email="race@example.com",
                    password_hash="x",
                    session_id=uuid.uuid4().hex,
                    timezone="UTC",
                    created_at=dt.datetime.now(dt.UTC),
                )
            )

    token = csrf_of(client, "/register")
    event.listen(db.session, "before_flush", other_request_wins, once=True)
    answer = client.post(
        "/register",
        data={
            "email": "race@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": token,
        },
    )
    assert answer.status_code == 422
    assert "An account with this email exists" in answer.text
