"""The pain-over-time chart as geometry: pure Python, drawn as SVG by a template.

One point per day (the day's worst pain), gaps where nothing was logged, so
the line never suggests a day that was not recorded. The same series feeds the
chart's text alternative and the doctor's report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from webapp.diary.format import ACTIVITIES


@dataclass(frozen=True)
class DayPain:
    day: dt.date
    worst: int
    entries: int


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    day: dt.date
    pain: int


@dataclass(frozen=True)
class DayMark:
    """A mark under (activity) or above (red flag) one day of the chart."""

    x: float
    day: dt.date
    text: str
    kind: str  # "exercise" | "rest" | "flag"


@dataclass(frozen=True)
class PainChart:
    """Everything a template needs to draw the chart and to describe it in words."""

    start: dt.date
    end: dt.date
    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    days: list[DayPain]
    segments: list[list[ChartPoint]]
    points: list[ChartPoint]
    y_ticks: list[tuple[float, int]]
    x_ticks: list[tuple[float, str]]
    activity_marks: list[DayMark] = field(default_factory=list)
    flag_marks: list[DayMark] = field(default_factory=list)

    @property
    def activity_y(self) -> float:
        """The lane of activity marks, between the plot and the date labels."""
        return self.plot_bottom + 9

    @property
    def flag_y(self) -> float:
        return self.plot_top - 7

    @property
    def days_logged(self) -> int:
        return len(self.days)

    @property
    def average(self) -> float | None:
        return round(mean(d.worst for d in self.days), 1) if self.days else None

    @property
    def worst(self) -> DayPain | None:
        return max(self.days, key=lambda d: (d.worst, d.day)) if self.days else None

    def day_rows(self) -> list[tuple[DayPain, str, bool]]:
        """Each logged day, newest first, with its activities in words and whether a
        warning sign was raised: the chart as a table."""
        activities = {m.day: m.text.split(": ", 1)[1] for m in self.activity_marks}
        flagged = {m.day for m in self.flag_marks}
        return [(d, activities.get(d.day, ""), d.day in flagged) for d in reversed(self.days)]

    def polyline(self, segment: list[ChartPoint]) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in segment)

    def summary(self) -> str:
        """The chart in one sentence, for screen readers and for the report."""
        period = f"{self.start:%-d %b} to {self.end:%-d %b %Y}"
        if not self.days:
            return f"No pain logged from {period}."
        worst = max(self.days, key=lambda d: (d.worst, d.day))
        text = (
            f"From {period}: {self.days_logged} day{'s' if self.days_logged != 1 else ''} "
            f"logged, average worst pain "
            f"{self.average} out of 10, highest {worst.worst} on {worst.day:%-d %b}."
        )
        flagged = len(self.flag_marks)
        if flagged:
            text += f" A warning sign was raised on {flagged} day{'s' if flagged != 1 else ''}."
        return text


def daily_worst(entries: Iterable[Any]) -> list[DayPain]:
    """Each logged day with its worst pain, oldest first (entries: Entry or dict)."""
    by_day: dict[dt.date, list[int]] = {}
    for entry in entries:
        day = _day_of(entry)
        pain = entry["pain"] if isinstance(entry, dict) else entry.pain
        by_day.setdefault(day, []).append(pain)
    return [DayPain(day, max(p), len(p)) for day, p in sorted(by_day.items())]


def _day_of(entry: Any) -> dt.date:
    day = entry["date"] if isinstance(entry, dict) else entry.date
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def fitted_start(
    entries: Iterable[Any], start: dt.date, end: dt.date, min_days: int = 7
) -> dt.date:
    """The first day the chart needs: the first logged day in the range, at least a week
    before ``end``, so ten days of log fill the chart rather than its right third."""
    logged = [d for d in (_day_of(e) for e in entries) if start <= d <= end]
    if not logged:
        return start
    return max(start, min(min(logged), end - dt.timedelta(days=min_days - 1)))


# Date labels are about 40 units wide at the chart's font size (14 units): one label
# per LABEL_ROOM units never collides, whatever the range.
LABEL_ROOM = 58
NICE_STEPS = (1, 2, 3, 7, 14, 21, 28, 35, 42, 56, 91, 182, 364)


def _tick_step(span: int, plot_width: float) -> int:
    most = max(2, int(plot_width // LABEL_ROOM) + 1)
    for step in NICE_STEPS:
        if span // step + 1 <= most:
            return step
    return NICE_STEPS[-1]


def _activities_by_day(entries: Iterable[Any]) -> dict[dt.date, list[str]]:
    """Each day's activity codes, in the order logged."""
    by_day: dict[dt.date, list[str]] = {}
    for entry in entries:
        code = entry.get("activity") if isinstance(entry, dict) else entry.activity
        if code:
            codes = by_day.setdefault(_day_of(entry), [])
            if code not in codes:
                codes.append(code)
    return by_day


