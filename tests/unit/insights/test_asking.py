"""What Fossa asks: safety first, notes confirmed, causes separated, factors last."""

from __future__ import annotations

import re

import pytest

from tests.unit.insights.insights_support import TODAY, day, shared_file
from webapp.insights import client_safety_screens, evaluate, knowledge

CALF = ["calf_swelling", "calf_redness", "calf_tenderness"]
KINDS = ["safety", "confirm_note", "separate", "factor"]


def codes(findings) -> list[str]:
    return [q.code for q in findings.next_questions]


def flags(findings) -> set[str]:
    return {f.code for f in findings.red_flags}


def test_tapping_the_calf_asks_the_calf_signs_first_as_one_tap_group():
    entry = day(0, pain=3, locations=["calf"])
    (first, *_rest) = evaluate([entry], TODAY).next_questions
    assert first.code == "safety:dvt_calf_signs" and first.kind == "safety"
    assert first.fields == CALF and first.field is None and first.multiple
    assert first.question == "Is your calf or thigh swollen, red or tender to touch?"
    assert first.urgency == "emergency" and "blood clot" in first.why
    assert (first.scope, first.entry_id, first.date) == ("entry", entry["id"], entry["date"])
    assert [o["label"] for o in first.options] == [
        "Swollen",
        "Red",
        "Tender to touch",
        "None of these",
    ]
    assert first.options[-1]["set"] == dict.fromkeys(CALF, False)


def test_no_is_an_answer_and_is_not_asked_again():
    calm = day(0, pain=3, locations=["calf"], **dict.fromkeys(CALF, False))
    assert "safety:dvt_calf_signs" not in codes(evaluate([calm], TODAY))
    # A new day that taps the calf again is asked about that day.
    later = day(0, pain=3, locations=["calf", "center"])
    asked = evaluate([{**calm, "date": "2026-06-29"}, later], TODAY).next_questions
    (screen,) = [q for q in asked if q.code == "safety:dvt_calf_signs"]
    assert screen.entry_id == later["id"]


def test_one_field_left_of_a_group_is_asked_on_its_own():
    entry = day(0, pain=3, locations=["calf"], calf_swelling=False, calf_redness=False)
    (screen,) = [q for q in evaluate([entry], TODAY).next_questions if q.kind == "safety"][:1]
    assert screen.fields == ["calf_tenderness"] and screen.field == "calf_tenderness"
    assert screen.question == "Is your calf or thigh tender to touch?"
    assert [o["set"] for o in screen.options] == [
        {"calf_tenderness": True},
        {"calf_tenderness": False},
    ]


@pytest.mark.parametrize(
    ("answers", "screen"),
    [
        ({"pain": 7}, "safety:dvt_calf_signs"),
        ({"pain": 4, "locations": ["thigh"]}, "safety:dvt_calf_signs"),
        ({"pain": 3, "timing": "night"}, "safety:dvt_calf_signs"),
        ({"pain": 7}, "safety:weight_bearing"),
        ({"pain": 3, "swelling": "mild"}, "safety:knee_redness_warmth"),
        ({"pain": 3, "locations": ["calf"], "numbness": False}, "safety:neuro"),
        ({"pain": 3, "back_pain": True}, "safety:neuro"),
        ({"pain": 4, "onset": "sudden"}, "safety:popping"),
    ],
)
def test_each_safety_screen_applies_when_its_cue_is_logged(answers, screen):
    assert screen in codes(evaluate([day(0, **answers)], TODAY))


CALM_CALF = {"calf_swelling": False, "calf_redness": False, "calf_tenderness": False}


def test_a_sudden_worsening_asks_about_the_calf():
    # The calf was answered for the episode's first day, so only the rise asks again.
    diary = [day(2, pain=2, activity="running", **CALM_CALF), day(0, pain=6, activity="running")]
    assert "safety:dvt_calf_signs" in codes(evaluate(diary, TODAY))
    # A pain-free rest day before a run is no worsening.
    diary = [
        day(2, pain=5, activity="running", **CALM_CALF),
        day(1, pain=0),
        day(0, pain=5, activity="running"),
    ]
    assert "safety:dvt_calf_signs" not in codes(evaluate(diary, TODAY))


