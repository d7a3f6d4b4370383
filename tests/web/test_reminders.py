"""Reminders through the app: the JSON API, the page, sending to a local push
receiver, claims under repeated and parallel runs, push service answers, the
calendar feed and the CLI."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support import AuthActions, create_user, csrf_of, empty_tables, htmx, make_app
from tests.web.reminders_support import (
    VAPID_PUBLIC,
    PushReceiver,
    reminders_app,
    reminders_overrides,
    running_receiver,
    set_up_person,
)
from webapp.extensions import db
from webapp.models import PushSubscription, ReminderSettings, User
from webapp.reminders import due_times
from webapp.reminders.batches import reminder_message
from webapp.reminders.delivery import push_sender, send_due_reminders

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS = {
    "enabled": True,
    "time": "20:00",
    "timezone": "Europe/Berlin",
    "days": [0, 1, 2, 3, 4, 5, 6],
    "skip_if_logged": True,
}
# Thursday 2026-11-26, 20:00 in Berlin.
DUE = dt.datetime(2026, 11, 26, 19, 0, tzinfo=dt.UTC)
EARLY = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def reminders_set_up_long_ago() -> Iterator[None]:
    """Settings made in these tests count as made before the moments they run at.

    The tests send at chosen moments of 2026 (``send_due_reminders(now)``);
    next_due_at of settings saved meanwhile is worked out from this clock, so a
    reminder set up "now" is due from the first of those moments on.
    """
    due_times.set_clock(EARLY)
    yield
    due_times.set_clock(None)


@pytest.fixture(scope="module")
def receiver() -> Iterator[PushReceiver]:
    with running_receiver() as server:
        yield server


@pytest.fixture
def app(database_uri: str, tmp_path: Any, receiver: PushReceiver) -> Iterator[Flask]:
    yield from reminders_app(database_uri, tmp_path / "instance", receiver)


def api_put(client: FlaskClient, auth: AuthActions, body: Any) -> Any:
    return client.put("/api/reminder", json=body, headers=auth.headers)


def subscribe(client: FlaskClient, auth: AuthActions, subscription: dict, **headers: str) -> Any:
    return client.post(
        "/api/push/subscriptions", json=subscription, headers={**auth.headers, **headers}
    )


def run_send_due(app: Flask, now: dt.datetime) -> Any:
    with app.app_context():
        return send_due_reminders(now)


# -- JSON API ------------------------------------------------------------------


def test_vapid_public_key_is_the_apps(client: FlaskClient, logged_in: AuthActions) -> None:
    response = client.get("/api/push/vapid-public-key")
    assert response.status_code == 200
    assert response.get_json() == {"publicKey": VAPID_PUBLIC}


def test_api_needs_login(client: FlaskClient) -> None:
    assert client.get("/api/push/vapid-public-key").status_code == 401
    assert client.get("/reminders").status_code == 302


def test_subscribing_is_idempotent_per_endpoint(
    app: Flask, client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    subscription = receiver.subscription()
    agent = {"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile"}
    first = subscribe(client, logged_in, subscription, **agent)
    again = subscribe(client, logged_in, subscription, **agent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(PushSubscription)) == 1
    page = client.get("/reminders").get_data(as_text=True)
    assert "Chrome on Android" in page


def test_subscribing_needs_the_csrf_header(
    client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    response = client.post("/api/push/subscriptions", json=receiver.subscription())
    assert response.status_code == 400
    assert "csrf" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://127.0.0.1:5432/",
        "http://169.254.169.254/latest/meta-data",
        "https://evil.example/push",
        "http://fcm.googleapis.com/fcm/send/x",
    ],
)
def test_endpoints_off_the_push_services_are_refused(
    client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver, endpoint: str
) -> None:
    subscription = {**receiver.subscription(), "endpoint": endpoint}
    response = subscribe(client, logged_in, subscription)
    assert response.status_code == 422
    assert "endpoint" in response.get_json()["errors"]


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "https://fcm.googleapis.com/x"},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": 5, "auth": None}},
        ["not", "an", "object"],
    ],
)
def test_malformed_subscriptions_get_field_errors(
    client: FlaskClient, logged_in: AuthActions, body: Any
) -> None:
    response = subscribe(client, logged_in, body)
    assert response.status_code in (400, 422)
    assert response.get_json()["errors"]


def test_deleting_a_subscription_by_endpoint(
    client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    subscription = receiver.subscription()
    subscribe(client, logged_in, subscription)
    endpoint = {"endpoint": subscription["endpoint"]}
    gone = client.delete("/api/push/subscriptions", json=endpoint, headers=logged_in.headers)
    again = client.delete("/api/push/subscriptions", json=endpoint, headers=logged_in.headers)
    assert (gone.status_code, again.status_code) == (204, 404)
    empty = client.delete("/api/push/subscriptions", json={}, headers=logged_in.headers)
    assert empty.status_code == 422


def test_put_reminder_saves_and_returns_the_settings(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User
) -> None:
    body = {**SETTINGS, "time": "07:30", "timezone": "Pacific/Auckland", "days": [5, 6]}
    response = api_put(client, logged_in, body)
    assert response.status_code == 200
    assert response.get_json() == body
    assert client.get("/api/reminder").get_json() == body
    with app.app_context():
        assert db.session.get(User, user.id).timezone == "Pacific/Auckland"
        assert db.session.get(ReminderSettings, user.id).days_mask == 0b1100000


def test_put_reminder_with_bad_values_answers_422_per_field(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    body = {**SETTINGS, "time": "25:00", "days": [9], "timezone": "Nowhere/Place"}
    response = api_put(client, logged_in, body)
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"time", "days", "timezone"}
    assert api_put(client, logged_in, "text").status_code == 400


# -- the page -----------------------------------------------------------------------


def test_account_page_links_to_reminders(client: FlaskClient, logged_in: AuthActions) -> None:
    assert 'href="/reminders"' in client.get("/account").get_data(as_text=True)


def test_page_shows_settings_devices_and_calendar(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    page = client.get("/reminders").get_data(as_text=True)
    for text in ("Daily reminder", "Time of day", "Timezone", "Skip the reminder", "calendar link"):
        assert text in page
    assert '<input checked id="skip_if_logged"' in page
    assert "js/reminders." in page  # its content-hashed name


def test_form_post_saves_settings(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User
) -> None:
    token = csrf_of(client, "/reminders")
    response = client.post(
        "/reminders",
        data={
            "csrf_token": token,
            "enabled": "y",
            "time": "06:15",
            "timezone": "America/Los_Angeles",
            "days": ["0", "6"],
        },
    )
    assert response.status_code == 303
    with app.app_context():
        settings = db.session.get(ReminderSettings, user.id)
        assert (settings.enabled, settings.local_time, settings.days_mask) == (
            True,
            dt.time(6, 15),
            0b1000001,
        )
        assert settings.skip_if_logged is False


def test_saving_by_htmx_updates_the_status_card_too(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    token = csrf_of(client, "/reminders")
    data = {"csrf_token": token, "enabled": "y", "time": "21:00", "timezone": "UTC", "days": "3"}
    response = client.post("/reminders", data=data, headers=htmx())
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="reminder-settings">')
    assert "Saved." in html
    # Switched on but no device allowed notifications yet: the page does not say "on".
    assert 'id="reminder-status" data-state="no-device" hx-swap-oob="true">' in html
    assert "<h2>No device is set up yet</h2>" in html
    assert "Reminders are on" not in html


def test_bad_form_keeps_what_was_typed_and_says_why(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    token = csrf_of(client, "/reminders")
    response = client.post(
        "/reminders",
        data={"csrf_token": token, "time": "8pm", "timezone": "Berlin", "days": ["9"]},
        headers=htmx(),
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card" id="reminder-settings">')
    assert 'value="8pm"' in html and 'value="Berlin"' in html
    assert "Use a time like 20:00" in html
    assert "Use a timezone name like Europe/Berlin" in html
    assert "Use a list of weekdays" in html


def test_turn_on_and_off_without_javascript(
    app: Flask, client: FlaskClient, logged_in: AuthActions, user: User
) -> None:
    token = csrf_of(client, "/reminders")
    assert client.post("/reminders/on", data={"csrf_token": token}).status_code == 303
    with app.app_context():
        assert db.session.get(ReminderSettings, user.id).enabled is True
    fragment = client.post("/reminders/off", data={"csrf_token": token}, headers=htmx())
    html = fragment.get_data(as_text=True)
    assert html.lstrip().startswith('<section class="card reminder-status" id="reminder-status"')
    assert "Reminders are off" in html
    # the form's checkbox follows, swapped out of band
    assert 'id="reminder-settings" hx-swap-oob="true"' in html
    assert 'id="enabled" name="enabled" role="switch" type="checkbox" value="y">' in html
    with app.app_context():
        assert db.session.get(ReminderSettings, user.id).enabled is False


def test_removing_a_device_and_someone_elses_is_404(
    app: Flask, client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    mine = subscribe(client, logged_in, receiver.subscription()).get_json()["id"]
    _other, theirs_sub = set_up_person(app, receiver, "else@example.com")
    with app.app_context():
        theirs = db.session.scalar(
            db.select(PushSubscription.id).filter_by(endpoint=theirs_sub["endpoint"])
        )
    token = csrf_of(client, "/reminders")
    assert (
        client.post(f"/reminders/devices/{theirs}/delete", data={"csrf_token": token}).status_code
        == 404
    )
    response = client.post(
        f"/reminders/devices/{mine}/delete", data={"csrf_token": token}, headers=htmx()
    )
    assert response.status_code == 200
    assert "No device gets reminders yet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(PushSubscription, theirs) is not None
    unknown = {"endpoint": theirs_sub["endpoint"]}
    response = client.delete("/api/push/subscriptions", json=unknown, headers=logged_in.headers)
    assert response.status_code == 404


def test_test_notification_reaches_the_device_decrypted(
    client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    subscription = receiver.subscription()
    subscribe(client, logged_in, subscription)
    token = csrf_of(client, "/reminders")
    response = client.post("/reminders/test", data={"csrf_token": token}, headers=htmx())
    assert "Test notification sent to 1 of 1 device." in response.get_data(as_text=True)
    assert receiver.rejected == []
    [message] = receiver.messages_for(subscription)
    assert message["body"] == "This is a test. Reminders will look like this."
    assert message["tag"] == "fossa-daily-reminder"


# -- sending due reminders -------------------------------------------------------


def test_due_reminder_is_pushed_once_with_a_valid_vapid_jwt(
    app: Flask, receiver: PushReceiver
) -> None:
    _user, subscription = set_up_person(app, receiver, "one@example.com")
    assert run_send_due(app, DUE - dt.timedelta(minutes=1)).sent == 0
    report = run_send_due(app, DUE)
    assert (report.sent, report.pushes) == (1, 1)
    assert run_send_due(app, DUE + dt.timedelta(minutes=1)).sent == 0
    assert run_send_due(app, DUE + dt.timedelta(hours=3)).sent == 0
    assert receiver.rejected == []
    path = subscription["endpoint"][len(receiver.origin) :]
    [delivery] = [d for d in receiver.deliveries if d.path == path]
    assert delivery.claims["aud"] == receiver.origin
    assert delivery.claims["sub"] == "mailto:test@fossa.invalid"
    assert delivery.message == {
        "title": "Fossa",
        "body": "How is your knee today?",
        "tag": "fossa-daily-reminder",
        "url": "/today",
        "day": "2026-11-26",
        "icon": delivery.message["icon"],
        "badge": delivery.message["badge"],
    }
    assert delivery.headers["content-encoding"] == "aes128gcm"
    assert delivery.headers["topic"] == "daily-reminder"


def test_missed_run_is_caught_up_later_the_same_day(app: Flask, receiver: PushReceiver) -> None:
    _user, subscription = set_up_person(app, receiver, "late@example.com")
    assert run_send_due(app, DUE + dt.timedelta(hours=2, minutes=17)).sent == 1
    assert run_send_due(app, DUE + dt.timedelta(hours=2, minutes=18)).sent == 0
    assert len(receiver.messages_for(subscription)) == 1
    # next day it is due again
    assert run_send_due(app, DUE + dt.timedelta(days=1)).sent == 1


def test_skipped_when_already_logged_that_day(
    app: Flask, receiver: PushReceiver, entry_factory: Any
) -> None:
    user, subscription = set_up_person(app, receiver, "logged@example.com")
    entry_factory(user, date="2026-11-26", pain=2)
    report = run_send_due(app, DUE)
    assert (report.sent, report.skipped_logged) == (0, 1)
    assert receiver.messages_for(subscription) == []


def test_sent_despite_a_log_when_skip_is_off(
    app: Flask, receiver: PushReceiver, entry_factory: Any
) -> None:
    user, subscription = set_up_person(app, receiver, "keen@example.com", skip_if_logged=False)
    entry_factory(user, date="2026-11-26", pain=2)
    assert run_send_due(app, DUE).sent == 1


def test_disabled_or_deviceless_people_get_nothing(app: Flask, receiver: PushReceiver) -> None:
    user, _subscription = set_up_person(app, receiver, "off@example.com")
    with app.app_context():
        db.session.get(ReminderSettings, user.id).enabled = False
        db.session.commit()
    lonely = create_user(app, email="lonely@example.com")
    with app.app_context():
        db.session.add(ReminderSettings(user_id=lonely.id, enabled=True))
        db.session.commit()
    assert run_send_due(app, DUE).due == 0


def test_people_on_opposite_sides_of_the_world(app: Flask, receiver: PushReceiver) -> None:
    _nz, auckland = set_up_person(app, receiver, "nz@example.com", "Pacific/Auckland", time="08:00")
    _us, los_angeles = set_up_person(
        app, receiver, "la@example.com", "America/Los_Angeles", time="20:00"
    )
    # 19:00 UTC Thu = 08:00 Fri in Auckland, 11:00 Thu in LA
    run_send_due(app, dt.datetime(2026, 11, 26, 19, 0, tzinfo=dt.UTC))
    assert [m["day"] for m in receiver.messages_for(auckland)] == ["2026-11-27"]
    assert receiver.messages_for(los_angeles) == []
    # 04:00 UTC Fri = 20:00 Thu in LA; Auckland already had its Friday
    run_send_due(app, dt.datetime(2026, 11, 27, 4, 0, tzinfo=dt.UTC))
    assert [m["day"] for m in receiver.messages_for(los_angeles)] == ["2026-11-26"]
    assert len(receiver.messages_for(auckland)) == 1


@pytest.mark.parametrize(
    ("before", "at"),
    [
        # spring forward: 20:00 CEST = 18:00 UTC
        (
            dt.datetime(2026, 3, 29, 17, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 3, 29, 18, 0, tzinfo=dt.UTC),
        ),
        # fall back: 20:00 CET = 19:00 UTC
        (
            dt.datetime(2026, 10, 25, 18, 59, tzinfo=dt.UTC),
            dt.datetime(2026, 10, 25, 19, 0, tzinfo=dt.UTC),
        ),
    ],
)
def test_dst_change_days_send_at_the_local_time(
    app: Flask, receiver: PushReceiver, before: dt.datetime, at: dt.datetime
) -> None:
    _user, subscription = set_up_person(app, receiver, "dst@example.com")
    assert run_send_due(app, before).sent == 0
    assert run_send_due(app, at).sent == 1
    assert run_send_due(app, at + dt.timedelta(hours=1)).sent == 0
    assert [m["day"] for m in receiver.messages_for(subscription)] == [at.date().isoformat()]


def test_gone_subscription_is_deleted(app: Flask, receiver: PushReceiver) -> None:
    user, subscription = set_up_person(app, receiver, "gone@example.com")
    receiver.answer(subscription, 410)
    report = run_send_due(app, DUE)
    assert report.gone == 1
    with app.app_context():
        assert db.session.scalar(db.select(PushSubscription).filter_by(user_id=user.id)) is None


def test_busy_push_service_is_retried_later_then_delivered_once(
    app: Flask, receiver: PushReceiver
) -> None:
    """A 429 or 503 is not retried in the run: the reminder is rescheduled with backoff."""
    user, subscription = set_up_person(app, receiver, "busy@example.com")
    receiver.answer(subscription, 429, 503)
    first = run_send_due(app, DUE)
    assert (first.sent, first.unreachable, receiver.hits_for(subscription)) == (0, 1, 1)
    with app.app_context():
        settings = db.session.get(ReminderSettings, user.id)
        # REMINDER_RETRY_BASE is 1 s here: the first retry 1 s later, then 2 s
        assert settings.next_due_at.replace(tzinfo=dt.UTC) == DUE + dt.timedelta(seconds=1)
        assert (settings.push_attempts, settings.claim_token) == (1, None)
    # not yet due again: nothing is sent before the retry time
    assert run_send_due(app, DUE + dt.timedelta(milliseconds=500)).claimed == 0
    second = run_send_due(app, DUE + dt.timedelta(seconds=1))
    assert (second.sent, second.unreachable, second.retry_in) == (0, 1, 2.0)
    third = run_send_due(app, DUE + dt.timedelta(seconds=3))
    assert third.sent == 1
    assert receiver.hits_for(subscription) == 3
    assert len(receiver.messages_for(subscription)) == 1
    assert run_send_due(app, DUE + dt.timedelta(hours=1)).sent == 0
    with app.app_context():
        assert db.session.get(ReminderSettings, user.id).push_attempts == 0


def test_down_push_service_is_retried_with_growing_pauses_until_it_answers(
    app: Flask, receiver: PushReceiver
) -> None:
    _user, subscription = set_up_person(app, receiver, "down@example.com")
    receiver.answer(subscription, 500, 500, 500)
    moment, pauses = DUE, []
    for _ in range(3):
        report = run_send_due(app, moment)
        assert (report.sent, report.unreachable) == (0, 1)
        pauses.append(report.retry_in)
        moment += dt.timedelta(seconds=report.retry_in)
    assert pauses == [1.0, 2.0, 4.0]
    assert run_send_due(app, moment).sent == 1
    assert run_send_due(app, moment + dt.timedelta(minutes=2)).sent == 0
    assert len(receiver.messages_for(subscription)) == 1


def test_retry_after_is_honoured(app: Flask, receiver: PushReceiver) -> None:
    from webapp.reminders.batches import retry_delay

    assert retry_delay(1, 30, None) == 30
    assert retry_delay(3, 30, None) == 120
    assert retry_delay(1, 30, 300.0) == 300
    assert retry_delay(20, 30, None) == 15 * 60  # capped


def test_an_unreachable_reminder_is_not_sent_once_its_day_is_over(
    app: Flask, receiver: PushReceiver
) -> None:
    _user, subscription = set_up_person(app, receiver, "late-day@example.com")
    receiver.answer(subscription, 503)
    assert run_send_due(app, DUE + dt.timedelta(hours=3, minutes=59)).unreachable == 1
    # past Berlin's midnight the retry finds the 26th over and the 27th not yet due
    report = run_send_due(app, DUE + dt.timedelta(hours=5, minutes=1))
    assert (report.claimed, report.sent) == (1, 0)
    assert run_send_due(app, DUE + dt.timedelta(days=1)).sent == 1
    assert [m["day"] for m in receiver.messages_for(subscription)] == ["2026-11-27"]


def test_refused_push_is_not_retried_and_keeps_the_claim(
    app: Flask, receiver: PushReceiver
) -> None:
    _user, subscription = set_up_person(app, receiver, "refused@example.com")
    receiver.answer(subscription, 403)
    report = run_send_due(app, DUE)
    assert report.sent == 0 and receiver.hits_for(subscription) == 1
    assert run_send_due(app, DUE + dt.timedelta(minutes=1)).due == 0


def test_redirects_from_a_push_service_are_not_followed(app: Flask, receiver: PushReceiver) -> None:
    _user, subscription = set_up_person(app, receiver, "redirect@example.com")
    receiver.answer(subscription, 307)
    run_send_due(app, DUE)
    assert receiver.hits["/elsewhere"] == 0
    assert receiver.messages_for(subscription) == []


def test_a_silent_push_service_costs_one_short_timeout(app: Flask, receiver: PushReceiver) -> None:
    """A push service that never answers costs one timeout per attempt, never more."""
    import socket
    import time

    from webapp.reminders.sender import Target

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    port = silent.getsockname()[1]
    try:
        app.config["PUSH_ALLOWED_ORIGINS"] += ",https://silent.fossa.test"
        app.config["PUSH_DEV_ROUTES"] += f",silent.fossa.test=http://127.0.0.1:{port}"
        app.config["REMINDER_PUSH_TIMEOUT"] = 0.3
        keys = receiver.subscription()["keys"]
        targets = [
            (
                Target(f"https://silent.fossa.test/x{n}", keys["p256dh"], keys["auth"]),
                {"a": 1},
                None,
            )
            for n in range(20)
        ]
        with push_sender(app) as sender:
            started = time.monotonic()
            results = sender.send_many(targets)
            elapsed = time.monotonic() - started
    finally:
        silent.close()
    # twenty silent pushes in flight together: about one timeout in all
    assert {(r.outcome, r.attempts) for r in results} == {("retry", 1)}
    assert elapsed < 1.5


def test_a_stalled_worker_does_not_time_out_pushes_that_were_answered(
    app: Flask, receiver: PushReceiver
) -> None:
    """The loop blocked for longer than the timeout (a starved host): no delivered push is retried.

    The push service answers in 0.2 s while the sender's loop cannot run for
    1.2 s; with a 0.5 s timeout on a plain loop timer every push would come back
    "retry" and be sent again.
    """
    import asyncio
    import time

    from webapp.reminders.sender import Target

    app.config["REMINDER_PUSH_TIMEOUT"] = 0.5
    subscriptions = [receiver.subscription() for _ in range(5)]
    message = reminder_message(DUE.date())
    pushes = [
        (Target(sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"]), message, None)
        for sub in subscriptions
    ]
    try:
        with push_sender(app) as sender:
            # Connections open first (a stall while connecting only fails the
            # connect, which sent nothing and is safe to retry).
            assert {r.outcome for r in sender.send_many(pushes)} == {"delivered"}
            receiver.delay = 0.2

            async def send_while_stalled() -> list:
                sending = asyncio.ensure_future(sender.send_async(pushes))
                await asyncio.sleep(0.05)  # the requests are out
                time.sleep(1.2)  # noqa: ASYNC251 - the stall under test
                return await sending

            results = sender.run(send_while_stalled())
    finally:
        receiver.delay = 0.0
    assert [result.outcome for result in results] == ["delivered"] * 5
    assert all(len(receiver.messages_for(sub)) == 2 for sub in subscriptions)


def test_a_silent_push_service_is_given_up_on_even_while_the_loop_keeps_stalling(
    app: Flask, receiver: PushReceiver
) -> None:
    """Stalls stop the timeout's clock, but three timeouts of wall-clock time end a push."""
    import asyncio
    import socket
    import time

    from webapp.reminders.sender import Target

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    try:
        app.config["PUSH_ALLOWED_ORIGINS"] += ",https://silent.fossa.test"
        app.config["PUSH_DEV_ROUTES"] += (
            f",silent.fossa.test=http://127.0.0.1:{silent.getsockname()[1]}"
        )
        app.config["REMINDER_PUSH_TIMEOUT"] = 0.3
        keys = receiver.subscription()["keys"]
        target = Target("https://silent.fossa.test/x", keys["p256dh"], keys["auth"])
        with push_sender(app) as sender:

            async def send_while_stalling() -> list:
                sending = asyncio.ensure_future(sender.send_async([(target, {"a": 1}, None)]))
                while not sending.done():
                    time.sleep(0.1)  # noqa: ASYNC251 - the loop starved again and again
                    await asyncio.sleep(0)
                return await sending

            started = time.monotonic()
            results = sender.run(send_while_stalling())
            elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert [result.outcome for result in results] == ["retry"]
    assert 0.8 <= elapsed < 2.0


