"""What a new entry starts with: the side and the steady details of the last entry of
the episode; nothing a red flag or safety question reads."""

from __future__ import annotations

import datetime as dt

from webapp.diary import as_last_time
from webapp.diary.forms import DETAIL_GROUPS

DETAILS = [name for _key, _title, names in DETAIL_GROUPS for name in names]
TODAY = dt.date(2026, 12, 1)


def test_no_safety_or_red_flag_field_is_ever_carried():
    carried = set(as_last_time.carried_fields(DETAILS))
    for field in (
        "calf_swelling",
        "calf_redness",
        "calf_tenderness",
        "numbness",
        "weakness",
        "can_bear_weight",
        "knee_redness_warmth",
        "popping",
        "onset",
        "swelling",
        "timing",
        "locking",
        "giving_way",
    ):
        assert field not in carried
    assert {"provoked_by", "clicking", "load_change", "warm_up", "worn_footwear"} <= carried


def test_the_last_entry_counts_only_within_the_episode():
    entries = [{"date": "2026-11-10", "pain": 3}, {"date": "2026-11-20", "pain": 4}]
    assert as_last_time.last_of_episode(entries, TODAY)["date"] == "2026-11-20"
    assert as_last_time.last_of_episode(entries, dt.date(2026, 12, 20)) is None
    assert as_last_time.last_of_episode([], TODAY) is None
    # A future-dated entry (a zone ahead) is not "last time".
    ahead = [*entries, {"date": "2026-12-02", "pain": 1}]
    assert as_last_time.last_of_episode(ahead, TODAY)["date"] == "2026-11-20"


def test_starting_answers_take_the_side_and_the_carried_fields_only():
    last = {
        "side": "left",
        "pain": 5,
        "clicking": False,
        "provoked_by": ["tiptoe"],
        "numbness": True,
        "locations": ["calf"],
        "notes": "sore",
    }
    start = as_last_time.starting_answers(last, ("clicking", "provoked_by"))
    assert start == {"side": "left", "clicking": False, "provoked_by": ["tiptoe"]}
    assert as_last_time.starting_answers(None, ("clicking",)) == {}


def test_recent_activities_come_first_then_the_rest_in_order():
    choices = {"running": "Running", "cycling": "Cycling", "hiking": "Hiking", "none": "Rest day"}
    entries = [{"activity": "hiking"}, {"activity": "none"}, {"activity": "hiking"}, {}]
    assert list(as_last_time.recent_first(choices, entries)) == [
        "hiking",
        "none",
        "running",
        "cycling",
    ]
    assert list(as_last_time.recent_first(choices, [{"activity": "made_up"}])) == list(choices)
