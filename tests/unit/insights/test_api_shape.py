"""The public API the web layer is built against: names, keys and JSON shape."""

from __future__ import annotations

import json

from tests.unit.insights.insights_support import TODAY, day
from webapp.insights import DISCLAIMER, URGENCY_WORDING, client_red_flag_rules, evaluate

EVIDENCE_KEYS = {"date", "entry_id", "field", "value", "note", "source", "quote"}
QUESTION_KEYS = {
    "code",
    "kind",
    "field",
    "fields",
    "question",
    "why",
    "options",
    "multiple",
    "scope",
    "entry_id",
    "date",
    "urgency",
    "separates",
    "passage",
}


def _busy_diary():
    return [
        day(3, pain=6, popping=True, onset="sudden", mechanism="hyperextension", warm_up=False),
        day(2, swelling="moderate", provoked_by=["deep_flexion"], lump=False),
        day(0, pain=4, calf_swelling=True),
    ]


def test_to_dict_has_exactly_the_agreed_keys_and_is_json():
    found = evaluate(iter(_busy_diary()), TODAY).to_dict()  # any iterable will do
    assert set(found) == {
        "today",
        "urgency",
        "urgency_text",
        "red_flags",
        "causes",
        "factors",
        "advice",
        "next_questions",
        "enough_to_go_on",
        "disclaimer",
        "entries_considered",
    }
    assert json.loads(json.dumps(found)) == found
    assert found["today"] == TODAY.isoformat()
    assert found["entries_considered"] == 3
    assert found["disclaimer"] == DISCLAIMER
    assert found["urgency_text"] == URGENCY_WORDING[found["urgency"]]
    for flag in found["red_flags"]:
        assert set(flag) == {"code", "urgency", "title", "advice", "passage", "evidence"}
        assert all(set(e) == EVIDENCE_KEYS for e in flag["evidence"])
    for cause in found["causes"]:
        assert set(cause) == {
            "code",
            "name",
            "score",
            "confidence",
            "evidence_for",
            "evidence_against",
            "passage",
        }
        assert isinstance(cause["score"], float)
        assert all(set(e) == EVIDENCE_KEYS for e in cause["evidence_for"])
        assert all(set(e) == EVIDENCE_KEYS for e in cause["evidence_against"])
    for factor in found["factors"]:
        assert set(factor) == {"code", "name", "evidence", "passage"}
    for item in found["advice"]:
        assert set(item) == {"code", "text", "passage", "because"}
    for question in found["next_questions"]:
        assert set(question) == QUESTION_KEYS


def test_findings_expose_the_same_as_attributes():
    findings = evaluate(_busy_diary(), TODAY)
    assert findings.urgency == findings.to_dict()["urgency"] == "see_professional"
    assert [f.code for f in findings.red_flags] == [
        f["code"] for f in findings.to_dict()["red_flags"]
    ]
    assert findings.red_flags[0].evidence[0].date


def test_client_rules_have_the_agreed_keys():
    for rule in client_red_flag_rules():
        assert {"code", "urgency", "title", "advice", "when"} <= set(rule)


def test_a_datetime_for_today_is_read_as_its_day():
    import datetime as dt

    moment = dt.datetime.combine(TODAY, dt.time(23, 59))
    assert evaluate(_busy_diary(), moment).to_dict() == evaluate(_busy_diary(), TODAY).to_dict()
