"""The story of the current episode: its trend in plain words, and a mini chart of it.

Pure Python (no Flask). /insights opens with this: "Your pain went up from 2 to 7
over 10 days; it has been higher on running days (5 on average, 2 on rest days),
peaking at 7 on Sat 28 Nov (downhill running)." Every number said is read straight
from the diary (a day's pain is its worst, as on the diary's chart) and every claim
needs the days to carry it: a comparison needs two days on each side and a clear
difference, a trend needs two days that differ. Sparse diaries get shorter,
honest sentences rather than a guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from webapp import labels
from webapp.diary.chart import pain_band
from webapp.diary.format import ACTIVITIES
from webapp.insights import knowledge as kb
from webapp.insights.diary import prepare
from webapp.insights.episode import episode_entries

# A comparison of two kinds of day is said only with this many days on each side,
# and called higher or lower only past this difference of averages (points of pain):
# one day each, or half a point, is noise a person should not be told is a pattern.
MIN_DAYS_TO_COMPARE = 2
MIN_DIFFERENCE = 1.0
# The last logged day this many days before today is said, so an old story is not
# read as today's.
STALE_AFTER_DAYS = 3
# A note is quoted beside the worst day only when its first sentence is this short.
NOTE_QUOTE_MAX = 48
_LOAD_RANK = {"none": 0, "increase": 1, "big_increase": 2}


@dataclass(frozen=True)
class StoryDay:
    """One logged day of the episode: its worst pain and what was done."""

    day: dt.date
    pain: int
    activities: tuple[str, ...]  # activity codes logged that day ("none": rest)
    load_change: str | None  # the largest training change logged that day
    note: str | None  # the note of the day's worst entry, if any

    @property
    def exercised(self) -> bool:
        return any(code != "none" for code in self.activities)

    @property
    def rested(self) -> bool:
        return bool(self.activities) and not self.exercised

    @property
    def band(self) -> str:
        """The pain in a word ("mild"): the chart's dots are coloured by it."""
        return pain_band(self.pain)

    @property
    def activity_words(self) -> str:
        return labels.join_words(labels.answer("activity", code) for code in self.activities)


@dataclass(frozen=True)
class Comparison:
    """Pain on the days of one activity against rest days."""

    activity: str | None  # an activity code, or None for every exercise day
    active_days: int
    active_average: float
    rest_days: int
    rest_average: float

    @property
    def difference(self) -> float:
        return self.active_average - self.rest_average


@dataclass(frozen=True)
class ChartMark:
    x: float
    day: dt.date
    kind: str  # "exercise" | "rest" | "load"
    text: str


@dataclass(frozen=True)
class MiniChart:
    """Geometry of the story's chart (drawn as inline SVG by the template)."""

    width: int
    height: int
    plot_left: int
    plot_right: int
    plot_top: int
    plot_bottom: int
    points: list[tuple[float, float, StoryDay]]
    segments: list[str]  # polyline point lists of consecutive logged days
    across: str  # every point: drawn faint and dashed, so a gap reads as a gap
    marks: list[ChartMark]
    first_label: str
    last_label: str

    @property
    def activity_y(self) -> float:
        return self.plot_bottom + 10

    @property
    def load_y(self) -> float:
        return self.plot_bottom + 22


@dataclass(frozen=True)
class Story:
    today: dt.date
    days: list[StoryDay]
    sentences: list[str]
    # What the sentences claim, for the chart's description and for tests.
    direction: str  # "up" | "down" | "same" | "flat" | "single" | "none"
    comparison: Comparison | None = None
    peak: StoryDay | None = None
    chart: MiniChart | None = None
    load_days: list[StoryDay] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(self.sentences)

    @property
    def start(self) -> dt.date:
        return self.days[0].day

    @property
    def end(self) -> dt.date:
        return self.days[-1].day


