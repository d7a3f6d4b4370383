"""The ``fossa-diary/1`` interchange format: its fields, their values and one validator.

Pure Python, no Flask: the model, the HTML form, the JSON API, the import and the
exports all read the field list from here, so the format has one definition.
See shared/design/diary-schema.md for the meaning of each field.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from webapp.diary import days
from webapp.validation import parse_int, text_problem

FORMAT = "fossa-diary/1"
NOTES_MAX = 2000

SIDES = {"left": "Left", "right": "Right", "both": "Both"}
LOCATIONS = {
    "center": "Centre of the hollow",
    "inner": "Inner side",
    "outer": "Outer side",
    "calf": "Down into the calf",
    "thigh": "Lower back of the thigh",
}
# The same places in a word each: the knee map's labels and one-line table cells.
LOCATIONS_SHORT = {
    "center": "Centre",
    "inner": "Inner",
    "outer": "Outer",
    "calf": "Calf",
    "thigh": "Thigh",
}
ACTIVITIES = {
    "running": "Running",
    "downhill_running": "Downhill running",
    "sprinting": "Sprinting",
    "cycling": "Cycling",
    "squats": "Squats",
    "jumping": "Jumping",
    "hiking": "Hiking",
    "walking": "Walking",
    "strength": "Strength training",
    "other": "Other",
    "none": "Rest day",
}
TIMINGS = {
    "during": "During exercise",
    "after": "After exercise",
    "next_day": "The next day",
    "at_rest": "At rest",
    "night": "At night",
}
SWELLINGS = {"none": "None", "mild": "Mild", "moderate": "Moderate", "severe": "Severe"}
ONSETS = {"gradual": "Gradually", "sudden": "Suddenly"}
MECHANISMS = {
    "none": "Nothing in particular",
    "direct_blow": "A blow to the front of the shin, knee bent",
    "hyperextension": "Knee forced straight past its limit",
    "twisting": "A twist",
    "forceful_push_off": "A forceful push-off or sprint",
}
PROVOKED_BY = {
    "resisted_flexion": "Bending the knee against resistance",
    "hamstring_stretch": "Stretching the hamstrings",
    "deep_flexion": "Deep squat or full bend",
    "full_extension": "Straightening fully",
    "twisting": "Twisting",
    "tiptoe": "Pointing the foot or rising on tiptoe",
}
LOAD_CHANGES = {
    "none": "As usual",
    "increase": "A bit more",
    "big_increase": "A sudden jump",
}

# Single-choice fields and their allowed values (dict order is display order).
ENUMS: dict[str, dict[str, str]] = {
    "side": SIDES,
    "activity": ACTIVITIES,
    "timing": TIMINGS,
    "swelling": SWELLINGS,
    "onset": ONSETS,
    "mechanism": MECHANISMS,
    "load_change": LOAD_CHANGES,
}
# Multiple-choice fields.
LISTS: dict[str, dict[str, str]] = {"locations": LOCATIONS, "provoked_by": PROVOKED_BY}
# Yes/no answers; absent means "not recorded", which is not "no".
BOOLEANS: dict[str, str] = {
    "numbness": "Numbness or tingling in the leg or foot",
    "weakness": "Weakness in the leg or foot",
    "clicking": "Clicking",
    "locking": "Locking",
    "giving_way": "Giving way",
    "lump": "A lump or fullness behind the knee",
    "tender_spot": "One small spot is tender to press",
    "popping": "A popping sound at the time of injury",
    "cramping": "Cramping in the calf or foot during exercise",
    "eases_with_rest": "Eases when I stop",
    "back_pain": "Low back pain, or pain running down from the back",
    "calf_swelling": "Calf or thigh swollen",
    "calf_redness": "Calf or thigh red",
    "calf_tenderness": "Calf or thigh tender to touch",
    "knee_redness_warmth": "Redness or warmth around the knee",
    "can_bear_weight": "I can stand and walk on the leg",
    "warm_up": "I warmed up first",
    "worn_footwear": "Worn-out or unsuitable shoes",
}

# Every field of an entry, in the order the schema lists them.
FIELD_ORDER: tuple[str, ...] = (
    "id",
    "date",
    "side",
    "pain",
    "locations",
    "activity",
    "timing",
    "swelling",
    "numbness",
    "weakness",
    "clicking",
    "locking",
    "giving_way",
    "lump",
    "tender_spot",
    "popping",
    "onset",
    "mechanism",
    "provoked_by",
    "cramping",
    "eases_with_rest",
    "back_pain",
    "calf_swelling",
    "calf_redness",
    "calf_tenderness",
    "knee_redness_warmth",
    "can_bear_weight",
    "load_change",
    "warm_up",
    "worn_footwear",
    "notes",
)
# What the person records (everything but the identity of the entry).
ANSWER_FIELDS: tuple[str, ...] = tuple(f for f in FIELD_ORDER if f not in {"id", "date"})

FIELD_LABELS: dict[str, str] = {
    "id": "Entry id",
    "date": "Date",
    "side": "Which knee",
    "pain": "Pain (0–10)",
    "locations": "Where behind the knee",
    "activity": "Activity",
    "timing": "When it hurt",
    "swelling": "Swelling",
    "onset": "How it began",
    "mechanism": "What happened",
    "provoked_by": "Brought on by",
    "load_change": "Training this week",
    "notes": "Notes",
    **BOOLEANS,
}

# How far ahead of the person's today a date may be (the bounds live in days.py).
MAX_DAYS_AHEAD = days.DAYS_AHEAD


def label(field: str, value: Any) -> str:
    """Human wording of one answer, for tables, reports and the history."""
    if value is None:
        return ""
    if field in ENUMS:
        return ENUMS[field].get(value, str(value))
    if field in LISTS:
        # One value of a list field (as the engine's evidence carries it) is one choice,
        # not a sequence of letters.
        values = [value] if isinstance(value, str) else value
        return ", ".join(LISTS[field].get(v, str(v)) for v in values)
    if field in BOOLEANS:
        return "Yes" if value else "No"
    return str(value)


@dataclass(frozen=True)
class ValidationResult:
    """A cleaned entry (only recorded fields) or the errors, keyed by field."""

    entry: dict[str, Any]
    errors: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not self.errors


def validate_entry(data: Any, *, today: dt.date) -> ValidationResult:
    """Check one entry against fossa-diary/1 and the product's rules.

    ``today`` is the person's own day: a date more than a day ahead is refused.
    Unknown fields are refused too, as the schema says (additionalProperties false).
    """
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if not isinstance(data, Mapping):
        return ValidationResult({}, {"entry": ["An entry must be a JSON object."]})

    for field in data:
        if field not in FIELD_ORDER:
            fail(str(field), "This is not a field of a diary entry.")

    raw_id = data.get("id")
    if raw_id is not None:
        try:
            clean["id"] = str(uuid.UUID(str(raw_id)))
        except ValueError:
            fail("id", "Must be a UUID.")

    raw_date = data.get("date")
    if raw_date is None or raw_date == "":
        fail("date", "Choose the day.")
    elif isinstance(raw_date, dt.date):
        clean["date"] = raw_date
    else:
        try:
            clean["date"] = dt.date.fromisoformat(str(raw_date))
        except ValueError:
            fail("date", "Use a date like 2026-11-25.")
    if "date" in clean and (why := days.out_of_bounds(clean["date"], today)):
        fail("date", why)
        del clean["date"]

    raw_pain = data.get("pain")
    if raw_pain is None or raw_pain == "":
        fail("pain", "Rate the pain from 0 to 10.")
    else:
        pain = parse_int(raw_pain)
        if pain is None:
            fail("pain", "Pain must be a whole number from 0 to 10.")
        elif not 0 <= pain <= 10:
            fail("pain", "Pain must be from 0 (none) to 10 (worst imaginable).")
        else:
            clean["pain"] = pain

    for field, choices in ENUMS.items():
        value = data.get(field)
        if value is None:
            continue
        if isinstance(value, str) and value in choices:
            clean[field] = value
        else:
            fail(field, f"Choose one of: {', '.join(choices.values())}.")

    for field, choices in LISTS.items():
        value = data.get(field)
        if value is None:
            continue
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            fail(field, "Must be a list of choices.")
        elif any(v not in choices for v in value):
            fail(field, f"Choose from: {', '.join(choices.values())}.")
        elif len(set(value)) != len(value):
            fail(field, "Each choice only once.")
        else:
            clean[field] = list(value)

    for field in BOOLEANS:
        value = data.get(field)
        if value is None:
            continue
        if isinstance(value, bool):
            clean[field] = value
        else:
            fail(field, "Answer yes or no.")

    notes = data.get("notes")
    if notes is not None:
        if not isinstance(notes, str):
            fail("notes", "Notes must be text.")
        elif text_problem(notes):
            fail("notes", text_problem(notes) or "")
        elif len(notes) > NOTES_MAX:
            fail("notes", f"Keep notes to {NOTES_MAX:,} characters (now {len(notes):,}).")
        elif notes.strip():
            clean["notes"] = notes

    return ValidationResult(clean if not errors else {}, errors)


def to_json_value(field: str, value: Any) -> Any:
    """The JSON form of one stored answer."""
    if field == "date" and isinstance(value, dt.date):
        return value.isoformat()
    if field in LISTS and value is not None:
        return list(value)
    return value


def diary_document(
    entries: list[dict[str, Any]], *, timezone: str | None, exported_at: dt.datetime
) -> dict[str, Any]:
    """Wrap entries (already in fossa-diary/1 form) in the diary envelope."""
    document: dict[str, Any] = {
        "format": FORMAT,
        "exported_at": exported_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if timezone:
        document["timezone"] = timezone
    document["entries"] = entries
    return document