def test_endpoint_removed_from_the_allowed_list_is_not_posted_to(
    app: Flask, receiver: PushReceiver
) -> None:
    _user, subscription = set_up_person(app, receiver, "revoked@example.com")
    app.config["PUSH_ALLOWED_ORIGINS"] = "https://fcm.googleapis.com"
    run_send_due(app, DUE)
    assert receiver.hits_for(subscription) == 0


def test_parallel_send_due_processes_push_once_per_person(
    app: Flask, receiver: PushReceiver, database_uri: str, tmp_path: Path
) -> None:
    people = [set_up_person(app, receiver, f"p{n}@example.com") for n in range(20)]
    overrides = reminders_overrides(receiver)
    env = {
        **os.environ,
        "DATABASE_URL": database_uri,
        "FOSSA_AUTO_MIGRATE": "0",
        "SECRET_KEY": "test-secret-key",
        "PUSH_ALLOWED_ORIGINS": overrides["PUSH_ALLOWED_ORIGINS"],
        "PUSH_DEV_ROUTES": overrides["PUSH_DEV_ROUTES"],
        "VAPID_PRIVATE_KEY": overrides["VAPID_PRIVATE_KEY"],
        "VAPID_PUBLIC_KEY": overrides["VAPID_PUBLIC_KEY"],
        "VAPID_SUBJECT": overrides["VAPID_SUBJECT"],
        "RATELIMIT_ENABLED": "0",
    }
    command = [
        sys.executable, "-m", "flask", "--app", "webapp",
        "reminders", "send-due", "--now", DUE.isoformat(),
    ]  # fmt: skip
    processes = [
        subprocess.Popen(
            command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(4)
    ]
    outputs = [process.communicate(timeout=60) for process in processes]
    for process, (_out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err.decode()
    assert receiver.rejected == []
    for _user, subscription in people:
        assert len(receiver.messages_for(subscription)) == 1
    summaries = b"".join(out for out, _err in outputs).decode()
    assert summaries.count("sent") == 4


def test_batch_claims_of_many_threads_never_share_a_row(app: Flask, receiver: PushReceiver) -> None:
    """Each thread has its own app context, session and connection, as separate senders do."""
    import threading

    from webapp.reminders import batches

    people = [set_up_person(app, receiver, f"race{n}@example.com")[0] for n in range(30)]
    start = threading.Barrier(8)
    claims: list[list[int]] = []

    def claim() -> None:
        with app.app_context():
            start.wait()
            _token, rows = batches.claim_batch(DUE, 7, 60)
            claims.append([row.user_id for row in rows])
            db.session.remove()

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    taken = [user_id for rows in claims for user_id in rows]
    assert len(claims) == 8
    assert len(taken) == len(set(taken)) == 30  # 8 × 7 asked, 30 due: each taken once
    assert set(taken) == {person.id for person in people}
    with app.app_context():
        # held until the lease ends, then due again (a sender that died)
        assert batches.count_due(DUE) == 0
        assert batches.count_due(DUE + dt.timedelta(seconds=60)) == 30


# -- calendar feed --------------------------------------------------------------------------


def test_calendar_link_is_shown_once_works_and_can_be_revoked(
    client: FlaskClient, logged_in: AuthActions
) -> None:
    api_put(client, logged_in, {**SETTINGS, "time": "21:15"})
    token = csrf_of(client, "/reminders")
    html = client.post("/reminders/calendar", data={"csrf_token": token}, headers=htmx())
    text = html.get_data(as_text=True)
    url = text.split('id="calendar-url" type="text" readonly value="')[1].split('"')[0]
    path = url.replace("http://localhost", "")
    assert path.startswith("/reminders/calendar/") and path.endswith(".ics")
    assert path.split("/")[-1] not in client.get("/reminders").get_data(as_text=True)

    client.post("/logout", data={"csrf_token": logged_in.csrf})
    feed = client.get(path)  # a calendar app has no session
    assert feed.status_code == 200
    assert feed.mimetype == "text/calendar"
    assert "DTSTART;TZID=Europe/Berlin:" in feed.get_data(as_text=True)
    assert "T211500" in feed.get_data(as_text=True)

    logged_in.login()
    token = csrf_of(client, "/reminders")
    client.post("/reminders/calendar/revoke", data={"csrf_token": token})
    assert client.get(path).status_code == 404
    assert client.get("/reminders/calendar/guess.ics").status_code == 404


# -- CLI ----------------------------------------------------------------------------------------


def test_cli_send_due_with_now(app: Flask, receiver: PushReceiver) -> None:
    _user, subscription = set_up_person(app, receiver, "cli@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "send-due", "--now", "2026-11-26T19:05:00Z"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    bad = runner.invoke(args=["reminders", "send-due", "--now", "tonight"])
    assert bad.exit_code == 2 and "ISO" in bad.output


def test_cli_run_loops_and_survives(app: Flask, receiver: PushReceiver) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reminders", "run", "--interval", "0.01", "--runs", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.count("tick: 0 batch jobs enqueued") == 2


def test_worker_script_is_registered_for_the_service_worker(app: Flask) -> None:
    assert app.config["WORKER_SCRIPTS"].count("/static/js/sw-push.js") == 1


def test_a_person_keeps_at_most_ten_devices_newest_first(
    app: Flask, client: FlaskClient, logged_in: AuthActions, receiver: PushReceiver
) -> None:
    subscriptions = [receiver.subscription() for _ in range(12)]
    for subscription in subscriptions:
        assert subscribe(client, logged_in, subscription).status_code == 201
    with app.app_context():
        kept = set(db.session.scalars(db.select(PushSubscription.endpoint)))
    assert kept == {s["endpoint"] for s in subscriptions[2:]}


def test_test_notification_is_rate_limited(
    database_uri: str, tmp_path: Path, receiver: PushReceiver
) -> None:
    app = make_app(
        database_uri, tmp_path / "limited", RATELIMIT_ENABLED=True, **reminders_overrides(receiver)
    )
    try:
        create_user(app)
        client = app.test_client()
        AuthActions(client).login()
        token = csrf_of(client, "/reminders")
        codes = [
            client.post("/reminders/test", data={"csrf_token": token}).status_code for _ in range(7)
        ]
        assert codes[:6] == [303] * 6 and codes[6] == 429
    finally:
        empty_tables(app)