def tell_story(entries: Iterable[Any], today: dt.date) -> Story | None:
    """The story of the current episode as of ``today`` (the person's local day).

    ``entries``: fossa-diary/1 dicts or Entry objects, any order. None when the
    episode has no day with a pain score.
    """
    if isinstance(today, dt.datetime):
        today = today.date()
    recorded = prepare(entries, today, kb.EPISODE_WINDOW_DAYS)
    days = _days(episode_entries(recorded, today))
    if not days:
        return None
    direction = _direction(days)
    comparison = _compare(days) if direction in {"up", "down", "same"} else None
    peak = _peak(days, direction)
    loads = [d for d in days if _LOAD_RANK.get(d.load_change or "none", 0) > 0]
    sentences = [_trend_sentence(days, direction, comparison, peak, today)]
    # A sudden jump is what the article names ("avoid sudden spikes in training load");
    # a bit more than usual is marked on the chart but not said.
    jumps = [d for d in loads if d.load_change == "big_increase"]
    if jumps:
        sentences.append(_load_sentence(jumps, today))
    since = (today - days[-1].day).days
    if since >= STALE_AFTER_DAYS and len(days) > 1:
        sentences.append(f"You last logged on {_day(days[-1].day, today)}, {since} days ago.")
    return Story(
        today=today,
        days=days,
        sentences=sentences,
        direction=direction,
        comparison=comparison,
        peak=peak,
        chart=_chart(days, today),
        load_days=loads,
    )


def _days(entries: list[dict[str, Any]]) -> list[StoryDay]:
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for entry in entries:
        if "pain" in entry:
            by_day.setdefault(entry["date"], []).append(entry)
    days = []
    for day, logged in sorted(by_day.items()):
        worst = max(logged, key=lambda e: e["pain"])
        activities: list[str] = []
        for entry in logged:
            code = entry.get("activity")
            if code and code not in activities:
                activities.append(code)
        changes = [e["load_change"] for e in logged if e.get("load_change")]
        load = max(changes, key=lambda c: _LOAD_RANK.get(c, 0)) if changes else None
        days.append(StoryDay(day, worst["pain"], tuple(activities), load, worst.get("notes")))
    return days


def _direction(days: list[StoryDay]) -> str:
    if len(days) == 1:
        return "single"
    pains = {d.pain for d in days}
    if pains == {0}:
        return "none"
    if len(pains) == 1:
        return "flat"
    first, last = days[0].pain, days[-1].pain
    return "up" if last > first else "down" if last < first else "same"


