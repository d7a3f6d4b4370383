"""Fossa's own vignettes (tests/vignettes/own.json), scored as the public ones are."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from webapp.insights import evaluate

OWN = Path(__file__).resolve().parents[2] / "vignettes" / "own.json"
VIGNETTES = json.loads(OWN.read_text(encoding="utf-8"))["vignettes"]


def _entries(vignette):
    # "truth" is what the person would answer if asked; the diary itself holds the rest.
    return [{k: v for k, v in e.items() if k != "truth"} for e in vignette["entries"]]


def test_there_are_forty_or_more_in_peoples_own_words():
    assert len(VIGNETTES) >= 40
    with_notes = [v for v in VIGNETTES if any(e.get("notes") for e in v["entries"])]
    assert len(with_notes) >= 35
    assert len({v["id"] for v in VIGNETTES}) == len(VIGNETTES)


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_own_vignette_structured(vignette):
    expect = vignette["expect"]
    findings = evaluate(_entries(vignette), dt.date.fromisoformat(vignette["today"]))
    top3 = [cause.code for cause in findings.causes[:3]]
    assert findings.urgency == expect["urgency"]
    assert sorted(flag.code for flag in findings.red_flags) == sorted(expect["red_flags"])
    for code in expect["top_causes"]:
        assert code in top3, f"{code} not in top 3 {top3}"
    for code in expect["not_causes"]:
        assert code not in top3, f"{code} in top 3 {top3}"
    assert set(expect["factors"]) <= {factor.code for factor in findings.factors}
