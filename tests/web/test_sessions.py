"""Sessions that end: a cookie copied before logout (or a password change) no longer works."""

from __future__ import annotations

from typing import Any

from tests.support import PASSWORD, AuthActions, csrf_of
from webapp.extensions import db
from webapp.models import ReminderSettings, ShareLink, User
from webapp.reminders import store as reminders_store
from webapp.share import store as share_store


def _login(client: Any, remember: bool = False) -> AuthActions:
    auth = AuthActions(client)
    token = csrf_of(client, "/login")
    data = {"email": "runner@example.com", "password": PASSWORD, "csrf_token": token}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    auth.refresh_csrf()
    return auth


def _replay(app: Any, cookies: dict[str, str]) -> Any:
    """A new browser holding only the copied cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/today")


def _copy(client: Any, *names: str) -> dict[str, str]:
    copied = {}
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        copied[name] = cookie.value
    return copied


def test_a_session_cookie_copied_before_logout_is_dead_after_it(app, client, user):
    auth = _login(client)
    stolen = _copy(client, "session")
    assert _replay(app, stolen).status_code == 200  # the copy worked while logged in
    auth.logout()
    assert _replay(app, stolen).status_code == 302


def test_a_remember_cookie_alone_is_dead_after_logout(app, client, user):
    auth = _login(client, remember=True)
    stolen = _copy(client, "remember_token")
    assert _replay(app, stolen).status_code == 200  # the remember cookie alone logs in
    auth.logout()
    assert _replay(app, stolen).status_code == 302


def test_a_password_change_ends_copied_session_and_remember_cookies(app, client, user):
    auth = _login(client, remember=True)
    stolen_session = _copy(client, "session")
    stolen_remember = _copy(client, "remember_token")
    changed = auth.change_password("another long passphrase")
    assert changed.status_code == 303
    assert client.get("/today").status_code == 200  # this device stays in
    assert _replay(app, stolen_session).status_code == 302
    assert _replay(app, stolen_remember).status_code == 302


def test_log_out_on_every_device_ends_them_all(app, client, user):
    phone = _login(client, remember=True)
    laptop_client = app.test_client()
    _login(laptop_client)
    stolen = _copy(client, "remember_token")
    answer = client.post("/account/sign-out-everywhere", data={"csrf_token": phone.csrf})
    assert answer.status_code == 303
    assert client.get("/today").status_code == 302
    assert laptop_client.get("/today").status_code == 302
    assert _replay(app, stolen).status_code == 302


def _links_and_calendar(app: Any, user: User) -> None:
    with app.app_context():
        person = db.session.get(User, user.id)
        share_store.create_link(person, 14, "Dr Weber")
        reminders_store.new_calendar_token(person)


def test_a_password_change_offers_to_end_share_and_calendar_links(app, client, user):
    auth = _login(client)
    page = client.get("/account").text
    assert "Also end every share link" in page and "calendar link" in page
    _links_and_calendar(app, user)
    assert (
        auth.change_password(
            "another long passphrase",
            **{"password-revoke_links": "y", "password-revoke_calendar": "y"},
        ).status_code
        == 303
    )
    with app.app_context():
        assert db.session.scalar(db.select(ShareLink.revoked_at)) is not None
        assert db.session.scalar(db.select(ReminderSettings.calendar_token_hash)) is None


def test_a_password_change_can_keep_the_links(app, client, user):
    auth = _login(client)
    _links_and_calendar(app, user)
    assert auth.change_password("another long passphrase").status_code == 303  # boxes unticked
    with app.app_context():
        assert db.session.scalar(db.select(ShareLink.revoked_at)) is None
        assert db.session.scalar(db.select(ReminderSettings.calendar_token_hash)) is not None