def _compare(days: list[StoryDay]) -> Comparison | None:
    rest = [d for d in days if d.rested]
    active = [d for d in days if d.exercised]
    if len(rest) < MIN_DAYS_TO_COMPARE or len(active) < MIN_DAYS_TO_COMPARE:
        return None
    counts = Counter(code for d in active for code in d.activities if code != "none")
    # A tie is settled by the format's order of activities, the same way every time.
    order = list(ACTIVITIES)
    activity, _n = min(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
    chosen = [d for d in active if activity in d.activities]
    if activity == "other" or len(chosen) < MIN_DAYS_TO_COMPARE:
        activity, chosen = None, active
    return Comparison(
        activity=activity,
        active_days=len(chosen),
        active_average=_average(d.pain for d in chosen),
        rest_days=len(rest),
        rest_average=_average(d.pain for d in rest),
    )


def _average(values: Iterable[int]) -> float:
    return round(mean(values), 1)


def _peak(days: list[StoryDay], direction: str) -> StoryDay | None:
    """The worst day, when it says more than the trend's two ends do."""
    if direction in {"none", "flat", "single"}:
        return None
    top = max(d.pain for d in days)
    if top <= max(days[0].pain, days[-1].pain):
        return None
    return max((d for d in days if d.pain == top), key=lambda d: d.day)


def number(value: float) -> str:
    """A pain score or an average as said: "5", "4.5"."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _day(day: dt.date, today: dt.date) -> str:
    return f"{day:%a %-d %b}" + ("" if day.year == today.year else f" {day.year}")


def _days_word(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


def _what_was_done(day: StoryDay) -> str:
    done = [labels.answer("activity", c) for c in day.activities if c != "none"]
    if done:
        return labels.in_sentence(labels.join_words(done)).lower()
    return "a rest day" if day.rested else ""


def _trend_sentence(
    days: list[StoryDay],
    direction: str,
    comparison: Comparison | None,
    peak: StoryDay | None,
    today: dt.date,
) -> str:
    first, last = days[0], days[-1]
    if direction == "single":
        done = _what_was_done(first)
        pain = "no pain" if first.pain == 0 else f"pain {first.pain}"
        return (
            f"You have logged one day so far: {pain} on {_day(first.day, today)}"
            + (f" ({done})" if done else "")
            + "."
        )
    span = (last.day - first.day).days + 1
    # Said when most days are missing, so "over 20 days" is not read as 20 days logged.
    logged = "" if len(days) * 2 > span else f", {len(days)} of them logged"
    period = f"from {_day(first.day, today)} to {_day(last.day, today)}"
    if direction == "none":
        return f"You have logged no pain on any of your {len(days)} days, {period}."
    if direction == "flat":
        return f"Your pain has stayed at {first.pain} on all {len(days)} days you logged, {period}."
    if direction == "same":
        clause = (
            f"Your pain was {first.pain} on {_day(first.day, today)} and is {last.pain} again "
            f"on {_day(last.day, today)}"
        )
    else:
        moved = "went up" if direction == "up" else "went down"
        clause = f"Your pain {moved} from {first.pain} to {last.pain} over {span} days{logged}"
    sentence = clause
    if comparison is not None:
        sentence += "; " + _comparison_clause(comparison)
    if peak is not None:
        sentence += (" and " if comparison is not None else "; it ") + _peak_clause(peak, today)
    return sentence + "."


def _comparison_clause(comparison: Comparison) -> str:
    if comparison.activity is None:
        kind = "exercise days"
    else:
        name = labels.answer("activity", comparison.activity)
        kind = f"{labels.in_sentence(name).lower()} days"
    active, rest = number(comparison.active_average), number(comparison.rest_average)
    if comparison.difference >= MIN_DIFFERENCE:
        return f"it has been higher on {kind} ({active} on average, {rest} on rest days)"
    if comparison.difference <= -MIN_DIFFERENCE:
        return f"it has been lower on {kind} ({active} on average, {rest} on rest days)"
    return f"it has been much the same on {kind} and rest days ({active} and {rest} on average)"


def _peak_clause(peak: StoryDay, today: dt.date) -> str:
    about = [_what_was_done(peak)]
    quote = _note_quote(peak.note)
    if quote:
        about.append(f"your note: “{quote}”")
    said = "; ".join(a for a in about if a)
    return f"was highest, {peak.pain}, on {_day(peak.day, today)}" + (f" ({said})" if said else "")


def _note_quote(note: str | None) -> str | None:
    if not note:
        return None
    first = re.split(r"(?<=[.!?])\s", note.strip(), maxsplit=1)[0].strip()
    return first if 0 < len(first) <= NOTE_QUOTE_MAX else None


def _load_sentence(jumps: list[StoryDay], today: dt.date) -> str:
    return f"You logged a sudden jump in training on {_day_list([d.day for d in jumps], today)}."


def _day_list(days: list[dt.date], today: dt.date) -> str:
    if len(days) <= 3:
        return labels.join_words(_day(d, today) for d in days)
    return f"{len(days)} days, most recently {_day(days[-1], today)}"


def _chart(days: list[StoryDay], today: dt.date) -> MiniChart:
    width, height = 320, 116
    left, right, top, bottom = 22, width - 10, 8, height - 40
    start, end = days[0].day, max(days[-1].day, days[0].day + dt.timedelta(days=1))
    span = (end - start).days

    def x_of(day: dt.date) -> float:
        return round(left + (right - left) * (day - start).days / span, 1)

    def y_of(pain: int) -> float:
        return round(bottom - (bottom - top) * pain / 10, 1)

    points = [(x_of(d.day), y_of(d.pain), d) for d in days]
    segments: list[list[tuple[float, float, StoryDay]]] = []
    for point in points:
        if segments and (point[2].day - segments[-1][-1][2].day).days == 1:
            segments[-1].append(point)
        else:
            segments.append([point])
    marks = []
    for d in days:
        if d.exercised:
            marks.append(ChartMark(x_of(d.day), d.day, "exercise", _what_was_done(d)))
        elif d.rested:
            marks.append(ChartMark(x_of(d.day), d.day, "rest", "rest day"))
        if _LOAD_RANK.get(d.load_change or "none", 0) > 0:
            change = labels.answer("load_change", d.load_change)
            marks.append(ChartMark(x_of(d.day), d.day, "load", f"training: {change.lower()}"))
    return MiniChart(
        width,
        height,
        left,
        right,
        top,
        bottom,
        points,
        [" ".join(f"{x},{y}" for x, y, _d in segment) for segment in segments],
        " ".join(f"{x},{y}" for x, y, _d in points),
        marks,
        _day(days[0].day, today),
        _day(days[-1].day, today),
    )
