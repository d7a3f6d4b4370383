"""Pure reminder rules: due or not, catch-up, DST, opposite sides of the world,
which endpoints are accepted, settings checks, and the calendar feed's text."""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any

import pytest
from py_vapid import Vapid02

from webapp.reminders.calendar import reminder_calendar, zone_transitions
from webapp.reminders.schedule import (
    ReminderRule,
    days_to_mask,
    due_day,
    local_day,
    mask_to_days,
    reminder_moment,
    zone_or_utc,
)
from webapp.reminders.settings import check_settings
from webapp.reminders.subscriptions import (
    check_subscription,
    device_label,
    endpoint_allowed,
    parse_allowed_origins,
)

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def rule(zone: str = "Europe/Berlin", time: str = "20:00", **kw: object) -> ReminderRule:
    return ReminderRule(zone, dt.time.fromisoformat(time), **kw)  # type: ignore[arg-type]


def test_not_due_before_the_local_time() -> None:
    assert due_day(rule(), at("2026-11-26T18:59:59+00:00")) is None  # 19:59:59 in Berlin


def test_due_at_the_local_time() -> None:
    assert due_day(rule(), at("2026-11-26T19:00:00+00:00")) == dt.date(2026, 11, 26)


def test_missed_minute_is_caught_up_later_that_day() -> None:
    assert due_day(rule(), at("2026-11-26T22:30:00+00:00")) == dt.date(2026, 11, 26)


def test_not_sent_again_once_the_day_is_claimed() -> None:
    claimed = rule(last_claimed_day=dt.date(2026, 11, 26))
    assert due_day(claimed, at("2026-11-26T22:30:00+00:00")) is None


def test_yesterdays_missed_reminder_is_not_sent_after_midnight() -> None:
    # 00:30 local on the 27th: the 26th is over, the 27th's time has not come.
    late = rule(last_claimed_day=dt.date(2026, 11, 25))
    assert due_day(late, at("2026-11-26T23:30:00+00:00")) is None


def test_only_on_chosen_weekdays() -> None:
    weekdays = rule(days_mask=days_to_mask([0, 1, 2, 3, 4]))
    assert due_day(weekdays, at("2026-11-28T19:30:00+00:00")) is None  # Saturday
    assert due_day(weekdays, at("2026-11-27T19:30:00+00:00")) == dt.date(2026, 11, 27)


def test_naive_now_is_refused() -> None:
    with pytest.raises(ValueError):
        due_day(rule(), dt.datetime(2026, 11, 26, 20))


def test_spring_forward_keeps_the_local_time() -> None:
    # Berlin 2026-03-29: 02:00 CET becomes 03:00 CEST. 20:00 is 18:00 UTC that day.
    assert due_day(rule(), at("2026-03-29T17:59:00+00:00")) is None
    assert due_day(rule(), at("2026-03-29T18:00:00+00:00")) == dt.date(2026, 3, 29)
    # the day before, still CET, 20:00 was 19:00 UTC
    assert due_day(rule(), at("2026-03-28T18:30:00+00:00")) is None


def test_time_inside_the_spring_gap_fires_after_the_gap() -> None:
    zone = zone_or_utc("Europe/Berlin")
    moment = reminder_moment(dt.date(2026, 3, 29), dt.time(2, 30), zone)
    assert moment == at("2026-03-29T01:30:00+00:00")  # 03:30 CEST
    gap = rule(time="02:30")
    assert due_day(gap, at("2026-03-29T01:29:00+00:00")) is None
    assert due_day(gap, at("2026-03-29T01:30:00+00:00")) == dt.date(2026, 3, 29)


def test_fall_back_keeps_the_local_time() -> None:
    # Berlin 2026-10-25: 03:00 CEST becomes 02:00 CET. 20:00 is 19:00 UTC that day.
    assert due_day(rule(), at("2026-10-25T18:59:00+00:00")) is None
    assert due_day(rule(), at("2026-10-25T19:00:00+00:00")) == dt.date(2026, 10, 25)
    assert due_day(rule(), at("2026-10-24T18:00:00+00:00")) == dt.date(2026, 10, 24)


def test_repeated_hour_of_fall_back_sends_once() -> None:
    # 02:30 happens twice; the first one is due, the claim covers the second.
    twice = rule(time="02:30")
    first = at("2026-10-25T00:30:00+00:00")  # 02:30 CEST
    second = at("2026-10-25T01:30:00+00:00")  # 02:30 CET
    assert due_day(twice, first - dt.timedelta(minutes=1)) is None
    assert due_day(twice, first) == dt.date(2026, 10, 25)
    claimed = rule(time="02:30", last_claimed_day=dt.date(2026, 10, 25))
    assert due_day(claimed, second) is None


