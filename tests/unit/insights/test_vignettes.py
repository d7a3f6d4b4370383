"""The public vignettes of shared/vignettes/public.json, each one a test."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.unit.insights.insights_support import load_vignettes, shared_file
from webapp.insights import evaluate

VIGNETTES = load_vignettes()


def test_vignettes_are_there():
    shared_file("vignettes", "public.json")
    assert len(VIGNETTES) >= 30


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(vignette):
    expect = vignette["expect"]
    findings = evaluate(vignette["entries"], dt.date.fromisoformat(vignette["today"]))
    top3 = [cause.code for cause in findings.causes[:3]]

    assert findings.urgency == expect["urgency"]
    # The list is exact: an empty list means no flag may be raised.
    assert sorted(flag.code for flag in findings.red_flags) == sorted(expect["red_flags"])
    for code in expect["top_causes"]:
        assert code in top3, f"{code} not in top 3 {top3}"
    for code in expect["not_causes"]:
        assert code not in top3, f"{code} in top 3 {top3}"
    assert set(expect["factors"]) <= {factor.code for factor in findings.factors}