def build_pain_chart(
    entries: Iterable[Any],
    start: dt.date,
    end: dt.date,
    *,
    width: int = 400,
    height: int = 200,
    flag_days: Iterable[dt.date] = (),
    fit: bool = False,
) -> PainChart:
    """Lay out the chart of worst pain per day from ``start`` to ``end``.

    ``fit`` starts the chart at the first logged day (see fitted_start); ``flag_days``
    are the days a red flag was raised, marked above the line.
    """
    entries = list(entries)
    if fit:
        start = fitted_start(entries, start, end)
    # Room on the right for half of the last date label, which is centred on its tick;
    # under the plot, a lane for the activity marks, then the date labels.
    left, right, top, bottom = 34, width - 24, 20, height - 40
    span = max((end - start).days, 1)
    inside = [e for e in entries if start <= _day_of(e) <= end]
    days = daily_worst(inside)

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - start).days / span

    def y_of(pain: int) -> float:
        return bottom - (bottom - top) * pain / 10

    points = [ChartPoint(x_of(d.day), y_of(d.worst), d.day, d.worst) for d in days]
    segments: list[list[ChartPoint]] = []
    for point in points:
        if segments and (point.day - segments[-1][-1].day).days == 1:
            segments[-1].append(point)
        else:
            segments.append([point])
    step = _tick_step(span, right - left)
    x_ticks = []
    tick = start
    while tick <= end:
        x_ticks.append((x_of(tick), f"{tick:%-d %b}"))
        tick += dt.timedelta(days=step)
    y_ticks = [(y_of(v), v) for v in (0, 2, 4, 6, 8, 10)]
    activity_marks = []
    for day, codes in sorted(_activities_by_day(inside).items()):
        kind = "rest" if codes == ["none"] else "exercise"
        text = f"{day:%-d %b}: {', '.join(ACTIVITIES.get(c, c) for c in codes)}"
        activity_marks.append(DayMark(x_of(day), day, text, kind))
    flag_marks = [
        DayMark(x_of(day), day, f"{day:%-d %b}: warning sign", "flag")
        for day in sorted(set(flag_days))
        if start <= day <= end
    ]
    return PainChart(
        start,
        end,
        width,
        height,
        left,
        right,
        top,
        bottom,
        days,
        segments,
        points,
        y_ticks,
        x_ticks,
        activity_marks,
        flag_marks,
    )


def flag_days_of(flags: Iterable[dict[str, Any]]) -> set[dt.date]:
    """The days red flags were raised on, from their evidence (findings dicts)."""
    return {
        dt.date.fromisoformat(item["date"]) if isinstance(item["date"], str) else item["date"]
        for flag in flags
        for item in flag.get("evidence") or []
        if item.get("date")
    }


def pain_band(pain: int) -> str:
    """A word for a pain score, so colour is never the only cue."""
    if pain == 0:
        return "none"
    if pain <= 3:
        return "mild"
    if pain <= 6:
        return "moderate"
    return "severe"
