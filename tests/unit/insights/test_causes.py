"""One test per cause: the article's description ranks it first, its absence counts against."""

from __future__ import annotations

import pytest

from tests.unit.insights.insights_support import TODAY, day
from webapp.insights import evaluate

# Each diary is the article's own description of the cause, in diary answers.
TYPICAL = {
    "distal_hamstring_tendinopathy": [
        day(n, activity="cycling", onset="gradual", provoked_by=["resisted_flexion"])
        for n in (6, 4, 2, 0)
    ],
    "hamstring_strain": [
        day(
            1,
            pain=6,
            activity="sprinting",
            onset="sudden",
            mechanism="forceful_push_off",
            locations=["thigh"],
        ),
        day(0, pain=4, locations=["thigh"]),
    ],
    "gastrocnemius_strain": [
        day(1, pain=5, locations=["center", "calf"], provoked_by=["tiptoe"]),
        day(0, pain=4, locations=["calf"], provoked_by=["tiptoe"]),
    ],
    "bakers_cyst": [day(n, lump=True, provoked_by=["full_extension"]) for n in (5, 2, 0)],
    "popliteus_tendinopathy": [
        day(n, activity="downhill_running", onset="gradual") for n in (6, 3, 0)
    ],
    "posterior_meniscus_injury": [
        day(2, pain=5, onset="sudden", mechanism="twisting", provoked_by=["deep_flexion"]),
        day(0, clicking=True, locking=True),
    ],
    "pcl_sprain": [day(1, pain=5, onset="sudden", mechanism="direct_blow"), day(0, pain=4)],
    "lumbar_radiculopathy": [day(n, back_pain=True, numbness=True) for n in (3, 0)],
    "paes": [
        day(n, activity="running", timing="during", cramping=True, eases_with_rest=True)
        for n in (4, 2, 0)
    ],
    "bursitis": [day(n, tender_spot=True) for n in (4, 2, 0)],
}


def test_every_cause_has_a_typical_diary():
    from webapp.insights import CAUSE_NAMES

    assert set(TYPICAL) == set(CAUSE_NAMES)


@pytest.mark.parametrize("code", sorted(TYPICAL))
def test_the_articles_description_ranks_the_cause_first(code):
    findings = evaluate(TYPICAL[code], TODAY)
    top = findings.causes[0]
    assert top.code == code
    assert top.confidence in {"likely", "possible"}
    assert top.evidence_for and all(e.date and e.field and e.note for e in top.evidence_for)
    assert top.passage
    assert findings.enough_to_go_on


# A hallmark recorded absent counts against the cause; left out, it counts for nothing.
@pytest.mark.parametrize(
    ("code", "support", "absent"),
    [
        ("bakers_cyst", {"provoked_by": ["deep_flexion", "full_extension"]}, {"lump": False}),
        ("pcl_sprain", {"mechanism": "hyperextension"}, {"onset": "gradual"}),
        ("lumbar_radiculopathy", {"numbness": True, "weakness": True}, {"back_pain": False}),
        ("paes", {"eases_with_rest": True, "timing": "during"}, {"cramping": False}),
        ("bakers_cyst", {"provoked_by": ["full_extension"]}, {"lump": False}),
        ("posterior_meniscus_injury", {"provoked_by": ["deep_flexion"]}, {"clicking": False}),
        ("hamstring_strain", {"activity": "sprinting"}, {"onset": "gradual"}),
        (
            "distal_hamstring_tendinopathy",
            {"provoked_by": ["hamstring_stretch"]},
            {"onset": "sudden"},
        ),
    ],
)
def test_a_hallmark_recorded_absent_counts_against(code, support, absent):
    def score(entries):
        cause = next((c for c in evaluate(entries, TODAY).causes if c.code == code), None)
        return (cause.score, cause) if cause else (0.0, None)

    left_out, _ = score([day(0, **support)])
    recorded_no, cause = score([day(0, **support, **absent)])
    assert left_out > 0
    assert recorded_no < left_out
    if cause is not None:
        assert set(absent) <= {e.field for e in cause.evidence_against}


@pytest.mark.parametrize(
    "answers",
    [
        {"onset": "sudden"},
        {"onset": "gradual", "activity": "running"},
        {"locations": ["thigh"]},
        {"swelling": "mild", "tender_spot": False},
        {"activity": "squats", "timing": "during"},
    ],
)
def test_signs_many_causes_share_put_no_cause_on_the_list(answers):
    assert evaluate([day(1, **answers), day(0, **answers)], TODAY).causes == []


def test_evidence_against_names_the_day_and_the_answer():
    findings = evaluate(
        [day(2, provoked_by=["deep_flexion", "full_extension"], lump=False, clicking=True)], TODAY
    )
    cyst = next(c for c in findings.causes if c.code == "bakers_cyst")
    assert [(e.date, e.field, e.value) for e in cyst.evidence_against] == [
        (day(2)["date"], "lump", False)
    ]


def test_a_recorded_no_lowers_the_score_and_a_missing_answer_does_not():
    base = [day(1, provoked_by=["deep_flexion", "full_extension"], clicking=True)]
    score = {c.code: c.score for c in evaluate(base, TODAY).causes}["bakers_cyst"]
    with_no = [day(1, provoked_by=["deep_flexion", "full_extension"], clicking=True, lump=False)]
    assert {c.code: c.score for c in evaluate(with_no, TODAY).causes}.get("bakers_cyst", 0) < score


def test_a_painless_occasion_is_no_evidence_for_a_cause():
    assert evaluate([day(0, pain=0, activity="downhill_running")], TODAY).causes == []


def test_entries_older_than_the_episode_are_not_read():
    old = [day(40, lump=True), day(35, lump=True)]
    assert evaluate(old, TODAY).causes == []
    assert evaluate(old, TODAY).entries_considered == 0


def test_causes_are_ranked_by_score():
    findings = evaluate(TYPICAL["posterior_meniscus_injury"] + [day(0, lump=True)], TODAY)
    scores = [c.score for c in findings.causes]
    assert scores == sorted(scores, reverse=True)
    assert {"posterior_meniscus_injury", "bakers_cyst"} <= {c.code for c in findings.causes[:2]}


def test_too_little_to_tell_apart_asks_rather_than_guesses():
    findings = evaluate([day(0, provoked_by=["deep_flexion"])], TODAY)
    assert not findings.enough_to_go_on
    separating = [q for q in findings.next_questions if q.kind == "separate"]
    assert 1 <= len(separating) <= 2
    asked = {f for q in findings.next_questions for f in q.fields}
    assert not asked & {"provoked_by", "pain", "date"}  # never what is already answered
    for question in separating:
        assert question.question.endswith("?")
        assert question.separates


def test_answering_the_suggested_question_separates_the_causes():
    first = evaluate([day(1, provoked_by=["deep_flexion"])], TODAY)
    assert "lump" in {q.field for q in first.next_questions}
    answered = evaluate([day(1, provoked_by=["deep_flexion"]), day(0, lump=True)], TODAY)
    assert answered.enough_to_go_on
    assert answered.causes[0].code == "bakers_cyst"
    assert [q for q in answered.next_questions if q.kind == "separate"] == []


def test_pain_scores_alone_give_nothing_to_rank():
    findings = evaluate([day(n, pain=4) for n in range(5)], TODAY)
    assert findings.causes == []
    assert not findings.enough_to_go_on
    assert findings.next_questions  # what to log next


def test_no_pain_no_questions():
    findings = evaluate([day(0, pain=0)], TODAY)
    assert findings.next_questions == []
