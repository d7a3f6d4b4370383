"""`flask insights explain`: diary files and vignette files, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

VIGNETTES = Path(__file__).resolve().parents[3] / "shared" / "vignettes" / "public.json"

DIARY = {
    "format": "fossa-diary/1",
    "entries": [
        {
            "id": "0b6f9a52-3a0e-4a55-9d55-3e8f0f6a2a10",
            "date": "2026-03-12",
            "pain": 3,
            "calf_swelling": True,
            "calf_redness": True,
        },
        {"id": "6c1d0e0e-6a4b-4f7e-9d0e-2f1a4b5c6d7e", "date": "2026-03-11", "pain": 14},
    ],
}


@pytest.fixture
def vignettes() -> dict:
    if not VIGNETTES.exists():
        pytest.fail(f"shared vignettes not found at {VIGNETTES}")
    return json.loads(VIGNETTES.read_text())


def write(tmp_path: Path, document: object) -> str:
    path = tmp_path / "diary.json"
    path.write_text(json.dumps(document))
    return str(path)


def test_a_diary_file_as_text(runner, tmp_path):
    result = runner.invoke(
        args=["insights", "explain", write(tmp_path, DIARY), "--today", "2026-03-12"]
    )
    assert result.exit_code == 0, result.output
    assert "Urgency: emergency" in result.output
    assert "RED FLAG dvt_suspected" in result.output
    assert "2026-03-12 calf_swelling True" in result.output
    assert "skipped entry 2 (pain:" in result.output  # invalid entries are named, not judged


def test_a_diary_file_as_json(runner, tmp_path):
    args = ["insights", "explain", write(tmp_path, DIARY), "--today", "2026-03-12", "--json"]
    result = runner.invoke(args=args)
    findings = json.loads(result.stdout)
    assert findings["urgency"] == "emergency"
    assert findings["today"] == "2026-03-12"
    assert findings["entries_considered"] == 1


def test_each_vignette_is_judged_on_its_own_day(runner, vignettes):
    result = runner.invoke(args=["insights", "explain", str(VIGNETTES), "--json"])
    assert result.exit_code == 0, result.stderr
    judged = json.loads(result.stdout)
    assert len(judged) == len(vignettes["vignettes"])
    for case, outcome in zip(vignettes["vignettes"], judged, strict=True):
        assert outcome["name"].startswith(case["id"])
        assert outcome["findings"]["today"] == case["today"]
        assert outcome["findings"]["urgency"] == case["expect"]["urgency"], case["id"]


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "is not a JSON file"), ('{"what": 1}', "Expected a fossa-diary/1 document")],
)
def test_a_file_it_cannot_read_is_a_clear_error(runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(args=["insights", "explain", str(path)])
    assert result.exit_code == 1
    assert message in result.output
