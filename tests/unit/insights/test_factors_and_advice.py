"""Contributing factors, one test each, and the advice that fits what was found."""

from __future__ import annotations

import pytest

from tests.unit.insights.insights_support import TODAY, day
from webapp.insights import evaluate


def factors(entries):
    return {f.code: f for f in evaluate(entries, TODAY).factors}


@pytest.mark.parametrize(
    ("code", "answers", "field"),
    [
        ("load_spike", {"load_change": "big_increase"}, "load_change"),
        ("no_warm_up", {"activity": "running", "warm_up": False}, "warm_up"),
        ("worn_footwear", {"worn_footwear": True}, "worn_footwear"),
    ],
)
def test_factor_found_with_its_evidence(code, answers, field):
    found = factors([day(2, **answers)])
    assert list(found) == [code]
    assert [(e.date, e.field) for e in found[code].evidence] == [(day(2)["date"], field)]
    assert found[code].passage


@pytest.mark.parametrize(
    "answers",
    [
        {"load_change": "increase"},
        {"load_change": "none"},
        {"warm_up": True},
        {"worn_footwear": False},
        {},
    ],
)
def test_no_factor_without_its_answer(answers):
    assert factors([day(1, **answers)]) == {}


def test_a_week_of_training_without_a_rest_day_is_no_recovery():
    found = factors([day(n, activity="running" if n % 2 else "cycling") for n in range(7)])
    assert "no_recovery" in found
    assert len({e.date for e in found["no_recovery"].evidence}) == 7


@pytest.mark.parametrize(
    "entries",
    [
        [day(n, activity="running") for n in range(6)],
        [day(n, activity="running" if n != 3 else "none") for n in range(10)],
        [day(n, activity="running") for n in range(10) if n != 4],  # a day not logged
        [day(n) for n in range(10)],  # activity unknown
    ],
)
def test_a_rest_day_a_gap_or_a_short_run_is_not_no_recovery(entries):
    assert "no_recovery" not in factors(entries)


def _advice(entries):
    return {a.code: a for a in evaluate(entries, TODAY).advice}


def test_advice_follows_the_factors_found():
    advice = _advice(
        [day(1, load_change="big_increase", warm_up=False, worn_footwear=True, activity="running")]
    )
    assert {"gradual_progression", "warm_up_cool_down", "footwear"} <= set(advice)
    assert advice["footwear"].because == ["worn_footwear"]
    assert all(a.passage and a.text for a in advice.values())


def test_acute_pain_gets_rice():
    advice = _advice([day(0, pain=5, onset="sudden", mechanism="direct_blow")])
    assert "rice" in advice
    assert "pcl_sprain" in advice["rice"].because


def test_hamstring_causes_get_the_hamstring_work():
    advice = _advice(
        [
            day(n, activity="running", provoked_by=["resisted_flexion", "hamstring_stretch"])
            for n in range(3)
        ]
    )
    assert {"hamstring_flexibility", "eccentric_hamstring_strengthening"} <= set(advice)


def test_no_self_care_advice_in_an_emergency():
    findings = evaluate(
        [day(0, pain=6, onset="sudden", warm_up=False, calf_swelling=True, calf_redness=True)],
        TODAY,
    )
    assert findings.urgency == "emergency"
    assert findings.advice == []


def test_nothing_found_no_advice():
    assert _advice([day(0, pain=0, activity="running", warm_up=True)]) == {}
