"""The person's day and the bounds of a diary date (webapp/diary/days.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.diary import days

NOON_UTC = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Pacific/Pago_Pago", dt.date(2026, 12, 1)),  # 01:00 on the 1st
        ("Pacific/Kiritimati", dt.date(2026, 12, 2)),  # 02:00 on the 2nd
        ("Pacific/Honolulu", dt.date(2026, 12, 1)),
        ("Nowhere/Else", dt.date(2026, 12, 1)),  # unknown: UTC
        (None, dt.date(2026, 12, 1)),
    ],
)
def test_local_today_is_the_zones_day(zone, expected):
    assert days.local_today(zone, NOON_UTC) == expected


def test_late_monday_in_honolulu_is_still_monday():
    tuesday_utc = dt.datetime(2026, 12, 1, 8, 14, tzinfo=dt.UTC)  # 22:14 Monday in Honolulu
    assert days.local_today("Pacific/Honolulu", tuesday_utc) == dt.date(2026, 11, 30)


@pytest.mark.parametrize("name", ["", None, "Europe/Nowhere", "../../etc/passwd", "x" * 65, 42])
def test_unknown_zone_names_are_refused(name):
    assert days.known_zone(name) is None


def test_bounds_and_shift_at_the_ends_of_the_calendar():
    today = dt.date(2026, 12, 1)
    assert days.out_of_bounds(days.FLOOR, today) is None
    assert days.out_of_bounds(dt.date(1899, 12, 31), today)
    assert days.out_of_bounds(dt.date(2026, 12, 2), today) is None
    assert days.out_of_bounds(dt.date(2026, 12, 3), today) == "This day is in the future."
    assert days.shift(dt.date.min, -90) == dt.date.min
    assert days.shift(dt.date.max, 1) == dt.date.max
