"""The story of an episode in one sentence: hand-made diaries, then random ones."""

from __future__ import annotations

import datetime as dt
import re
from statistics import mean

from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.diary.format import ACTIVITIES
from webapp.insights.story import number, tell_story

TODAY = dt.date(2026, 12, 1)


def day(back: int) -> str:
    return (TODAY - dt.timedelta(days=back)).isoformat()


def diary(*days: tuple[int, int] | tuple[int, int, str]) -> list[dict]:
    """(days back, pain[, activity]) per entry."""
    entries = []
    for n, item in enumerate(days):
        entry = {"id": f"e{n}", "date": day(item[0]), "pain": item[1]}
        if len(item) > 2:
            entry["activity"] = item[2]
        entries.append(entry)
    return entries


def test_an_empty_diary_tells_no_story():
    assert tell_story([], TODAY) is None


def test_one_entry_says_only_that_day():
    story = tell_story(diary((0, 4, "running")), TODAY)
    assert story.text == "You have logged one day so far: pain 4 on Tue 1 Dec (running)."
    assert story.direction == "single" and story.comparison is None


def test_one_entry_without_pain_says_no_pain():
    story = tell_story(diary((2, 0)), TODAY)
    assert story.text == "You have logged one day so far: no pain on Sun 29 Nov."


def test_two_entries_give_the_direction_and_nothing_more():
    story = tell_story(diary((1, 2, "running"), (0, 5, "none")), TODAY)
    assert story.text == "Your pain went up from 2 to 5 over 2 days."


def test_falling_pain_is_said_to_go_down():
    story = tell_story(diary((9, 7), (5, 5), (0, 2)), TODAY)
    assert story.text.startswith("Your pain went down from 7 to 2 over 10 days, 3 of them logged")
    assert "logged" not in tell_story(diary((3, 7), (2, 5), (0, 2)), TODAY).text
    assert "up" not in story.text


def test_equal_pain_every_day_is_said_to_stay():
    story = tell_story(diary((3, 3, "running"), (2, 3, "none"), (1, 3, "running"), (0, 3)), TODAY)
    assert story.text == (
        "Your pain has stayed at 3 on all 4 days you logged, from Sat 28 Nov to Tue 1 Dec."
    )


def test_no_pain_at_all_is_said_plainly():
    story = tell_story(diary((4, 0, "running"), (2, 0, "none"), (0, 0)), TODAY)
    assert story.text == (
        "You have logged no pain on any of your 3 days, from Fri 27 Nov to Tue 1 Dec."
    )


def test_running_days_against_rest_days_with_the_worst_day():
    entries = diary(
        (9, 2, "running"),
        (8, 1, "none"),
        (7, 4, "running"),
        (6, 2, "none"),
        (4, 8, "running"),
        (0, 6, "running"),
    )
    entries[4]["notes"] = "Long run, 18 km. Stairs were hard after."
    story = tell_story(entries, TODAY)
    assert story.text == (
        "Your pain went up from 2 to 6 over 10 days; it has been higher on "
        "running days (5 on average, 1.5 on rest days) and was highest, 8, on Fri 27 Nov "
        "(running; your note: “Long run, 18 km.”)."
    )


def test_one_rest_day_is_not_enough_to_compare():
    story = tell_story(diary((3, 2, "running"), (2, 1, "none"), (0, 6, "running")), TODAY)
    assert story.comparison is None and "rest days" not in story.text


def test_a_small_difference_is_much_the_same():
    entries = diary((5, 3, "cycling"), (4, 3, "none"), (3, 4, "cycling"), (2, 4, "none"), (0, 4))
    story = tell_story(entries, TODAY)
    assert "much the same on cycling days and rest days (3.5 and 3.5 on average)" in story.text


def test_the_days_worst_pain_counts_and_the_future_does_not():
    entries = diary((1, 2), (0, 3), (0, 6), (-1, 9))
    story = tell_story(entries, TODAY)
    assert story.text == "Your pain went up from 2 to 6 over 2 days."


def test_a_gap_before_today_is_said():
    story = tell_story(diary((12, 3), (10, 5)), TODAY)
    assert story.text.endswith("You last logged on Sat 21 Nov, 10 days ago.")


def test_a_new_episode_after_two_pain_free_weeks_starts_the_story_again():
    story = tell_story(diary((27, 8), (26, 7), (3, 2), (0, 4)), TODAY)
    assert story.start == TODAY - dt.timedelta(days=3)
    assert "from 2 to 4" in story.text


