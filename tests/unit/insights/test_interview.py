"""The quick-log interview (shared/tools/interview.py) over the public and our own vignettes.

A simulated person logs only the quick fields and notes, then answers what Fossa asks.
Its exit criteria must hold: every red flag and emergency found, nobody under-triaged,
no false emergency, urgency exact in >= 90 %, cause in the top 3 in >= 90 %, at most 4
questions per case on average.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from tests.unit.insights.insights_support import SHARED, shared_file

ROOT = Path(__file__).resolve().parents[3]
OWN = ROOT / "tests" / "vignettes" / "own.json"


@pytest.fixture(scope="module")
def interview():
    path = shared_file("tools", "interview.py")
    spec = importlib.util.spec_from_file_location("fossa_interview", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cases(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["vignettes"]


# interview.py opens the vignette files without closing them: not ours to change.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("name", ["public", "own", "both"])
def test_the_interview_meets_its_exit_criteria(interview, capsys, name):
    public = str(shared_file("vignettes", "public.json"))
    paths = {"public": [public], "own": [str(OWN)], "both": [public, str(OWN)]}[name]
    code = interview.main(paths, verbose=False)
    printed = capsys.readouterr().out
    assert code == 0, printed


def test_every_emergency_is_found_and_none_is_made_up(interview):
    cases = _cases(SHARED / "vignettes" / "public.json") + _cases(OWN)
    for case in cases:
        _first, last, asked = interview.interview(case)
        expected = case["expect"]["urgency"]
        assert (interview.urgency_of(last) == "emergency") == (expected == "emergency"), case["id"]
        assert len(asked) <= interview.ROUNDS * interview.QUESTIONS_PER_ROUND


def test_a_note_alone_raises_the_emergency_before_any_question(interview):
    case = next(c for c in _cases(OWN) if c["id"] == "own-01-dvt-note-red-warm-swollen")
    first, _last, _asked = interview.interview(case)
    assert interview.urgency_of(first) == "emergency"
    (flag,) = [f for f in first.red_flags if f.code == "dvt_suspected"]
    assert any(
        e.source == "note" and e.note.startswith("from your note of 5 March: '")
        for e in flag.evidence
    )
