"""The browser's notes reader gives exactly what the server's does, in real Chromium.

static/js/note-signs.js and the phrase tables (as client_note_phrases() hands them to
the page) are loaded into a page and into a Worker; every case of
tests/data/note_phrases.json is read there and must give exactly its signs, the same
signs and quotes as webapp/insights/notes.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from webapp.insights import client_note_phrases
from webapp.insights.notes import read_note

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "note-signs.js"
CASES = json.loads((ROOT / "tests" / "data" / "note_phrases.json").read_text(encoding="utf-8"))[
    "cases"
]

READ_ALL = """([cases, tables]) => cases.map(c =>
  self.FossaNotes.read(c.text, tables[c.lang]).map(s => [s.field, s.value, s.quote]))"""


def _tables() -> dict:
    return {lang: client_note_phrases(lang) for lang in sorted({c["lang"] for c in CASES})}


def _python_reading() -> list:
    return [
        [[s["field"], s["value"], s["quote"]] for s in read_note(c["text"], c["lang"])]
        for c in CASES
    ]


def test_every_phrase_case_reads_the_same_in_the_page(page):
    page.set_content("<!doctype html><title>notes</title>")
    page.add_script_tag(path=str(SCRIPT))
    got = page.evaluate(READ_ALL, [CASES, _tables()])
    wrong = [
        (case["text"], found, case["signs"])
        for case, found in zip(CASES, got, strict=True)
        if sorted([f, v] for f, v, _q in found) != sorted(case["signs"])
    ]
    assert not wrong, wrong[:10]
    assert got == _python_reading(), "the browser and the server must read a note alike"


def test_the_reader_runs_in_a_worker(page):
    page.set_content("<!doctype html><title>notes</title>")
    source = SCRIPT.read_text(encoding="utf-8")
    got = page.evaluate(
        """async ([source, cases, tables]) => {
          const body = source + `
            self.onmessage = (e) => {
              const [cases, tables] = e.data;
              self.postMessage(cases.map(c => self.FossaNotes.read(c.text, tables[c.lang])
                .map(s => [s.field, s.value, s.quote])));
            };`;
          const url = URL.createObjectURL(new Blob([body], {type: "text/javascript"}));
          const worker = new Worker(url);
          const answer = new Promise(resolve => { worker.onmessage = (e) => resolve(e.data); });
          worker.postMessage([cases, tables]);
          return await answer;
        }""",
        [source, CASES, _tables()],
    )
    assert got == _python_reading()


def test_with_signs_merges_a_note_as_the_server_does(page):
    page.set_content("<!doctype html><title>notes</title>")
    page.add_script_tag(path=str(SCRIPT))
    table = client_note_phrases("en")
    merged = page.evaluate(
        """([table]) => [
          self.FossaNotes.withSigns({pain: 8, calf_redness: false}, "calf red and swollen", table),
          self.FossaNotes.withSigns({pain: 8, calf_swelling: true}, "it came on gradually", table),
          self.FossaNotes.withSigns({provoked_by: ["tiptoe"]}, "deep squats hurt", table),
          self.FossaNotes.withSigns({}, "deep squats hurt, hurts on hamstring curls", table),
        ]""",
        [table],
    )
    assert merged[0] == {"pain": 8, "calf_redness": False, "calf_swelling": True}  # the no wins
    assert merged[1] == {"pain": 8, "calf_swelling": True}  # a note never fills onset
    assert merged[2] == {"provoked_by": ["tiptoe"]}  # a recorded list is the whole answer
    assert sorted(merged[3]["provoked_by"]) == ["deep_flexion", "resisted_flexion"]