def test_training_changes_are_said_and_marked_on_the_chart():
    entries = diary((6, 2, "running"), (3, 4, "running"), (0, 5, "running"))
    entries[1]["load_change"] = "big_increase"
    entries[2]["load_change"] = "increase"
    story = tell_story(entries, TODAY)
    assert story.text.endswith("You logged a sudden jump in training on Sat 28 Nov.")
    loads = [m for m in story.chart.marks if m.kind == "load"]
    assert [m.day for m in loads] == [TODAY - dt.timedelta(days=3), TODAY]


def test_the_chart_breaks_its_line_at_a_gap():
    story = tell_story(diary((5, 2), (4, 3), (1, 5), (0, 6)), TODAY)
    assert len(story.chart.segments) == 2
    assert all(
        story.chart.plot_top <= y <= story.chart.plot_bottom for _x, y, _d in story.chart.points
    )


def test_entry_objects_with_to_diary_are_read_too():
    class Entry:
        def __init__(self, data):
            self.data = data

        def to_diary(self):
            return self.data

    story = tell_story([Entry(e) for e in diary((1, 3), (0, 1))], TODAY)
    assert story.text == "Your pain went down from 3 to 1 over 2 days."


# ------------------------------------------------------------------ random diaries
_entries = st.lists(
    st.fixed_dictionaries(
        {"back": st.integers(0, 27), "pain": st.integers(0, 10)},
        optional={
            "activity": st.sampled_from(sorted(ACTIVITIES)),
            "load_change": st.sampled_from(["none", "increase", "big_increase"]),
        },
    ),
    max_size=20,
)


def _as_diary(items):
    return [
        {"id": f"e{n}", "date": day(item.pop("back")), **item}
        for n, item in enumerate(dict(i) for i in items)
    ]


def _worst_by_day(entries, start):
    days = {}
    for e in entries:
        d = dt.date.fromisoformat(e["date"])
        if d >= start:
            days[d] = max(days.get(d, 0), e["pain"])
    return dict(sorted(days.items()))


@settings(max_examples=300, deadline=None)
@given(_entries)
def test_every_number_said_is_in_the_diary_and_the_direction_agrees(items):
    entries = _as_diary(items)
    story = tell_story(entries, TODAY)
    if not entries:
        assert story is None
        return
    worst = _worst_by_day(entries, story.start)
    pains = list(worst.values())
    text = story.text
    # No day of the story is outside the diary, and the sentence's days are real days.
    assert list(worst) == [d.day for d in story.days]
    said_days = re.findall(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3}", text)
    logged = {f"{d:%a %-d %b}" for d in worst}
    for said in said_days:
        assert said in logged
    without_days = re.sub(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} \w{3}( \d{4})?", "", text)
    numbers = {n for n in re.findall(r"\d+(?:\.\d)?", without_days)}
    span = (story.end - story.start).days + 1
    allowed = {str(p) for p in pains} | {str(span), str(len(pains))}
    allowed.add(str((TODAY - story.end).days))
    for kind in ("increase", "big_increase"):
        allowed.add(str(sum(1 for d in story.load_days if d.load_change == kind)))
    if story.comparison:
        c = story.comparison
        rest = [worst[d.day] for d in story.days if d.rested]
        chosen = [
            worst[d.day]
            for d in story.days
            if d.exercised and (c.activity is None or c.activity in d.activities)
        ]
        assert c.rest_average == round(mean(rest), 1)
        assert c.active_average == round(mean(chosen), 1)
        allowed |= {number(c.rest_average), number(c.active_average)}
    assert numbers <= allowed, (text, numbers - allowed)
    # The words of the trend never contradict the first and last day.
    first, last = pains[0], pains[-1]
    if "went up" in text:
        assert last > first and f"from {first} to {last}" in text
    if "went down" in text:
        assert last < first and f"from {first} to {last}" in text
    if len(pains) > 1 and last != first:
        assert ("went up" in text) == (last > first)
        assert ("went down" in text) == (last < first)
    if "stayed at" in text:
        assert len(set(pains)) == 1
    if "no pain on any" in text:
        assert set(pains) == {0}
    if "was highest" in text:
        assert f"was highest, {max(pains)}," in text and max(pains) > max(first, last)
    if "higher on" in text:
        assert story.comparison.difference >= 1
    if "lower on" in text:
        assert story.comparison.difference <= -1