def test_swelling_later_in_the_episode_asks_about_the_calf_again():
    diary = [day(7, pain=3, **CALM_CALF), day(0, pain=3, swelling="mild")]
    (calf,) = [
        q for q in evaluate(diary, TODAY).next_questions if q.code == "safety:dvt_calf_signs"
    ]
    assert calf.entry_id == diary[-1]["id"]
    diary[-1]["swelling"] = "none"
    assert "safety:dvt_calf_signs" not in codes(evaluate(diary, TODAY))


def test_the_calf_is_asked_once_an_episode_when_nothing_points_at_the_leg():
    # A DVT can hide behind a quick log of "pain 4, centre, running": an emergency is
    # the worst thing to miss, so the episode's first painful day asks once.
    quick = {"pain": 4, "locations": ["center"], "activity": "running", "swelling": "none"}
    quick |= {"numbness": False, "weakness": False}
    diary = [day(1, **quick)]
    (calf,) = [q for q in evaluate(diary, TODAY).next_questions if q.kind == "safety"]
    assert calf.code == "safety:dvt_calf_signs" and calf.entry_id == diary[0]["id"]
    diary[0].update(CALM_CALF)
    assert not [q for q in evaluate(diary, TODAY).next_questions if q.kind == "safety"]
    later = [*diary, day(0, pain=4, activity="running")]
    assert "safety:dvt_calf_signs" not in codes(evaluate(later, TODAY))


def test_a_quiet_day_asks_little_and_nothing_about_safety_once_the_calf_is_answered():
    quick = {"pain": 2, "locations": ["center"], "activity": "running", "numbness": False}
    asked = evaluate([day(0, **quick, **CALM_CALF)], TODAY)
    assert len(asked.next_questions) <= 2
    assert all(q.kind == "separate" for q in asked.next_questions)
    assert evaluate([day(0, pain=0, activity="running")], TODAY).next_questions == []


def test_numbness_never_answered_in_the_episode_is_asked_once():
    diary = [day(2, pain=3, **CALM_CALF), day(0, pain=3, activity="running")]
    (neuro,) = [q for q in evaluate(diary, TODAY).next_questions if q.kind == "safety"]
    assert neuro.code == "safety:neuro" and neuro.entry_id == diary[-1]["id"]
    diary[0]["numbness"] = False  # answered once: enough for the episode
    assert not [q for q in evaluate(diary, TODAY).next_questions if q.kind == "safety"]


def test_safety_is_asked_even_when_a_cause_leads():
    diary = [
        day(1, pain=3, lump=True, provoked_by=["deep_flexion", "full_extension"], swelling="mild"),
        day(0, pain=3, lump=True, locations=["center", "calf"]),
    ]
    findings = evaluate(diary, TODAY)
    assert findings.enough_to_go_on and findings.causes[0].code == "bakers_cyst"
    assert codes(findings)[0] == "safety:dvt_calf_signs"


def test_the_order_is_safety_then_notes_then_causes_then_factors():
    diary = [
        day(3, pain=4, activity="cycling", provoked_by=["resisted_flexion", "hamstring_stretch"]),
        day(
            0, pain=4, activity="cycling", locations=["thigh"], notes="squishy lump behind the knee"
        ),
    ]
    kinds = [KINDS.index(q.kind) for q in evaluate(diary, TODAY).next_questions]
    assert kinds == sorted(kinds) and kinds[0] == 0 and 1 in kinds


