"""Accounts: registering, logging in and out, the account page, and their defences."""

from __future__ import annotations

import pytest

from tests.support import csrf_of
from webapp.extensions import db
from webapp.models import User


def register(client, email="new.person@example.com", password="long enough pw", confirm=None):
    token = csrf_of(client, "/register")
    return client.post(
        "/register",
        data={
            "email": email,
            "password": password,
            "confirm": password if confirm is None else confirm,
            "csrf_token": token,
        },
    )


def test_register_logs_the_person_in(client, app):
    response = register(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/today")
    assert client.get("/today").status_code == 200
    with app.app_context():
        stored = db.session.scalar(db.select(User).filter_by(email="new.person@example.com"))
        assert stored.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("", "long enough pw", None, "Enter your email address."),
        ("not-an-email", "long enough pw", None, "Enter an email address like"),
        ("a@example.com", "short", None, "Use 10 to 128 characters."),
        ("a@example.com", "long enough pw", "different pw!!", "The passwords differ."),
    ],
)
def test_register_rejects_bad_input_next_to_the_field(client, email, password, confirm, message):
    response = register(client, email, password, confirm)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    if email:
        assert f'value="{email}"' in page  # what was typed is kept


def test_register_refuses_a_taken_email(client, user):
    response = register(client, email=user.email.upper())
    assert response.status_code == 422
    assert "An account with this email exists" in response.get_data(as_text=True)


def test_login_with_wrong_password_says_so(client, auth, user):
    response = auth.login(password="wrong password")
    assert response.status_code == 422
    assert "do not match an account" in response.get_data(as_text=True)


def test_login_follows_only_local_next(client, user):
    token = csrf_of(client, "/login")
    response = client.post(
        "/login?next=https://evil.example/steal",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.headers["Location"] == "/today"


def test_logout_ends_the_session(client, logged_in):
    response = logged_in.logout()
    assert response.status_code == 303
    assert client.get("/today").status_code == 302


def test_post_without_csrf_token_is_refused(client, user):
    response = client.post(
        "/login", data={"email": user.email, "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert "The CSRF token is missing." in response.get_data(as_text=True)


def test_session_cookie_is_httponly_and_lax(client, logged_in):
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Lax"


def test_login_is_rate_limited_per_address(limited_app):
    client = limited_app.test_client()
    token = csrf_of(client, "/login")
    # A different account each time: only the per-address limit applies.
    codes = [
        client.post(
            "/login",
            data={"email": f"x{n}@example.com", "password": "nope", "csrf_token": token},
        ).status_code
        for n in range(11)
    ]
    assert codes[:10] == [422] * 10
    assert codes[10] == 429


def test_change_password_logs_out_other_devices(app, client, logged_in, user):
    other_device = app.test_client()
    token = csrf_of(other_device, "/login")
    other_device.post(
        "/login",
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert other_device.get("/today").status_code == 200

    response = logged_in.change_password("a brand new secret", current="correct horse battery")
    assert response.status_code == 303
    assert client.get("/today").status_code == 200
    assert other_device.get("/today").status_code == 302


def test_change_password_needs_the_current_one(client, logged_in):
    response = logged_in.change_password("a brand new secret", current="not it")
    assert response.status_code == 422
    assert "That is not your current password." in response.get_data(as_text=True)


def test_profile_rejects_an_unknown_timezone(client, logged_in):
    response = client.post(
        "/account/profile",
        data={"profile-timezone": "Mars/Olympus", "csrf_token": logged_in.csrf},
    )
    assert response.status_code == 422
    assert "Use a timezone name like Europe/Berlin." in response.get_data(as_text=True)
