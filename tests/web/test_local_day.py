"""The person's own day from the first page: the browser's timezone is stored at
registration (and at login when none is stored), a stored one is never replaced
behind the person's back, and the date field's bounds are their local today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.support import PASSWORD, create_user, csrf_of
from webapp.diary import days
from webapp.extensions import db
from webapp.models import User


def stored_zone(app, email):
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(email=email))
        return user.timezone, user.timezone_chosen


def register(client, zone):
    token = csrf_of(client, "/register")
    return client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": "new@example.com",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "timezone": zone,
        },
    )


def log_in(client, email, zone):
    token = csrf_of(client, "/login")
    return client.post(
        "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD, "timezone": zone},
    )


def test_registration_stores_the_browsers_timezone(app, client):
    assert register(client, "Pacific/Honolulu").status_code == 302
    assert stored_zone(app, "new@example.com") == ("Pacific/Honolulu", True)
    page = client.get("/today").get_data(as_text=True)
    honolulu_today = dt.datetime.now(ZoneInfo("Pacific/Honolulu")).date()
    assert f'max="{honolulu_today.isoformat()}"' in page
    assert f'value="{honolulu_today.isoformat()}"' in page


@pytest.mark.parametrize("zone", ["", "Mars/Olympus_Mons", "x" * 200])
def test_registration_without_a_usable_zone_keeps_utc_unchosen(app, client, zone):
    assert register(client, zone).status_code == 302
    assert stored_zone(app, "new@example.com") == ("UTC", False)
    account = client.get("/account").get_data(as_text=True)
    assert "Not set yet" in account


def test_login_stores_a_zone_only_when_none_was_stored(app, client):
    with app.app_context():
        user = User(email="old@example.com")  # made before zones were stored: UTC, unchosen
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    assert log_in(client, "old@example.com", "Pacific/Kiritimati").status_code == 302
    assert stored_zone(app, "old@example.com") == ("Pacific/Kiritimati", True)
    client.post("/logout", data={"csrf_token": csrf_of(client, "/account")})
    # Travelling: the browser reports another zone; the stored one stays, it is offered.
    log_in(client, "old@example.com", "Europe/Lisbon")
    assert stored_zone(app, "old@example.com") == ("Pacific/Kiritimati", True)
    page = client.get("/today").get_data(as_text=True)
    assert 'id="zone-offer"' in page and 'data-stored-zone="Pacific/Kiritimati"' in page


def test_the_account_page_shows_the_stored_zone_not_a_detected_one(app, client):
    create_user(app, email="berlin@example.com")  # Europe/Berlin, as the helper stores it
    log_in(client, "berlin@example.com", "Asia/Tokyo")
    account = client.get("/account").get_data(as_text=True)
    assert 'value="Europe/Berlin"' in account
    assert "data-detect-timezone" not in account.split('id="profile"')[1].split("</section>")[0]


def test_taking_the_offered_zone_stores_it(app, client):
    create_user(app, email="berlin@example.com")
    log_in(client, "berlin@example.com", "Asia/Tokyo")
    token = csrf_of(client, "/today")
    response = client.post(
        "/account/timezone", data={"csrf_token": token, "timezone": "Asia/Tokyo", "next": "/diary"}
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("/diary")
    assert stored_zone(app, "berlin@example.com") == ("Asia/Tokyo", True)
    bad = client.post("/account/timezone", data={"csrf_token": token, "timezone": "Nope/Nope"})
    assert bad.status_code == 303
    assert stored_zone(app, "berlin@example.com") == ("Asia/Tokyo", True)


def test_the_form_keeps_the_day_just_saved_for_catching_up(app, client, logged_in):
    import uuid

    today = days.local_today("Europe/Berlin")
    three_days_ago = today - dt.timedelta(days=3)
    response = client.post(
        "/entries",
        data={
            "csrf_token": logged_in.csrf,
            "id": str(uuid.uuid4()),
            "date": three_days_ago.isoformat(),
            "pain": "2",
        },
        headers={"HX-Request": "true", **logged_in.headers},
    )
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    assert f'name="date" value="{three_days_ago.isoformat()}"' in page
