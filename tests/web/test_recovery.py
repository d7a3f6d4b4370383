"""Account recovery by e-mail through a real SMTP server: the link works once, for an hour."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import update

from tests.support import PASSWORD, AuthActions, csrf_from, csrf_of, make_app
from tests.web.mail_support import Inbox, body_of, link_in, smtp_server
from webapp.extensions import db
from webapp.models import PasswordReset, ShareLink, User

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def mail_app(database_uri: str, tmp_path: Any) -> Iterator[tuple[Any, Inbox]]:
    from tests.support import empty_tables

    with smtp_server() as (inbox, url):
        app = make_app(database_uri, tmp_path / "mail-instance", MAIL_URL=url)
        yield app, inbox
        empty_tables(app)


def _ask_for_link(client: Any, email: str) -> Any:
    token = csrf_of(client, "/forgot")
    return client.post("/forgot", data={"email": email, "csrf_token": token})


def _set_password(client: Any, path: str, password: str = NEW_PASSWORD, **extra: str) -> Any:
    page = client.get(path)
    assert page.status_code == 200
    data = {"password": password, "confirm": password, "csrf_token": csrf_from(page.text), **extra}
    return client.post(path, data=data)


def test_forgot_password_mails_a_link_that_sets_a_new_password(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    client = app.test_client()
    answer = _ask_for_link(client, "Runner@Example.com")
    assert answer.status_code == 200
    assert "If an account uses" in answer.text
    message = inbox.next()
    assert message["X-Envelope-To"] == "runner@example.com"
    assert "Reset your Fossa password" in message["Subject"]
    path = link_in(message)
    assert path.startswith("/reset/")

    page = client.get(path)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    done = _set_password(client, path, revoke_links="y", revoke_calendar="y")
    assert done.status_code == 303
    assert client.get("/today").status_code == 200  # logged in by the link

    notice = inbox.next()
    assert "password was changed" in notice["Subject"]
    fresh = app.test_client()
    assert AuthActions(fresh).login(password=PASSWORD).status_code == 422
    assert AuthActions(fresh).login(password=NEW_PASSWORD).status_code == 302


def test_the_link_works_once(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    client = app.test_client()
    _ask_for_link(client, "runner@example.com")
    path = link_in(inbox.next())
    assert _set_password(client, path).status_code == 303
    other = app.test_client()
    assert other.get(path).status_code == 410
    # Even a form fetched before the first use cannot set a password again.
    assert other.post(path, data={"password": "x" * 12, "confirm": "x" * 12}).status_code in (
        400,
        410,
    )


def test_an_expired_link_is_refused(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    client = app.test_client()
    _ask_for_link(client, "runner@example.com")
    path = link_in(inbox.next())
    with app.app_context():
        past = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        db.session.execute(update(PasswordReset).values(expires_at=past))
        db.session.commit()
    gone = client.get(path)
    assert gone.status_code == 410
    assert "Send me a new link" in gone.text


def test_only_the_hash_of_the_token_is_stored(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    _ask_for_link(app.test_client(), "runner@example.com")
    token = link_in(inbox.next()).removeprefix("/reset/")
    with app.app_context():
        stored = db.session.scalars(db.select(PasswordReset.token_hash)).all()
    assert len(stored) == 1
    assert token not in stored[0]
    assert len(stored[0]) == 64


def test_an_unknown_address_gets_the_same_answer_and_no_mail(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    known = _ask_for_link(app.test_client(), "runner@example.com")
    inbox.next()
    unknown = _ask_for_link(app.test_client(), "nobody@example.com")
    assert unknown.status_code == known.status_code == 200

    def shown(text: str, email: str) -> str:
        return re.sub(r'"X-CSRFToken": "[^"]+"', "", text.replace(email, "X"))

    assert shown(unknown.text, "nobody@example.com") == shown(known.text, "runner@example.com")
    assert inbox.empty_after(0.5)


def test_a_reset_can_end_share_links(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    user = create_user(app)
    with app.app_context():
        from webapp.share import store as share_store

        share_store.create_link(db.session.get(User, user.id), 14, "Dr Weber")
    client = app.test_client()
    _ask_for_link(client, "runner@example.com")
    _set_password(client, link_in(inbox.next()), revoke_links="y")
    with app.app_context():
        assert db.session.scalar(db.select(ShareLink.revoked_at)) is not None


def test_a_changed_password_and_email_notify_the_old_address(mail_app):
    app, inbox = mail_app
    from tests.support import create_user

    create_user(app)
    client = app.test_client()
    auth = AuthActions(client)
    auth.login()
    changed = auth.change_password(NEW_PASSWORD)
    assert changed.status_code == 303
    notice = inbox.next()
    assert notice["X-Envelope-To"] == "runner@example.com"
    assert "password was changed" in notice["Subject"]

    auth.refresh_csrf()
    moved = client.post(
        "/account/email",
        data={
            "csrf_token": auth.csrf,
            "email-email": "new.address@example.com",
            "email-password": NEW_PASSWORD,
        },
    )
    assert moved.status_code == 303
    notice = inbox.next()
    assert notice["X-Envelope-To"] == "runner@example.com"
    assert "new.address@example.com" in body_of(notice)


def test_without_mail_url_mail_is_written_to_the_instance_folder(app, tmp_path):
    from tests.support import create_user

    create_user(app)
    client = app.test_client()
    _ask_for_link(client, "runner@example.com")
    files = sorted((tmp_path / "instance" / "mail").glob("*.eml"))
    assert len(files) == 1
    assert oct(files[0].stat().st_mode & 0o777) == "0o600"
    import email

    message = email.message_from_bytes(files[0].read_bytes())
    assert _set_password(client, link_in(message)).status_code == 303


def test_a_locked_account_owner_gets_in_through_recovery(database_uri, tmp_path):
    from tests.support import create_user, empty_tables

    with smtp_server() as (inbox, url):
        app = make_app(database_uri, tmp_path / "locked", MAIL_URL=url, RATELIMIT_ENABLED=True)
        try:
            create_user(app)
            attacker = app.test_client()
            token = csrf_of(attacker, "/login")
            codes = []
            for n in range(6):
                codes.append(
                    attacker.post(
                        "/login",
                        data={
                            "email": "runner@example.com",
                            "password": f"guess {n}",
                            "csrf_token": token,
                        },
                        environ_base={"REMOTE_ADDR": f"198.51.100.{n}"},
                    ).status_code
                )
            assert codes == [422] * 5 + [429]
            owner = app.test_client()
            # Even the right password waits: the account is locked for now.
            assert AuthActions(owner).login().status_code == 429
            _ask_for_link(owner, "runner@example.com")
            assert _set_password(owner, link_in(inbox.next())).status_code == 303
            assert owner.get("/today").status_code == 200
            # The new password opens a fresh count: the owner can log in again later.
            later = app.test_client()
            assert AuthActions(later).login(password=NEW_PASSWORD).status_code == 302
        finally:
            empty_tables(app)


def test_mail_being_sent_can_be_waited_for(mail_app):
    """What lets a test's mail server (or a stopping process) finish the sends first."""
    from tests.support import create_user
    from webapp.mail.sender import wait_for_outgoing

    app, inbox = mail_app
    create_user(app)
    _ask_for_link(app.test_client(), "runner@example.com")
    assert wait_for_outgoing(timeout=10)
    assert inbox.messages.qsize() == 1  # sent, not still on its way
