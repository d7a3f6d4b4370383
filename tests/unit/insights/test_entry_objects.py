"""The engine reads the project's Entry objects as it reads diary dicts."""

from __future__ import annotations

import datetime as dt

from webapp.insights import evaluate
from webapp.models import Entry


def test_unsaved_entry_objects_are_read_through_to_diary():
    entries = []
    for answers in (
        {"date": dt.date(2026, 5, 1), "pain": 3, "calf_swelling": True},
        {"date": dt.date(2026, 5, 2), "pain": 4, "calf_swelling": True, "calf_redness": True},
    ):
        entry = Entry(id=f"id-{answers['date']}")
        entry.apply(answers)
        entries.append(entry)
    findings = evaluate(entries, dt.date(2026, 5, 2))
    assert findings.urgency == "emergency"
    assert findings.red_flags[0].evidence[0].entry_id == "id-2026-05-02"


DIARY = [
    {
        "id": "6f1c2a7e-0000-4000-8000-000000000001",
        "date": "2026-04-28",
        "pain": 4,
        "side": "left",
        "locations": ["center", "inner"],
        "activity": "squats",
        "onset": "sudden",
        "mechanism": "twisting",
        "lump": True,
        "clicking": True,
        "swelling": "mild",
        "warm_up": False,
        "notes": "stood up from a deep squat",
    },
    {
        "id": "6f1c2a7e-0000-4000-8000-000000000002",
        "date": "2026-04-30",
        "pain": 3,
        "provoked_by": ["deep_flexion", "full_extension"],
        "lump": True,
        "can_bear_weight": True,
    },
]


def test_stored_entries_give_the_same_findings_as_their_dicts(user, entry_factory):
    stored = [entry_factory(user, **dict(e)) for e in DIARY]
    today = dt.date(2026, 4, 30)
    from_objects = evaluate(stored, today).to_dict()
    assert from_objects == evaluate(DIARY, today).to_dict()
    assert from_objects["causes"][0]["evidence_for"][0]["entry_id"] == DIARY[0]["id"]
    assert {f["code"] for f in from_objects["factors"]} == {"no_warm_up"}
