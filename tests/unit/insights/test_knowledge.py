"""The knowledge tables: complete, faithful to the article, and pure Python."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.insights.insights_support import shared_file
from webapp.diary.format import FIELD_ORDER
from webapp.insights import client_red_flag_rules, knowledge
from webapp.insights.conditions import compile_condition, fields_of

ROOT = Path(__file__).resolve().parents[3]

SCHEMA_CAUSES = {
    "distal_hamstring_tendinopathy",
    "hamstring_strain",
    "gastrocnemius_strain",
    "bakers_cyst",
    "popliteus_tendinopathy",
    "posterior_meniscus_injury",
    "pcl_sprain",
    "lumbar_radiculopathy",
    "paes",
    "bursitis",
}
SCHEMA_FLAGS = {
    "dvt_suspected": "emergency",
    "severe_pain_no_weight_bearing": "see_professional",
    "swelling_redness_warmth": "see_professional",
    "neuro_symptoms": "see_professional",
    "popping_injury": "see_professional",
    "persistent_pain": "see_professional",
}
SCHEMA_FACTORS = {"load_spike", "no_warm_up", "worn_footwear", "no_recovery"}
ARTICLE_ADVICE = {
    "rice",
    "gradual_progression",
    "warm_up_cool_down",
    "form_technique",
    "hamstring_flexibility",
    "eccentric_hamstring_strengthening",
    "gluteal_strengthening",
    "core_stability",
    "calf_stretching_strengthening",
    "footwear",
    "cross_training",
}


def _article() -> str:
    text = shared_file("knowledge", "posterior-knee-pain-article.txt").read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", text)


def _all_items():
    for group in ("CAUSES", "RED_FLAGS", "FACTORS", "ADVICE", "SAFETY_SCREENS"):
        for item in getattr(knowledge, group):
            yield group, item


def test_codes_are_the_schemas():
    assert {c["code"] for c in knowledge.CAUSES} == SCHEMA_CAUSES
    assert {f["code"]: f["urgency"] for f in knowledge.RED_FLAGS} == SCHEMA_FLAGS
    assert {f["code"] for f in knowledge.FACTORS} == SCHEMA_FACTORS
    assert {a["code"] for a in knowledge.ADVICE} == ARTICLE_ADVICE


@pytest.mark.parametrize(("group", "item"), list(_all_items()), ids=lambda x: str(x)[:40])
def test_every_passage_is_quoted_verbatim_from_the_article(group, item):
    passage = re.sub(r"\s+", " ", item["passage"])
    assert len(passage) > 20
    assert passage in _article(), f"{group} {item['code']}: passage not in the article"


def test_every_condition_names_real_fields_and_compiles():
    conditions = []
    for flag in knowledge.RED_FLAGS:
        trigger = flag["trigger"]
        conditions += [trigger[k] for k in ("when", "first", "then") if k in trigger]
    for cause in knowledge.CAUSES:
        for sign in cause["signs"]:
            conditions += [sign[k] for k in ("when", "against") if k in sign]
    conditions += [f["when"] for f in knowledge.FACTORS]
    conditions += [a["when"]["entries"] for a in knowledge.ADVICE if "entries" in a["when"]]
    conditions += [screen["when"] for screen in knowledge.SAFETY_SCREENS]
    # Episode facts are read too (prior_injury lives with the episode, not an entry).
    known = set(FIELD_ORDER) | set(knowledge.EPISODE_FIELDS)
    for condition in conditions:
        assert fields_of(condition) <= known, condition
        compile_condition(condition)


def test_every_question_is_about_a_field_a_cause_reads():
    read = set()
    for cause in knowledge.CAUSES:
        for sign in cause["signs"]:
            for key in ("when", "against"):
                if key in sign:
                    read |= fields_of(sign[key])
    assert set(knowledge.QUESTIONS) <= read


def test_importing_the_engine_pulls_in_no_flask_or_sqlalchemy():
    code = (
        "import sys, json, webapp.insights;"
        "print(json.dumps(sorted(m for m in sys.modules"
        " if m.split('.')[0] in {'flask', 'flask_login', 'flask_wtf', 'flask_sqlalchemy',"
        " 'flask_migrate', 'sqlalchemy', 'werkzeug', 'jinja2'})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []


def test_client_rules_cover_every_one_day_flag_and_are_json():
    rules = client_red_flag_rules()
    assert [r["code"] for r in rules][0] == "dvt_suspected"
    assert {r["code"] for r in rules} == set(SCHEMA_FLAGS) - {"persistent_pain"}
    assert json.loads(json.dumps(rules)) == rules
    for rule in rules:
        assert set(rule) >= {"code", "urgency", "title", "advice", "when"}
        compile_condition(rule["when"])


def test_client_rules_come_from_the_knowledge_data():
    dvt = next(r for r in client_red_flag_rules() if r["code"] == "dvt_suspected")
    flag = next(f for f in knowledge.RED_FLAGS if f["code"] == "dvt_suspected")
    assert dvt["when"] == flag["trigger"]["when"]
    assert dvt["advice"] == flag["advice"]
    assert dvt["advice"].startswith("Seek emergency care now")
    # A copy: a caller editing it cannot change the engine's knowledge.
    dvt["when"]["any"].clear()
    assert flag["trigger"]["when"]["any"]


@pytest.mark.parametrize(
    ("answers", "fires"),
    [
        ({"calf_swelling": True, "calf_redness": True}, True),
        ({"calf_tenderness": True, "pain": 7}, True),
        ({"calf_tenderness": True, "pain": 7, "onset": "gradual"}, False),
        ({"calf_tenderness": True, "pain": 6}, False),
        ({"calf_swelling": True}, False),
        ({"popping": True, "swelling": "mild"}, True),
        ({"popping": True, "swelling": "none"}, False),
        ({"pain": 8}, True),
        ({"can_bear_weight": False, "pain": 2}, True),
        ({"numbness": True, "pain": 1}, True),
        ({"pain": 3, "numbness": False, "swelling": "mild"}, False),
    ],
)
def test_client_rules_judge_one_entry_like_the_engine(answers, fires):
    judged = [compile_condition(r["when"])(answers)[0] for r in client_red_flag_rules()]
    assert any(judged) is fires


def test_disclaimer_never_claims_a_diagnosis_and_points_to_a_professional():
    text = knowledge.DISCLAIMER.lower()
    assert "not a diagnosis" in text
    assert "professional" in text


@pytest.mark.parametrize(
    ("condition", "entry", "expected"),
    [
        ({"field": "lump", "is": True}, {}, None),
        ({"field": "lump", "is": True}, {"lump": False}, False),
        ({"field": "pain", "is": 1}, {"pain": True}, False),
        ({"field": "pain", "at_least": 7}, {"pain": "9"}, None),
        ({"field": "locations", "has": "calf"}, {"locations": "calf-ish"}, None),
        ({"field": "onset", "not_recorded_as": "gradual"}, {}, True),
        ({"field": "onset", "not_recorded_as": "gradual"}, {"onset": "gradual"}, False),
        ({"all": [{"field": "a", "is": True}, {"field": "b", "is": True}]}, {"a": True}, None),
        ({"all": [{"field": "a", "is": True}, {"field": "b", "is": True}]}, {"b": False}, False),
        ({"any": [{"field": "a", "is": True}, {"field": "b", "is": True}]}, {"a": False}, None),
        ({"any": [{"field": "a", "is": True}, {"field": "b", "is": True}]}, {"b": True}, True),
        ({"count_of": ["a", "b", "c"], "is": True, "at_least": 2}, {"a": True}, None),
        (
            {"count_of": ["a", "b", "c"], "is": True, "at_least": 2},
            {"a": True, "b": False, "c": False},
            False,
        ),
        ({"count_of": ["a", "b", "c"], "is": True, "at_least": 2}, {"a": True, "c": True}, True),
    ],
)
def test_conditions_are_three_valued(condition, entry, expected):
    assert compile_condition(condition)(entry)[0] is expected


def test_a_malformed_condition_is_refused():
    with pytest.raises(ValueError):
        compile_condition({"field": "pain", "is": 1, "at_least": 2})
    with pytest.raises(ValueError):
        compile_condition({"neither": []})
