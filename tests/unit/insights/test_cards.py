"""The cards of /insights: urgency said once, causes in plain words, evidence summarised."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings

from tests.unit.insights.insights_support import shared_file
from tests.unit.insights.test_properties import TODAY, entries
from webapp.insights import URGENCY_ORDER, evaluate
from webapp.insights import knowledge as kb
from webapp.insights.cards import cause_cards, evidence_by_day, summarise_evidence, urgency_card


def _article() -> str:
    text = shared_file("knowledge", "posterior-knee-pain-article.txt").read_text(encoding="utf-8")
    return " ".join(text.split())


def test_every_urgency_says_what_to_do_with_a_passage_of_the_article():
    article = _article()
    for level in URGENCY_ORDER:
        wording = kb.URGENCY_WHEN[level]
        assert wording["do"]
        assert " ".join(wording["passage"].split()) in article, level


def test_no_deadline_is_invented():
    # The article's only time frame is the DVT line's "medical emergency": now.
    for level, wording in kb.URGENCY_WHEN.items():
        said = wording["do"] + " " + wording["when"]
        assert not re.search(r"\d|hours?|days?|weeks?|within", said), level
    assert kb.URGENCY_WHEN["emergency"]["when"].startswith("Now")


def test_the_top_card_holds_every_red_flag_once():
    diary = [
        {"date": TODAY.isoformat(), "pain": 8, "calf_swelling": True, "calf_redness": True},
        {"date": TODAY.isoformat(), "pain": 4, "numbness": True},
    ]
    findings = evaluate(diary, TODAY).to_dict()
    card = urgency_card(findings)
    assert card.urgency == "emergency" and card.headline == "Seek emergency care now"
    assert [f["code"] for f in card.reasons] == ["dvt_suspected"]
    shown = {f["code"] for f in card.reasons + card.also}
    assert shown == {f["code"] for f in findings["red_flags"]}


def test_evidence_is_summarised_by_answer_and_days():
    def item(back, field, value, source="answer"):
        day = (TODAY - dt.timedelta(days=back)).isoformat()
        return {"date": day, "field": field, "value": value, "note": "x", "source": source}

    lines = summarise_evidence(
        [
            item(1, "activity", "running"),
            item(2, "activity", "running"),
            item(3, "activity", "cycling"),
            item(4, "activity", "running"),
            item(1, "provoked_by", "hamstring_stretch"),
            item(5, "provoked_by", "hamstring_stretch"),
            item(5, "onset", "gradual"),
            item(9, "onset", "gradual"),
            item(2, "tender_spot", True, source="note"),
        ]
    )
    assert lines == [
        "Running on 3 days and cycling once",
        "Brought on by stretching the hamstrings twice",
        "How it began: gradually",
        "One small spot is tender to press, once (read from your notes)",
    ]


@settings(max_examples=150, deadline=None)
@given(entries())
def test_likely_and_not_enough_never_meet(diary):
    findings = evaluate(diary, TODAY).to_dict()
    cards = cause_cards(findings)
    leading = [c for c in cards if c.leading]
    if findings["enough_to_go_on"]:
        assert [c.code for c in leading] == [cards[0].code]
    else:
        assert leading == []
    for card in cards:
        assert card.title and card.title != card.medical_name
        assert "likely" not in card.fit.lower()
        for line in card.summary_for + card.summary_against:
            assert line and "[" not in line and "_" not in line and "None" not in line


def test_the_full_evidence_reads_one_row_per_day_each_answer_once():
    day = TODAY.isoformat()
    earlier = (TODAY - dt.timedelta(days=2)).isoformat()
    rows = evidence_by_day(
        [
            {"date": day, "entry_id": "b", "field": "activity", "value": "running", "note": ""},
            {"date": earlier, "entry_id": "a", "field": "onset", "value": "gradual", "note": ""},
            {
                "date": earlier,
                "entry_id": None,
                "field": "onset",
                "value": "gradual",
                "note": "began gradually (your answer for this injury)",
            },
            {"date": day, "entry_id": "b", "field": "locations", "value": ["thigh"], "note": ""},
        ]
    )
    assert [(r.date, r.entry_id) for r in rows] == [(earlier, "a"), (day, "b")]
    assert rows[0].lines == [
        "How it began: Gradually · began gradually (your answer for this injury)"
    ]
    assert rows[1].lines == ["Activity: Running", "Where behind the knee: Lower back of the thigh"]


def test_a_recorded_no_reads_in_the_engines_words():
    item = {"date": TODAY.isoformat(), "field": "warm_up", "value": False}
    assert summarise_evidence([{**item, "note": "no warm-up before exercising"}]) == [
        "No warm-up before exercising, once"
    ]
    mixed = [
        {**item, "note": "no warm-up before exercising"},
        {**item, "date": "2026-06-01", "value": True, "note": "warmed up"},
    ]
    assert summarise_evidence(mixed) == ["I warmed up first: no, once"]
