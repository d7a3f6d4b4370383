"""What the cards of /insights say, from the engine's findings: pure Python (no Flask).

The findings are the engine's; this module only decides how a person reads them:

- the urgency, said once: the highest level's headline, what to do and when
  (``knowledge.URGENCY_WHEN``), and the red flags as the reasons for it;
- each cause with its plain title first and its medical name second, a "how well
  it fits" level, and its evidence summarised ("Running on 4 days") with the full
  list kept for "Why".

One rule keeps "not enough to go on" and "likely" apart: "likely" is said only of
the leading cause, and only when the engine has enough to go on. Every other cause
says how well the log fits its description, which two causes can share.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webapp import labels
from webapp.diary.format import BOOLEANS, ENUMS, LISTS
from webapp.insights import knowledge as kb

# How well the log fits a cause's description, by the engine's confidence: the words
# and the number of the bar's three steps that are filled (text, not colour alone).
FIT_LEVELS: dict[str, tuple[str, int]] = {
    "likely": ("Fits well", 3),
    "possible": ("Fits partly", 2),
    "weak": ("Fits a little", 1),
}
FIT_STEPS = 3
LEADING_WORDS = "Most likely of these"


@dataclass(frozen=True)
class UrgencyCard:
    urgency: str
    headline: str
    do: str
    when: str
    passage: str
    reasons: list[Mapping[str, Any]]  # the red flags of this urgency, as the engine gave them
    also: list[Mapping[str, Any]]  # red flags of a lower urgency


@dataclass(frozen=True)
class CauseCard:
    code: str
    title: str  # the plain-language title
    medical_name: str
    fit: str  # "Fits well" …
    fit_steps: int
    leading: bool  # said "most likely": only when there is enough to go on
    summary_for: list[str]
    summary_against: list[str]
    cause: Mapping[str, Any]  # the engine's cause, for the full evidence and passage


def urgency_card(findings: Mapping[str, Any]) -> UrgencyCard:
    """The top card: the highest urgency once, what to do, when, and why."""
    urgency = findings["urgency"]
    wording = kb.URGENCY_WHEN[urgency]
    flags = list(findings.get("red_flags") or [])
    return UrgencyCard(
        urgency=urgency,
        headline=kb.URGENCY_HEADLINES[urgency],
        do=wording["do"],
        when=wording["when"],
        passage=wording["passage"],
        reasons=[f for f in flags if f["urgency"] == urgency],
        also=[f for f in flags if f["urgency"] != urgency],
    )


def cause_cards(findings: Mapping[str, Any]) -> list[CauseCard]:
    """The causes, most fitting first, as a person reads them."""
    enough = bool(findings.get("enough_to_go_on"))
    cards = []
    for index, cause in enumerate(findings.get("causes") or []):
        words, steps = FIT_LEVELS.get(cause["confidence"], FIT_LEVELS["weak"])
        cards.append(
            CauseCard(
                code=cause["code"],
                title=kb.CAUSE_PLAIN_NAMES.get(cause["code"]) or cause["name"],
                medical_name=cause["name"],
                fit=words,
                fit_steps=steps,
                leading=enough and index == 0,
                summary_for=summarise_evidence(cause.get("evidence_for") or []),
                summary_against=summarise_evidence(cause.get("evidence_against") or []),
                cause=cause,
            )
        )
    return cards


def summarise_evidence(items: Sequence[Mapping[str, Any]]) -> list[str]:
    """One line per answer that counts, with how many days it was logged on.

    "Running on 7 days and cycling on 2", "Brought on by stretching the hamstrings
    twice", "How it began: gradually". Most frequent first; the day-by-day list
    stays behind "Why".
    """
    by_field: dict[str, dict[str, set[str]]] = {}
    from_notes: dict[str, bool] = {}
    notes: dict[str, str] = {}
    first_seen: dict[str, int] = {}
    for n, item in enumerate(items):
        field = item.get("field")
        if not field:
            continue
        first_seen.setdefault(field, n)
        values = item.get("value")
        if field in LISTS and isinstance(values, list | tuple):
            shown = [labels.answer(field, v) for v in values]
        else:
            shown = [labels.answer(field, values)]
        for said in shown:
            by_field.setdefault(field, {}).setdefault(said, set()).add(item.get("date") or "")
        from_notes[field] = from_notes.get(field, False) or item.get("source") == "note"
        if item.get("value") is False and field not in notes:
            # "no warm-up before exercising" says a recorded "no" better than "…: No".
            notes[field] = re.split(r" \(|, from your note", str(item.get("note") or ""))[0]
    lines = []
    for field, values in by_field.items():
        days = max(len(d) for d in values.values())
        line = _field_line(field, values)
        if notes.get(field) and "_" not in notes[field] and set(values) == {"No"}:
            line = f"{notes[field][:1].upper()}{notes[field][1:]}, {_times(days)}"
        if from_notes[field]:
            line += " (read from your notes)"
        lines.append((-days, first_seen[field], line))
    return [line for _days, _seen, line in sorted(lines)]


@dataclass(frozen=True)
class EvidenceDay:
    date: str  # ISO day, "" for a fact of the injury with no day
    entry_id: str | None  # the entry to link to (the first of the day's that has one)
    lines: list[str]
    from_note: bool


def evidence_by_day(items: Sequence[Mapping[str, Any]]) -> list[EvidenceDay]:
    """The full evidence behind "Why", one row per day: that day's answers said once.

    A line the day already says in longer words (the same answer "for this injury")
    is left out, so nothing reads twice.
    """
    days: dict[str, dict[str, Any]] = {}
    for item in items:
        date = item.get("date") or ""
        day = days.setdefault(date, {"entry_id": None, "lines": [], "note": False})
        day["entry_id"] = day["entry_id"] or item.get("entry_id")
        day["note"] = day["note"] or item.get("source") == "note"
        line = labels.evidence_line(item)
        if line:
            day["lines"].append(line)
    result = []
    for date, day in sorted(days.items()):
        lines: list[str] = []
        for line in day["lines"]:
            if any(line in other for other in day["lines"] if other != line):
                continue  # a longer line of the day says it
            if line not in lines:
                lines.append(line)
        result.append(EvidenceDay(date, day["entry_id"], lines, day["note"]))
    return result


def _times(count: int) -> str:
    return {1: "once", 2: "twice"}.get(count, f"on {count} days")


def _field_line(field: str, values: Mapping[str, set[str]]) -> str:
    ranked = sorted(values.items(), key=lambda item: (-len(item[1]), item[0]))
    if field in kb.EPISODE_FIELDS:
        # A fact of the injury, not of a day: how often it was logged says nothing.
        said = labels.join_words(labels.in_sentence(v) for v, _d in ranked)
        return f"{labels.field_name(field)}: {said.lower()}"
    if field in BOOLEANS:
        value, days = ranked[0]
        name = labels.field_name(field)
        return (
            f"{name}, {_times(len(days))}" if value == "Yes" else f"{name}: no, {_times(len(days))}"
        )
    if field == "provoked_by":
        parts = [f"{labels.in_sentence(v).lower()} {_times(len(d))}" for v, d in ranked]
        return "Brought on by " + labels.join_words(parts)
    if field == "pain":
        return labels.join_words(f"Pain {v} {_times(len(d))}" for v, d in ranked)
    if field in ENUMS or field in LISTS:
        if field == "activity":
            # "Running on 7 days and cycling twice": the activity is the subject.
            parts = [
                f"{v if i == 0 else labels.in_sentence(v).lower()} {_times(len(d))}"
                for i, (v, d) in enumerate(ranked)
            ]
            return labels.join_words(parts)
        parts = [f"{v.lower()}, {_times(len(d))}" for v, d in ranked]
        return f"{labels.field_name(field)}: " + "; ".join(parts)
    return labels.join_words(f"{labels.field_name(field)}: {v}" for v, _d in ranked)
