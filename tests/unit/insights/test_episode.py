"""Episode facts: asked once, they count for every entry of the current episode."""

from __future__ import annotations

from tests.unit.insights.insights_support import TODAY, day
from webapp.insights import EPISODE_FIELDS, evaluate
from webapp.insights.diary import prepare
from webapp.insights.episode import (
    clean_episode_facts,
    current_episode,
    episode_facts_for,
    episode_start,
    episodes_from_diary,
    episodes_to_diary,
)


def flags(findings) -> set[str]:
    return {f.code for f in findings.red_flags}


def test_the_episode_fields():
    assert EPISODE_FIELDS == ("onset", "mechanism", "popping", "lump", "prior_injury")


def test_a_stored_pop_counts_for_the_swelling_days_after_it():
    diary = [day(2, pain=5), day(0, pain=4, swelling="mild")]
    assert "popping_injury" not in flags(evaluate(diary, TODAY))
    findings = evaluate(diary, TODAY, episode={"popping": True})
    (flag,) = [f for f in findings.red_flags if f.code == "popping_injury"]
    assert any(e.field == "popping" and "for this injury" in e.note for e in flag.evidence)


def test_a_pop_recorded_on_one_entry_counts_for_the_whole_episode():
    diary = [day(3, pain=6, popping=True, onset="sudden"), day(1, pain=5, swelling="mild")]
    assert "popping_injury" in flags(evaluate(diary, TODAY))
    # ...but a pop logged after the swelling is not "followed by" it.
    diary = [day(3, pain=6, swelling="moderate"), day(1, pain=5, popping=True, swelling="none")]
    assert "popping_injury" not in flags(evaluate(diary, TODAY))


def test_an_episode_fact_never_clears_a_red_flag():
    # A gradual start of the knee pain weeks ago says nothing about sudden calf pain today.
    diary = [day(10, pain=2, onset="gradual"), day(0, pain=8, calf_swelling=True)]
    assert "dvt_suspected" in flags(evaluate(diary, TODAY))
    assert "dvt_suspected" in flags(
        evaluate([day(0, pain=8, calf_swelling=True)], TODAY, episode={"onset": "gradual"})
    )


def test_a_stored_earlier_injury_points_at_a_chronic_pcl_problem():
    diary = [day(2, pain=3, onset="gradual", mechanism="none"), day(0, pain=3)]
    assert "pcl_sprain" not in {c.code for c in evaluate(diary, TODAY).causes}
    findings = evaluate(diary, TODAY, episode={"prior_injury": True})
    assert "pcl_sprain" in {c.code for c in findings.causes}


def test_episode_answers_are_not_asked_again():
    base = [day(0, pain=5, swelling="moderate", locations=["center"])]
    asked = {f for q in evaluate(base, TODAY).next_questions for f in q.fields}
    assert "popping" in asked
    stored = evaluate(base, TODAY, episode={"popping": False, "onset": "sudden"})
    asked = {f for q in stored.next_questions for f in q.fields}
    assert not asked & {"popping", "onset"}
    for q in evaluate(base, TODAY).next_questions:
        if q.fields == ["popping"]:
            assert q.scope == "episode" and q.entry_id is None and q.date is None


def test_a_new_injury_after_two_pain_free_weeks_is_a_new_episode():
    old = day(20, pain=5, lump=True, onset="sudden", mechanism="direct_blow")
    new = [day(3, pain=3), day(0, pain=4, provoked_by=["deep_flexion"])]
    diary = prepare([old, *new], TODAY, 28)
    assert episode_start(diary, TODAY).isoformat() == new[0]["date"]
    findings = evaluate([old, *new], TODAY)
    assert "pcl_sprain" not in {c.code for c in findings.causes}
    assert findings.entries_considered == 2
    # A gap in logging within one injury is no new episode.
    assert (
        episode_start(
            prepare([day(20, pain=5), day(8, pain=4), day(0, pain=4)], TODAY, 28), TODAY
        ).isoformat()
        == day(20)["date"]
    )


def test_malformed_episode_facts_are_unknown():
    assert clean_episode_facts({"onset": "soon", "popping": "yes", "lump": True, "x": 1}) == {
        "lump": True
    }
    assert clean_episode_facts(None) == clean_episode_facts([1, 2]) == {}
    findings = evaluate([day(0, pain=4)], TODAY, episode={"mechanism": 5, "prior_injury": "no"})
    assert findings.urgency == "self_care"


def test_a_stored_answer_replaces_what_a_note_said():
    entry = day(0, pain=4, notes="felt a pop, knee swelled up")
    assert "popping_injury" in flags(evaluate([entry], TODAY))
    assert "popping_injury" not in flags(evaluate([entry], TODAY, episode={"popping": False}))


def test_episodes_ride_in_a_diary_file_and_come_back():
    document = {
        "format": "fossa-diary/1",
        "entries": [],
        "episodes": [
            {"start": "2026-06-20", "facts": {"onset": "sudden", "prior_injury": True, "x": 1}},
            {"start": "2026-06-20", "facts": {"onset": "gradual"}},
            {"start": "20 June", "facts": {"lump": True}},
            {"start": "2026-05-01", "facts": {"popping": "yes"}},
            "junk",
        ],
    }
    episodes = episodes_from_diary(document)
    assert episodes == [
        {"start": "2026-06-20", "facts": {"onset": "gradual", "prior_injury": True}}
    ]
    assert episodes_to_diary(episodes) == episodes
    assert episodes_from_diary({"format": "fossa-diary/1", "entries": []}) == []
    assert episodes_from_diary({"episodes": "none"}) == []


def test_the_stored_facts_of_the_current_episode_are_found():
    entries = [day(30, pain=4), day(10, pain=4), day(0, pain=3)]
    current = current_episode(entries, TODAY)
    assert current == {"start": day(10)["date"], "end": TODAY.isoformat()}
    stored = [
        {"start": day(30)["date"], "facts": {"mechanism": "direct_blow"}},  # an earlier injury
        {"start": day(10)["date"], "facts": {"onset": "sudden"}},
        {"start": day(5)["date"], "facts": {"popping": True}},
    ]
    assert episode_facts_for(stored, entries, TODAY) == {"onset": "sudden", "popping": True}
    assert current_episode([], TODAY) is None
    assert episode_facts_for(stored, [], TODAY) == {}
