"""The notes reader: people's own words, negation, other body parts, history, typos."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from webapp.diary.format import BOOLEANS, ENUMS, FIELD_ORDER, LISTS
from webapp.insights import EPISODE_FIELDS, client_note_phrases
from webapp.insights.notes import LANGUAGES, read_note, within_one_edit

ROOT = Path(__file__).resolve().parents[3]
CASES = json.loads((ROOT / "tests" / "data" / "note_phrases.json").read_text(encoding="utf-8"))[
    "cases"
]


def _signs(text: str, lang: str = "en") -> list[list]:
    return sorted([s["field"], s["value"]] for s in read_note(text, lang))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['lang']}-{c['kind']}-{c['text'][:40]}")
def test_each_case_reads_exactly_its_signs(case):
    assert _signs(case["text"], case["lang"]) == sorted(case["signs"])


def test_the_case_table_is_big_and_varied():
    kinds = Counter(c["kind"] for c in CASES)
    assert len(CASES) >= 200
    for kind in ("positive", "negated", "unrelated", "typo", "history", "hypothetical", "mixed"):
        assert kinds[kind] >= 5, kind
    assert {c["lang"] for c in CASES} == set(LANGUAGES) == {"de", "en"}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_sign_of_the_table_is_a_real_field_and_value(lang):
    table = client_note_phrases(lang)
    assert table["lang"] == lang
    for sign in table["signs"]:
        field, value = sign["field"], sign["value"]
        assert field in FIELD_ORDER or field in EPISODE_FIELDS, field
        if field in ENUMS:
            assert value in ENUMS[field]
        elif field in LISTS:
            assert value in LISTS[field]
        else:
            assert isinstance(value, bool) and (field in BOOLEANS or field in EPISODE_FIELDS)
        assert set(sign.get("sites") or []) <= set(table["sites"])
        assert sign["phrases"]
    json.dumps(table)  # the browser gets it as JSON


def test_the_quote_is_the_persons_own_words():
    (sign, *_rest) = read_note("Went out early. R CALF swolen & red 2day!! then home")
    assert sign["quote"] == "R CALF swolen & red 2day"


def test_only_affirmed_signs_come_back():
    assert read_note("calf not swollen; no pop; didn't twist it; no numbness") == []
    assert _signs("no numbness but pins and needles in my toes") == [["numbness", True]]


def test_a_sign_is_given_once_with_its_first_words():
    signs = read_note("calf swollen. Later the calf got more swollen")
    assert [(s["field"], s["quote"]) for s in signs] == [("calf_swelling", "calf swollen")]


@pytest.mark.parametrize("junk", [None, "", "   ", 42, "!!!", "\n\n", "-", "🙂🙂", "a" * 5000])
def test_odd_notes_read_as_nothing(junk):
    assert read_note(junk) == []


def test_unknown_language_is_refused():
    with pytest.raises(ValueError):
        read_note("calf swollen", "xx")


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        ("swollen", "swolen", True),
        ("swollen", "swollne", True),
        ("swollen", "swallen", True),
        ("swollen", "swollenn", True),
        ("swollen", "sollen", True),
        ("swollen", "swell", False),
        ("tingling", "tinglign", True),
        ("tingling", "tnigling", True),
        ("abc", "cba", False),
    ],
)
def test_one_typing_slip(a, b, close):
    assert within_one_edit(a, b) is close
    assert within_one_edit(b, a) is close
