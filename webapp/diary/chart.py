"""The pain-over-time chart as geometry: pure Python, drawn as SVG by a template.

One point per day (the day's worst pain), gaps where nothing was logged, so
the line never suggests a day that was not recorded. The same series feeds the
chart's text alternative and the doctor's report.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import mean
from typing import Any


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

    @property
    def days_logged(self) -> int:
        return len(self.days)

    @property
    def average(self) -> float | None:
        return round(mean(d.worst for d in self.days), 1) if self.days else None

    @property
    def worst(self) -> DayPain | None:
        return max(self.days, key=lambda d: (d.worst, d.day)) if self.days else None

    def polyline(self, segment: list[ChartPoint]) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in segment)

    def summary(self) -> str:
        """The chart in one sentence, for screen readers and for the report."""
        period = f"{self.start:%-d %b} to {self.end:%-d %b %Y}"
        if not self.days:
            return f"No pain logged from {period}."
        worst = max(self.days, key=lambda d: (d.worst, d.day))
        return (
            f"From {period}: {self.days_logged} day{'s' if self.days_logged != 1 else ''} "
            f"logged, average worst pain "
            f"{self.average} out of 10, highest {worst.worst} on {worst.day:%-d %b}."
        )


def daily_worst(entries: Iterable[Any]) -> list[DayPain]:
    """Each logged day with its worst pain, oldest first (entries: Entry or dict)."""
    by_day: dict[dt.date, list[int]] = {}
    for entry in entries:
        day = entry["date"] if isinstance(entry, dict) else entry.date
        if isinstance(day, str):
            day = dt.date.fromisoformat(day)
        pain = entry["pain"] if isinstance(entry, dict) else entry.pain
        by_day.setdefault(day, []).append(pain)
    return [DayPain(day, max(p), len(p)) for day, p in sorted(by_day.items())]


def build_pain_chart(
    entries: Iterable[Any],
    start: dt.date,
    end: dt.date,
    *,
    width: int = 400,
    height: int = 200,
) -> PainChart:
    """Lay out the chart of worst pain per day from ``start`` to ``end``."""
    # Room on the right for half of the last date label, which is centred on its tick.
    left, right, top, bottom = 34, width - 24, 12, height - 28
    span = max((end - start).days, 1)
    days = [d for d in daily_worst(entries) if start <= d.day <= end]

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
    step = 7 if span <= 45 else 14 if span <= 120 else 30
    x_ticks = []
    tick = start
    while tick <= end:
        x_ticks.append((x_of(tick), f"{tick:%-d %b}"))
        tick += dt.timedelta(days=step)
    y_ticks = [(y_of(v), v) for v in (0, 2, 4, 6, 8, 10)]
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
    )


def pain_band(pain: int) -> str:
    """A word for a pain score, so colour is never the only cue."""
    if pain == 0:
        return "none"
    if pain <= 3:
        return "mild"
    if pain <= 6:
        return "moderate"
    return "severe"
