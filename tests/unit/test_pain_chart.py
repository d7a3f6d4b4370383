"""The pain chart's geometry: one point per day, gaps where nothing was logged."""

from __future__ import annotations

import datetime as dt

from webapp.diary.chart import build_pain_chart, pain_band

START = dt.date(2026, 11, 1)


def day(n):
    return START + dt.timedelta(days=n)


def test_one_point_per_day_with_the_days_worst_pain():
    entries = [
        {"date": day(0), "pain": 2},
        {"date": day(0), "pain": 7},
        {"date": day(1), "pain": 1},
    ]
    chart = build_pain_chart(entries, START, day(29))
    assert [(p.day, p.pain) for p in chart.points] == [(day(0), 7), (day(1), 1)]


def test_unlogged_days_break_the_line():
    entries = [{"date": day(n), "pain": 3} for n in (0, 1, 5, 6)]
    chart = build_pain_chart(entries, START, day(29))
    assert [len(s) for s in chart.segments] == [2, 2]


def test_higher_pain_is_drawn_higher():
    chart = build_pain_chart(
        [{"date": day(0), "pain": 0}, {"date": day(1), "pain": 10}], START, day(9)
    )
    low, high = chart.points
    assert low.y == chart.plot_bottom and high.y == chart.plot_top


def test_summary_names_the_period_and_highest_day():
    chart = build_pain_chart(
        [{"date": day(3), "pain": 6}, {"date": day(4), "pain": 2}], START, day(29)
    )
    assert chart.summary() == (
        "From 1 Nov to 30 Nov 2026: 2 days logged, average worst pain 4 out of 10, "
        "highest 6 on 4 Nov."
    )
    assert build_pain_chart([], START, day(29)).summary().startswith("No pain logged")


def test_pain_bands_give_a_word_for_every_score():
    assert [pain_band(n) for n in (0, 3, 4, 7)] == ["none", "mild", "moderate", "severe"]
