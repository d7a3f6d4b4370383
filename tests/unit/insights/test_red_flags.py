"""One test per red-flag trigger of the schema, with the cases that must not fire."""

from __future__ import annotations

import pytest

from tests.unit.insights.insights_support import TODAY, day
from webapp.insights import evaluate


def flags(*entries):
    return {flag.code for flag in evaluate(list(entries), TODAY).red_flags}


@pytest.mark.parametrize(
    "signs",
    [
        {"calf_swelling": True, "calf_redness": True},
        {"calf_swelling": True, "calf_tenderness": True},
        {"calf_redness": True, "calf_tenderness": True},
    ],
)
def test_two_calf_signs_on_one_day_are_a_suspected_dvt(signs):
    findings = evaluate([day(0, pain=2, **signs)], TODAY)
    assert findings.urgency == "emergency"
    assert findings.red_flags[0].code == "dvt_suspected"
    assert {e.field for e in findings.red_flags[0].evidence} >= set(signs)


def test_one_calf_sign_with_sudden_severe_pain_is_a_suspected_dvt():
    assert "dvt_suspected" in flags(day(1, pain=7, onset="sudden", calf_swelling=True))


def test_one_calf_sign_with_severe_pain_of_unrecorded_onset_is_a_suspected_dvt():
    # An onset left out could have been sudden: a red flag does not wait for it.
    assert "dvt_suspected" in flags(day(1, pain=7, calf_redness=True))


@pytest.mark.parametrize(
    "entry",
    [
        day(0, pain=7, onset="gradual", calf_tenderness=True),
        day(0, pain=6, onset="sudden", calf_tenderness=True),
        day(0, pain=5, calf_swelling=True, calf_redness=False, calf_tenderness=False),
    ],
)
def test_one_calf_sign_without_sudden_severe_pain_is_not(entry):
    assert "dvt_suspected" not in flags(entry)


def test_calf_signs_on_different_days_are_not_two_on_one_day():
    assert "dvt_suspected" not in flags(day(2, calf_swelling=True), day(1, calf_redness=True))


def test_dvt_signs_count_for_seven_days():
    assert "dvt_suspected" in flags(day(6, calf_swelling=True, calf_redness=True))
    assert "dvt_suspected" not in flags(day(7, calf_swelling=True, calf_redness=True))


def test_dvt_comes_first_among_several_flags():
    findings = evaluate(
        [day(0, pain=9, numbness=True, calf_swelling=True, calf_tenderness=True)], TODAY
    )
    assert [f.code for f in findings.red_flags][0] == "dvt_suspected"
    assert len(findings.red_flags) >= 3


@pytest.mark.parametrize(
    ("entry", "fires"),
    [
        (day(0, pain=2, can_bear_weight=False), True),
        (day(0, pain=8), True),
        (day(0, pain=10, can_bear_weight=True), True),
        (day(0, pain=7), False),
        (day(0, pain=7, can_bear_weight=True), False),
        (day(13, pain=9), True),
        (day(14, pain=9), False),
    ],
)
def test_severe_pain_or_no_weight_bearing(entry, fires):
    assert ("severe_pain_no_weight_bearing" in flags(entry)) is fires


@pytest.mark.parametrize(
    ("answers", "fires"),
    [
        ({"swelling": "moderate"}, True),
        ({"swelling": "severe"}, True),
        ({"knee_redness_warmth": True}, True),
        ({"swelling": "mild"}, False),
        ({"swelling": "none", "knee_redness_warmth": False}, False),
    ],
)
def test_significant_swelling_redness_or_warmth(answers, fires):
    assert ("swelling_redness_warmth" in flags(day(3, **answers))) is fires


@pytest.mark.parametrize(
    ("answers", "fires"),
    [
        ({"numbness": True}, True),
        ({"weakness": True}, True),
        ({"numbness": False, "weakness": False}, False),
        ({}, False),
    ],
)
def test_numbness_or_weakness(answers, fires):
    assert ("neuro_symptoms" in flags(day(0, pain=1, **answers))) is fires


def test_pop_with_swelling_the_same_day():
    assert "popping_injury" in flags(day(1, popping=True, swelling="mild"))


def test_pop_followed_by_swelling_on_a_later_day():
    found = evaluate([day(3, popping=True, swelling="none"), day(2, swelling="mild")], TODAY)
    flag = next(f for f in found.red_flags if f.code == "popping_injury")
    assert {(e.field, e.date) for e in flag.evidence} == {
        ("popping", day(3)["date"]),
        ("swelling", day(2)["date"]),
    }


@pytest.mark.parametrize(
    "entries",
    [
        [day(1, popping=True, swelling="none")],
        [day(1, popping=True)],
        [day(3, swelling="moderate"), day(1, popping=True, swelling="none")],
        [day(1, popping=False, swelling="mild")],
    ],
)
def test_pop_without_swelling_after_it_is_not_a_popping_injury(entries):
    assert "popping_injury" not in flags(*entries)


def _persistent(first_week, last_week, rest_days=(1, 3, 5, 8, 11)):
    """Two weeks of entries: pains for days 13..7 ago then 6..0 ago; rest on `rest_days` ago."""
    pains = list(first_week) + list(last_week)
    return [
        day(13 - i, pain=p, activity="none" if 13 - i in rest_days else "running")
        for i, p in enumerate(pains)
    ]


def test_persistent_pain_that_rest_does_not_improve():
    findings = evaluate(_persistent([4] * 7, [4, 5, 4, 5, 4, 5, 5]), TODAY)
    flag = next(f for f in findings.red_flags if f.code == "persistent_pain")
    assert findings.urgency == "see_professional"
    # The evidence is the rest days of the last week that still hurt.
    assert {e.date for e in flag.evidence} == {day(n)["date"] for n in (1, 3, 5)}


@pytest.mark.parametrize(
    "entries",
    [
        # improving by 2 points or more
        _persistent([6] * 7, [4, 4, 4, 3, 3, 3, 3]),
        # rest days of the last week do not hurt: pain that vanishes with rest
        _persistent([4] * 7, [4, 1, 4, 1, 4, 1, 4], rest_days=(1, 3, 5, 8)),
        # no rest day in the last week
        _persistent([4] * 7, [4] * 7, rest_days=(8, 10)),
        # fewer than 14 days of pain
        _persistent([0] * 3 + [4] * 4, [4] * 7),
    ],
)
def test_pain_that_improves_vanishes_with_rest_or_is_short_is_not_persistent(entries):
    assert "persistent_pain" not in flags(*entries)


def test_persistent_pain_with_sparse_days_still_counts():
    entries = [
        day(n, pain=5, activity="none" if n % 4 == 0 else "running") for n in range(20, -1, -2)
    ]
    assert "persistent_pain" in flags(*entries)


def test_no_flag_for_mild_unremarkable_days():
    findings = evaluate([day(n, pain=2, activity="running") for n in range(5)], TODAY)
    assert findings.red_flags == []
    assert findings.urgency == "self_care"


def test_future_entries_are_not_read():
    assert flags(day(-2, pain=9, numbness=True)) == set()


def test_swelling_logged_the_same_day_as_the_pop_counts_whatever_the_entry_order():
    swollen = {
        "id": "00000000-0000-4000-8000-000000000000",
        "date": day(1)["date"],
        "pain": 4,
        "swelling": "mild",
    }
    popped = {
        "id": "ffffffff-0000-4000-8000-000000000000",
        "date": day(1)["date"],
        "pain": 5,
        "popping": True,
    }
    assert "popping_injury" in flags(swollen, popped)
