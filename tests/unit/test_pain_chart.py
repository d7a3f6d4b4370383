"""The pain chart's geometry: one point per day, gaps where nothing was logged."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.diary.chart import LABEL_ROOM, build_pain_chart, flag_days_of, pain_band

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


def test_a_fitted_chart_starts_at_the_first_logged_day():
    end = day(29)
    entries = [{"date": day(n), "pain": 3} for n in range(20, 30)]  # ten days of a 30-day range
    chart = build_pain_chart(entries, START, end, fit=True)
    assert chart.start == day(20)
    assert chart.points[0].x == chart.plot_left and chart.points[-1].x == chart.plot_right
    # A short log still shows a week, so one day is not stretched over the whole width.
    single = build_pain_chart([{"date": end, "pain": 2}], START, end, fit=True)
    assert single.start == end - dt.timedelta(days=6)
    # Without entries the chart keeps its range.
    assert build_pain_chart([], START, end, fit=True).start == START


@pytest.mark.parametrize("days", [7, 10, 30, 45, 90, 120, 366])
def test_date_labels_never_collide(days):
    end = START + dt.timedelta(days=days - 1)
    entries = [{"date": START + dt.timedelta(days=n), "pain": n % 11} for n in range(days)]
    chart = build_pain_chart(entries, START, end)
    xs = [x for x, _text in chart.x_ticks]
    assert len(xs) >= 2
    assert all(b - a >= LABEL_ROOM for a, b in zip(xs, xs[1:], strict=False))
    # The last label (centred on its tick) stays inside the drawing.
    assert xs[-1] + 22 <= chart.width


def test_activities_and_flags_are_marked_on_their_days():
    entries = [
        {"date": day(0), "pain": 2, "activity": "running"},
        {"date": day(1), "pain": 0, "activity": "none"},
        {"date": day(2), "pain": 5},
    ]
    chart = build_pain_chart(entries, START, day(9), flag_days={day(2), day(40)})
    assert [(m.day, m.kind, m.text) for m in chart.activity_marks] == [
        (day(0), "exercise", "1 Nov: Running"),
        (day(1), "rest", "2 Nov: Rest day"),
    ]
    assert [m.day for m in chart.flag_marks] == [day(2)]  # a flag outside the range is not drawn
    assert chart.summary().endswith("A warning sign was raised on 1 day.")
    evidence = [{"evidence": [{"date": "2026-11-03"}, {"date": "2026-11-03"}, {"date": None}]}]
    assert flag_days_of(evidence) == {day(2)}
