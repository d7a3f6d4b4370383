"""A flag once raised stays visible in the history: red flags judged day by day."""

from __future__ import annotations

import datetime as dt

from tests.unit.insights.insights_support import TODAY, day, load_vignettes, shared_file
from webapp.insights import evaluate, red_flags_between, red_flags_by_day

CALF = {"calf_swelling": True, "calf_redness": True}
LONG_AGO = TODAY - dt.timedelta(days=120)


def test_an_old_emergency_stays_in_the_history_after_it_left_the_findings():
    diary = [day(60, **CALF), day(58), day(10), day(0)]
    assert evaluate(diary, TODAY).urgency == "self_care"  # too old for today's findings
    history = red_flags_by_day(diary, LONG_AGO, TODAY)
    assert [(d.isoformat(), f.code) for d, f in history] == [(diary[0]["date"], "dvt_suspected")]


def test_a_quiet_day_while_a_flag_is_open_does_not_raise_it_again():
    diary = [day(3, **CALF), day(2), day(1)]
    assert evaluate(diary, TODAY).urgency == "emergency"  # still open today...
    days = [d for d, _flag in red_flags_by_day(diary, LONG_AGO, TODAY)]
    assert days == [TODAY - dt.timedelta(days=3)]  # ...but raised on its own day only


def test_a_flag_that_needs_two_days_is_raised_on_the_second():
    diary = [day(20, popping=True, swelling="none"), day(18, swelling="mild")]
    [(raised_on, flag)] = red_flags_by_day(diary, LONG_AGO, TODAY)
    assert (raised_on, flag.code) == (TODAY - dt.timedelta(days=18), "popping_injury")
    assert {item.date for item in flag.evidence} == {diary[0]["date"], diary[1]["date"]}


def test_the_period_is_respected():
    diary = [day(40, **CALF), day(5, can_bear_weight=False)]
    first = TODAY - dt.timedelta(days=30)
    assert [f.code for f in red_flags_between(diary, first, TODAY)] == [
        "severe_pain_no_weight_bearing"
    ]


def test_between_gives_each_flag_once_with_all_its_days_most_urgent_first():
    diary = [day(30, numbness=True), day(20, **CALF), day(9, weakness=True), day(2)]
    flags = red_flags_between(diary, LONG_AGO, TODAY)
    assert [f.code for f in flags] == ["dvt_suspected", "neuro_symptoms"]
    neuro = flags[1]
    assert [item.date for item in neuro.evidence] == [diary[0]["date"], diary[2]["date"]]


def test_history_agrees_with_what_evaluate_said_on_each_vignettes_day():
    shared_file("vignettes", "public.json")
    for case in load_vignettes():
        today = dt.date.fromisoformat(case["today"])
        said = evaluate(case["entries"], today)
        raised_today = {
            f.code for f in said.red_flags if any(e.date == case["today"] for e in f.evidence)
        }
        history = red_flags_by_day(case["entries"], today, today)
        assert {f.code for _d, f in history} == raised_today, case["id"]


def test_a_flag_a_note_raised_stays_in_the_history():
    noted = day(3, pain=4, notes="calf red, warm and swollen")
    diary = [noted, day(0, pain=2)]
    first = TODAY - dt.timedelta(days=10)
    assert [(d.isoformat(), f.code) for d, f in red_flags_by_day(diary, first, TODAY)] == [
        (noted["date"], "dvt_suspected")
    ]
    (flag,) = red_flags_between(diary, first, TODAY)
    assert all(e.source == "note" for e in flag.evidence if e.field.startswith("calf_"))
    # The person's "no" takes it out of the history too.
    answered = {**noted, "calf_swelling": False, "calf_redness": False}
    assert red_flags_between([answered, day(0, pain=2)], first, TODAY) == []


def test_a_stored_episode_fact_counts_in_the_history_of_its_episode():
    diary = [day(2, pain=5), day(1, pain=4, swelling="mild")]
    first = TODAY - dt.timedelta(days=10)
    assert red_flags_between(diary, first, TODAY) == []
    (flag,) = red_flags_between(diary, first, TODAY, {"popping": True})
    assert flag.code == "popping_injury"
