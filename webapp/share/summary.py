"""What a clinician reads first: the period's figures, worked out from diary entries.

Pure Python. Entries are fossa-diary/1 dicts (``Entry.to_diary()``), so the PDF,
the doctor's web view and the tests share one set of figures.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from statistics import median
from typing import Any

from webapp import labels
from webapp.diary import format as diary_format
from webapp.diary.chart import DayPain, daily_worst

DEFAULT_DAYS = 90
MAX_DAYS = 366 * 5


@dataclass(frozen=True)
class Period:
    """An inclusive range of days."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        return f"{self.start:%-d %b %Y} to {self.end:%-d %b %Y}"


def parse_period(
    raw_from: str | None, raw_to: str | None, today: dt.date
) -> tuple[Period | None, dict[str, list[str]]]:
    """Read ``?from=&to=`` (YYYY-MM-DD); absent means the last 90 days up to today.

    Returns the period, or None and the errors keyed by parameter name.
    """
    errors: dict[str, list[str]] = {}

    def read(name: str, raw: str | None) -> dt.date | None:
        if raw is None or raw.strip() == "":
            return None
        try:
            return dt.date.fromisoformat(raw.strip())
        except ValueError:
            errors.setdefault(name, []).append("Use a date like 2026-11-25.")
            return None

    end = read("to", raw_to)
    start = read("from", raw_from)
    if errors:
        return None, errors
    end = end or today
    start = start or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        errors["from"] = ["The first day must not be after the last day."]
    elif (end - start).days + 1 > MAX_DAYS:
        errors["from"] = [f"Choose at most {MAX_DAYS:,} days."]
    if end > today + dt.timedelta(days=diary_format.MAX_DAYS_AHEAD):
        errors.setdefault("to", []).append("The last day is in the future.")
    if errors:
        return None, errors
    return Period(start, end), errors


@dataclass(frozen=True)
class ActivityPain:
    """How an activity went: days done, days it hurt, and its worst pain."""

    activity: str
    label: str
    entries: int
    painful: int
    worst: int


@dataclass(frozen=True)
class ReportSummary:
    period: Period
    entries: int
    days: list[DayPain]
    worst: DayPain | None
    typical: float | None
    sides: list[tuple[str, int]] = field(default_factory=list)
    activities: list[ActivityPain] = field(default_factory=list)
    provoked_by: list[tuple[str, int]] = field(default_factory=list)

    @property
    def days_logged(self) -> int:
        return len(self.days)

    @property
    def pain_free_days(self) -> int:
        return sum(1 for d in self.days if d.worst == 0)

    def knee_text(self) -> str:
        """Which knee, in words, e.g. "Left (12 entries), Both (1)"."""
        if not self.sides:
            return "Not recorded"
        parts = [
            f"{label} ({count} {'entry' if count == 1 else 'entries'})"
            for label, count in self.sides
        ]
        return ", ".join(parts)


def summarise(entries: list[dict[str, Any]], period: Period) -> ReportSummary:
    """The period's figures from its entries (dicts in fossa-diary/1 form)."""
    inside = [e for e in entries if period.start <= _day(e) <= period.end]
    days = daily_worst(inside)
    worst = max(days, key=lambda d: (d.worst, d.day)) if days else None
    # "Typical" is the median of each day's worst pain: one bad day does not move it.
    typical = float(median(d.worst for d in days)) if days else None

    sides = Counter(e["side"] for e in inside if e.get("side"))
    activity_rows: dict[str, list[int]] = {}
    for entry in inside:
        activity = entry.get("activity")
        if activity and activity != "none":
            activity_rows.setdefault(activity, []).append(entry["pain"])
    activities = [
        ActivityPain(
            code,
            diary_format.label("activity", code),
            len(pains),
            sum(1 for p in pains if p > 0),
            max(pains),
        )
        for code, pains in activity_rows.items()
    ]
    activities.sort(key=lambda a: (-a.painful, -a.worst, a.label))
    provoked = Counter(code for e in inside for code in e.get("provoked_by") or [])
    return ReportSummary(
        period=period,
        entries=len(inside),
        days=days,
        worst=worst,
        typical=typical,
        sides=[(diary_format.label("side", s), n) for s, n in sides.most_common()],
        activities=activities,
        provoked_by=[
            (diary_format.label("provoked_by", [code]), n) for code, n in provoked.most_common()
        ],
    )


def _day(entry: dict[str, Any]) -> dt.date:
    day = entry["date"]
    return dt.date.fromisoformat(day) if isinstance(day, str) else day


def format_pain(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}"


def day_text(value: Any) -> str:
    """A day as a person reads it, e.g. "Thu 26 Nov 2026"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%a %-d %b %Y}"


def _nice(value: Any) -> str:
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%-d %b %Y}"


def evidence_text(item: dict[str, Any]) -> str:
    """One piece of a finding's evidence in words: its day and what was answered."""
    parts = []
    if item.get("date"):
        parts.append(_nice(item["date"]))
    said = labels.evidence_line(item)
    if said:
        parts.append(said)
    return ": ".join(parts)


def evidence_dates(evidence: list[dict[str, Any]], shown: int = 8) -> str:
    """The distinct days of a finding's evidence, e.g. "3 Nov 2026, 5 Nov 2026"."""
    days = sorted(
        {
            dt.date.fromisoformat(i["date"]) if isinstance(i["date"], str) else i["date"]
            for i in evidence
            if i.get("date")
        }
    )
    text = ", ".join(f"{d:%-d %b %Y}" for d in days[:shown])
    return text + (f" and {len(days) - shown} more days" if len(days) > shown else "")
