"""The fossa-diary/1 validator: one definition of a valid entry."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.diary.format import BOOLEANS, ENUMS, FIELD_ORDER, label, validate_entry

TODAY = dt.date(2026, 11, 25)


def test_minimal_entry_is_valid():
    result = validate_entry({"date": "2026-11-25", "pain": 0}, today=TODAY)
    assert result.ok
    assert result.entry == {"date": TODAY, "pain": 0}


def test_missing_fields_stay_missing_not_false():
    result = validate_entry({"date": "2026-11-25", "pain": 3, "numbness": False}, today=TODAY)
    assert result.entry["numbness"] is False
    assert "weakness" not in result.entry


@pytest.mark.parametrize("pain", [11, -1, "abc", 3.5, True, None, ""])
def test_bad_pain_is_refused(pain):
    assert "pain" in validate_entry({"date": "2026-11-25", "pain": pain}, today=TODAY).errors


@pytest.mark.parametrize(
    ("day", "ok"), [("2026-11-26", True), ("2026-11-27", False), ("2020-01-01", True)]
)
def test_dates_more_than_a_day_ahead_are_refused(day, ok):
    assert validate_entry({"date": day, "pain": 1}, today=TODAY).ok is ok


def test_every_schema_field_is_known():
    assert len(FIELD_ORDER) == 31
    assert set(ENUMS) | set(BOOLEANS) <= set(FIELD_ORDER)


def test_labels_read_as_words():
    assert label("activity", "downhill_running") == "Downhill running"
    assert label("locations", ["center", "calf"]) == "Centre of the hollow, Down into the calf"
    assert label("numbness", False) == "No"
    assert label("numbness", None) == ""