def test_opposite_sides_of_the_world_get_their_own_local_day() -> None:
    auckland = rule("Pacific/Auckland", "08:00")
    los_angeles = rule("America/Los_Angeles", "20:00")
    # 2026-11-27 04:00 UTC: Friday 17:00 in Auckland, Thursday 20:00 in Los Angeles.
    now = at("2026-11-27T04:00:00+00:00")
    assert local_day(now, "Pacific/Auckland") == dt.date(2026, 11, 27)
    assert local_day(now, "America/Los_Angeles") == dt.date(2026, 11, 26)
    assert due_day(auckland, now) == dt.date(2026, 11, 27)
    assert due_day(los_angeles, now) == dt.date(2026, 11, 26)
    # 19:00 UTC the day before: 08:00 Friday in Auckland, 11:00 Thursday in LA.
    earlier = at("2026-11-26T19:00:00+00:00")
    assert due_day(auckland, earlier) == dt.date(2026, 11, 27)
    assert due_day(los_angeles, earlier) is None


def test_southern_and_northern_dst_changes() -> None:
    # Auckland starts DST on 2026-09-27 (+12 -> +13); LA ends it on 2026-11-01.
    auckland = rule("Pacific/Auckland", "08:00")
    assert due_day(auckland, at("2026-09-26T18:59:00+00:00")) is None  # 07:59 NZDT
    assert due_day(auckland, at("2026-09-26T19:00:00+00:00")) == dt.date(2026, 9, 27)
    los_angeles = rule("America/Los_Angeles", "20:00")
    assert due_day(los_angeles, at("2026-11-02T03:59:00+00:00")) is None
    assert due_day(los_angeles, at("2026-11-02T04:00:00+00:00")) == dt.date(2026, 11, 1)


def test_unknown_zone_falls_back_to_utc() -> None:
    assert due_day(rule("Mars/Olympus"), at("2026-11-26T20:00:00+00:00")) == dt.date(2026, 11, 26)


def test_days_mask_round_trip() -> None:
    assert mask_to_days(days_to_mask([6, 0, 3])) == [0, 3, 6]


# -- settings ----------------------------------------------------------------

GOOD = {
    "enabled": True,
    "time": "07:45",
    "timezone": "Pacific/Auckland",
    "days": [0, 2, 4],
    "skip_if_logged": False,
}


def test_good_settings_pass() -> None:
    checked = check_settings(GOOD)
    assert checked.ok
    assert checked.values["time"] == dt.time(7, 45)
    assert checked.values["days_mask"] == 0b10101


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("enabled", "yes"),
        ("enabled", None),
        ("time", "24:00"),
        ("time", "7:45"),
        ("time", 745),
        ("timezone", "Europe/Nowhere"),
        ("timezone", "../../etc/passwd"),
        ("timezone", ""),
        ("days", [7]),
        ("days", [-1]),
        ("days", [True]),
        ("days", "0,1"),
        ("days", []),
        ("skip_if_logged", 1),
    ],
)
def test_bad_settings_name_the_field(field: str, value: object) -> None:
    checked = check_settings({**GOOD, field: value})
    assert not checked.ok
    assert list(checked.errors) == [field]


# -- endpoints -----------------------------------------------------------------

ALLOWED = parse_allowed_origins(
    "https://fcm.googleapis.com, https://*.notify.windows.com,http://127.0.0.1:8123/"
)
# (more bypasses, IDNA and IPv6 forms, and the send-time checks: test_push_endpoints.py)


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://fcm.googleapis.com:443/fcm/send/abc",
        "https://wns2-par02p.notify.windows.com/w/?token=x",
    ],
)
def test_push_service_endpoints_are_accepted(endpoint: str) -> None:
    assert endpoint_allowed(endpoint, ALLOWED)


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/abc",  # not https
        "https://fcm.googleapis.com.evil.example/x",
        "https://evil.example/?https://fcm.googleapis.com/",
        "https://fcm.googleapis.com@169.254.169.254/latest",
        "https://user@fcm.googleapis.com/x",
        "https://fcm.googleapis.com:8443/x",
        "https://notify.windows.com.evil.example/x",
        "http://127.0.0.1:8123/push/1",  # an http or IP origin on the list is ignored
        "http://127.0.0.1:8124/push/1",
        "http://localhost:8123/push/1",
        "file:///etc/passwd",
        "https://fcm.googleapis.com/x\r\nHost: evil",
        "https://[::1]/x",
        "https://fcm.googleapis.com:99999/x",
        "",
    ],
)
def test_other_endpoints_are_refused(endpoint: str) -> None:
    assert not endpoint_allowed(endpoint, ALLOWED)