def test_a_note_raises_the_flag_at_once_and_asks_to_confirm():
    entry = day(0, pain=4, notes="calf red, warm and swollen; pain worse not better")
    findings = evaluate([entry], TODAY)
    assert findings.urgency == "emergency"
    (flag,) = [f for f in findings.red_flags if f.code == "dvt_suspected"]
    assert {e.field for e in flag.evidence} == {"calf_redness", "calf_swelling"}
    for item in flag.evidence:
        assert item.source == "note" and item.quote == "calf red, warm and swollen"
        assert item.note == "from your note of 30 June: 'calf red, warm and swollen'"
    (confirm,) = [q for q in findings.next_questions if q.kind == "confirm_note"]
    assert confirm.code == "confirm_note:calf_swelling" and confirm.urgency == "emergency"
    assert confirm.question.startswith("Your note says 'calf red, warm and swollen': is your calf")
    assert confirm.entry_id == entry["id"]
    # During an emergency nothing else is asked: go now, answer later.
    assert all(q.urgency == "emergency" for q in findings.next_questions)


def test_only_the_persons_no_withdraws_a_flag_a_note_raised():
    entry = day(0, pain=4, notes="calf red, warm and swollen")
    # Other logging, later quiet entries, a leading cause: the flag stays.
    busy = [entry, day(0, pain=2, lump=True, provoked_by=["full_extension"])]
    assert "dvt_suspected" in flags(evaluate(busy, TODAY))
    # One "no" leaves one calf sign of the note: not enough for the flag by itself.
    assert "dvt_suspected" not in flags(evaluate([{**entry, "calf_swelling": False}], TODAY))
    assert "dvt_suspected" in flags(evaluate([{**entry, "calf_tenderness": False}], TODAY))
    answered = {**entry, "calf_swelling": False, "calf_redness": False, "calf_tenderness": False}
    findings = evaluate([answered], TODAY)
    assert "dvt_suspected" not in flags(findings)
    assert not [q for q in findings.next_questions if set(q.fields) & set(CALF)]


def test_a_recorded_answer_always_wins_over_a_note():
    entry = day(0, pain=3, lump=False, notes="squishy lump behind the knee")
    findings = evaluate([entry], TODAY)
    assert "bakers_cyst" not in {c.code for c in findings.causes}
    assert "confirm_note:lump" not in codes(findings)


def test_another_sign_in_a_note_becomes_a_question_and_counts_as_from_the_note():
    findings = evaluate([day(0, pain=3, notes="squishy lump behind the knee")], TODAY)
    (ask,) = [q for q in findings.next_questions if q.code == "confirm_note:lump"]
    assert ask.question == (
        "Your note says 'squishy lump behind the knee': "
        "is there a lump or a feeling of fullness behind the knee?"
    )
    assert ask.scope == "episode" and ask.entry_id is None
    cyst = next(c for c in findings.causes if c.code == "bakers_cyst")
    assert any(
        e.source == "note" and e.quote == "squishy lump behind the knee" for e in cyst.evidence_for
    )


def test_negated_and_unrelated_notes_raise_nothing():
    for note in [
        "calf not swollen, not red",
        "red face after the run",
        "my wife's calf is swollen",
    ]:
        findings = evaluate([day(0, pain=3, notes=note)], TODAY)
        assert findings.urgency == "self_care", note
        assert not [q for q in findings.next_questions if q.kind == "confirm_note"], note


def test_no_question_repeats_an_episode_answer():
    diary = [day(3, pain=5, onset="sudden", popping=False, swelling="mild"), day(0, pain=4)]
    asked = {f for q in evaluate(diary, TODAY).next_questions for f in q.fields}
    assert not asked & {"onset", "popping"}
    stored = evaluate([day(0, pain=5, swelling="mild")], TODAY, episode={"onset": "sudden"})
    assert "separate:onset" not in codes(stored)