def test_subscription_keys_are_checked() -> None:
    good_key = "B" + "A" * 86  # 65 bytes starting 0x04 in base64url
    checked = check_subscription(
        {
            "endpoint": "https://fcm.googleapis.com/x",
            "keys": {"p256dh": good_key, "auth": "A" * 22},
        },
        ALLOWED,
    )
    assert checked.ok, checked.errors
    bad = check_subscription(
        {"endpoint": "https://evil.example/x", "keys": {"p256dh": "abc", "auth": "!!"}}, ALLOWED
    )
    assert set(bad.errors) == {"endpoint", "keys.p256dh", "keys.auth"}


def test_device_labels() -> None:
    android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537"
    assert device_label(android) == "Chrome on Android"
    assert device_label(None) == "A browser"


# -- calendar feed -----------------------------------------------------------


def test_berlin_transitions_are_found_to_the_minute() -> None:
    zone = zone_or_utc("Europe/Berlin")
    found = zone_transitions(zone, at("2026-01-01T00:00:00+00:00"), at("2027-01-01T00:00:00+00:00"))
    assert [(local.isoformat(), daylight) for local, _b, _a, daylight in found] == [
        ("2026-03-29T02:00:00", True),
        ("2026-10-25T03:00:00", False),
    ]


def test_calendar_has_a_weekly_event_with_an_alarm_at_the_local_time() -> None:
    text = reminder_calendar(
        enabled=True,
        local_time=dt.time(20, 0),
        timezone="Europe/Berlin",
        days_mask=days_to_mask([0, 2, 6]),
        uid="daily-reminder-1@fossa",
        url="https://fossa.example/today",
        starts_on=dt.date(2026, 11, 26),
        stamp=at("2026-11-26T10:00:00+00:00"),
    )
    lines = text.split("\r\n")
    assert "DTSTART;TZID=Europe/Berlin:20261126T200000" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,SU" in lines
    assert "BEGIN:VALARM" in lines and "TRIGGER:PT0S" in lines
    assert "TZOFFSETTO:+0200" in lines and "TZID:Europe/Berlin" in lines
    assert all(len(line.encode()) <= 75 for line in lines)


def test_calendar_is_empty_when_reminders_are_off() -> None:
    text = reminder_calendar(
        enabled=False,
        local_time=dt.time(20, 0),
        timezone="UTC",
        days_mask=127,
        uid="x",
        url="https://fossa.example/today",
        starts_on=dt.date(2026, 11, 26),
        stamp=at("2026-11-26T10:00:00+00:00"),
    )
    assert "BEGIN:VEVENT" not in text and text.startswith("BEGIN:VCALENDAR")


# -- VAPID keys ------------------------------------------------------------------


def test_vapid_key_is_generated_once_into_the_instance_folder(tmp_path: Any) -> None:
    from webapp.reminders.vapid import KEY_FILE, load_vapid_keys

    first = load_vapid_keys(None, None, tmp_path)
    again = load_vapid_keys(None, None, tmp_path)
    assert first.public_key == again.public_key
    assert len(base64.urlsafe_b64decode(first.public_key + "=")) == 65
    assert (tmp_path / KEY_FILE).stat().st_mode & 0o777 == 0o600


def test_vapid_key_from_the_environment_wins_and_must_match(tmp_path: Any) -> None:
    from webapp.reminders.vapid import KEY_FILE, load_vapid_keys

    signer = Vapid02()
    signer.generate_keys()
    pem = signer.private_pem().decode()
    keys = load_vapid_keys(pem, None, tmp_path)
    assert not (tmp_path / KEY_FILE).exists()
    assert load_vapid_keys(pem, keys.public_key, tmp_path).public_key == keys.public_key
    other = load_vapid_keys(None, None, tmp_path / "other")
    with pytest.raises(RuntimeError):
        load_vapid_keys(pem, other.public_key, tmp_path)


def test_scheduling_modules_do_not_import_flask_or_the_database() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import webapp.reminders.schedule, webapp.reminders.settings\n"
        "import webapp.reminders.subscriptions, webapp.reminders.calendar\n"
        "print(sorted(m for m in ('flask', 'sqlalchemy') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