def test_every_question_reads_well():
    diary = [
        day(
            2, pain=6, locations=["calf", "thigh"], swelling="mild", notes="squishy lump, gave way"
        ),
        day(0, pain=5, activity="none", onset="sudden"),
    ]
    article = re.sub(
        r"\s+", " ", shared_file("knowledge", "posterior-knee-pain-article.txt").read_text()
    )
    for q in evaluate(diary, TODAY).next_questions:
        assert q.question.endswith("?") and q.why.endswith(".")
        assert q.passage and q.passage in article, q.code
        assert re.match(r"^(safety|confirm_note|separate|factor):[a-z_]+$", q.code)
        assert q.options and all(set(o["set"]) <= set(q.fields) for o in q.options)


def test_client_safety_screens_are_the_engines_own():
    screens = client_safety_screens()
    assert {s["code"] for s in screens} == {f"safety:{s['code']}" for s in knowledge.SAFETY_SCREENS}
    ranks = [knowledge.URGENCY_ORDER.index(s["urgency"]) for s in screens]
    assert ranks == sorted(ranks, reverse=True)
    assert screens[0]["code"] == "safety:dvt_calf_signs" and screens[0]["urgency"] == "emergency"
    article = re.sub(
        r"\s+", " ", shared_file("knowledge", "posterior-knee-pain-article.txt").read_text()
    )
    for screen in screens:
        assert set(screen) >= {
            "code",
            "when",
            "question",
            "why",
            "fields",
            "options",
            "multiple",
            "urgency",
            "passage",
        }
        assert screen["passage"] in article
        for option in screen["options"]:
            assert set(option["set"]) <= set(screen["fields"])
        assert "pain_rise_at_least" not in screen["when"]


def test_notes_are_read_in_the_persons_language():
    entry = day(0, pain=3, notes="Wade geschwollen und rot")
    assert evaluate([entry], TODAY).urgency == "self_care"  # not English
    findings = evaluate([entry], TODAY, lang="de")
    assert findings.urgency == "emergency"
    assert {e.quote for f in findings.red_flags for e in f.evidence} == {"Wade geschwollen und rot"}


def test_a_note_never_clears_a_flag_the_answers_raise():
    # DVT: one calf sign with sudden, severe pain; an unrecorded onset could be sudden.
    entry = day(0, pain=8, calf_swelling=True, notes="the pain came on gradually")
    assert "dvt_suspected" in flags(evaluate([entry], TODAY))
    # The person's own answer does count.
    assert "dvt_suspected" not in flags(evaluate([{**entry, "onset": "gradual"}], TODAY))


def test_the_issues_new_user_pain_nine_and_the_calf_tapped_is_asked_about_the_calf():
    findings = evaluate([day(0, pain=9, locations=["calf"])], TODAY)
    assert findings.urgency == "see_professional"  # severe pain, from the answers
    first = findings.next_questions[0]
    assert first.code == "safety:dvt_calf_signs" and first.urgency == "emergency"
    swollen_red = {
        **day(0, pain=9, locations=["calf"]),
        "calf_swelling": True,
        "calf_redness": True,
    }
    assert evaluate([swollen_red], TODAY).urgency == "emergency"


def test_a_note_that_raised_a_flag_asked_as_a_safety_question_stays_with_the_safety_ones():
    # Found by the property test: "heard a pop. knee swelled up" raises the popping flag,
    # and its question (an episode fact, so not a note confirmation) came after the
    # note confirmations.
    answered = dict.fromkeys(["back_pain", "clicking", "cramping", "can_bear_weight"], False)
    diary = [
        day(0, pain=0, notes="calf swollen"),
        day(1, pain=0, activity="cycling", notes="heard a pop. knee swelled up")
        | CALM_CALF
        | answered,
        day(14, pain=1, activity="cycling"),
        day(0, pain=0),
        day(0, pain=1, activity="cycling"),
    ]
    found = evaluate(diary, TODAY)
    assert {"confirm_note:calf_swelling", "safety:popping"} <= set(codes(found))
    kinds = [q.kind for q in found.next_questions]
    assert kinds == sorted(kinds, key=KINDS.index)
