"""/insights as a person reads it: the story first, the urgency once, causes in plain words."""

from __future__ import annotations

import datetime as dt
import random
import re

import pytest

from tests.support import htmx
from tests.web.test_no_codes_shown import visible_text
from webapp.diary import days as diary_days
from webapp.extensions import db
from webapp.insights.knowledge import CAUSE_NAMES, CAUSE_PLAIN_NAMES
from webapp.models import User

TODAY = dt.date.today()


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def log(entry_factory, user, *days):
    for back, answers in days:
        entry_factory(user, date=days_ago(back), **answers)


def page_text(client) -> str:
    return visible_text(client.get("/insights").get_data(as_text=True))


RUNNERS_WEEKS = [
    (9, {"pain": 2, "activity": "running", "onset": "gradual", "locations": ["thigh"]}),
    (8, {"pain": 1, "activity": "none"}),
    (7, {"pain": 4, "activity": "running", "provoked_by": ["hamstring_stretch"]}),
    (6, {"pain": 2, "activity": "none"}),
    (4, {"pain": 8, "activity": "running", "notes": "Long run, 18 km. Stairs hurt."}),
    (1, {"pain": 6, "activity": "running", "numbness": True, "locations": ["thigh"]}),
]


def test_the_story_comes_first_then_the_urgency_said_once(client, logged_in, user, entry_factory):
    log(entry_factory, user, *RUNNERS_WEEKS)
    html = client.get("/insights").get_data(as_text=True)
    text = visible_text(html)
    assert (
        "Your pain went up from 2 to 6 over 9 days; it has been higher on running days "
        "(5 on average, 1.5 on rest days) and was highest, 8, on"
    ) in text
    assert "your note: “Long run, 18 km.”" in text
    assert html.index('id="story"') < html.index('id="urgency"') < html.index('id="causes-title"')
    # Said once, with when; the flag is the reason, not a second "see a professional".
    assert text.count("See a healthcare professional") == 1
    assert "When: An ordinary appointment" in text
    assert 'id="red-flag-neuro_symptoms"' in html
    # The chart has an accessible name, a description and its days as a table.
    chart = re.search(r'<svg viewBox="0 0 320 \d+" role="img"[^>]*>', html).group(0)
    assert 'aria-labelledby="story-chart-title"' in chart
    assert 'aria-describedby="story-chart-desc"' in chart
    assert html.count('<th scope="row">') == len(RUNNERS_WEEKS)


def test_an_emergency_stays_first_with_the_call(client, logged_in, user, entry_factory):
    log(
        entry_factory,
        user,
        (2, {"pain": 3}),
        (0, {"pain": 4, "calf_swelling": True, "calf_redness": True}),
    )
    html = client.get("/insights").get_data(as_text=True)
    assert html.index('id="urgency"') < html.index('id="story"')
    urgency = html[html.index('id="urgency"') : html.index('id="story"')]
    assert "Seek emergency care now" in urgency and 'href="tel:' in urgency
    assert "medical emergency" in urgency
    assert visible_text(html).count("Seek emergency care now") == 1


def test_an_empty_diary_invites_a_first_entry(client, logged_in):
    text = page_text(client)
    assert "Log a day on Today and Fossa will tell the story of your pain here" in text


def test_one_entry_tells_a_one_day_story(client, logged_in, user, entry_factory):
    log(entry_factory, user, (0, {"pain": 3, "activity": "cycling"}))
    assert f"You have logged one day so far: pain 3 on {TODAY:%a %-d %b} (cycling)." in (
        page_text(client)
    )


def test_causes_lead_with_plain_words_and_a_fit_in_words(client, logged_in, user, entry_factory):
    log(entry_factory, user, *RUNNERS_WEEKS)
    html = client.get("/insights").get_data(as_text=True)
    findings = client.get("/api/insights").get_json()
    assert findings["causes"]
    for cause in findings["causes"]:
        card = html[html.index(f'id="cause-{cause["code"]}"') :]
        card = card[: card.index("</article>")]
        plain = CAUSE_PLAIN_NAMES[cause["code"]].replace("'", "&#39;")
        medical = cause["name"].replace("'", "&#39;")
        assert card.index(plain) < card.index(medical)
        assert re.search(r"How well it fits: <strong>Fits (well|partly|a little)</strong>", card)
    hamstring = html[html.index('id="cause-distal_hamstring_tendinopathy"') :]
    hamstring = visible_text(hamstring[: hamstring.index("</article>")])
    assert "Running on 4 days" in hamstring
    assert "Brought on by stretching the hamstrings once" in hamstring


# Two causes fit as well as each other: the engine has not enough to go on.
TWO_FIT_WELL = [
    (3, {"pain": 5, "popping": False, "onset": "sudden", "lump": True}),
    (8, {"pain": 5, "provoked_by": ["full_extension"], "activity": "sprinting"}),
    (7, {"pain": 1, "warm_up": False, "mechanism": "forceful_push_off"}),
]


def test_not_enough_to_go_on_is_never_said_beside_likely(client, logged_in, user, entry_factory):
    log(entry_factory, user, *TWO_FIT_WELL)
    findings = client.get("/api/insights").get_json()
    assert not findings["enough_to_go_on"]
    assert sum(c["confidence"] == "likely" for c in findings["causes"]) >= 2
    text = page_text(client)
    assert "Not enough to go on yet" in text
    assert not re.search(r"\blikely\b", text, re.IGNORECASE)
    assert text.count("Fits well") >= 2


def test_with_enough_to_go_on_only_the_leader_is_most_likely(
    client, logged_in, user, entry_factory
):
    log(entry_factory, user, *RUNNERS_WEEKS)
    findings = client.get("/api/insights").get_json()
    assert findings["enough_to_go_on"]
    html = client.get("/insights").get_data(as_text=True)
    assert html.count("Most likely of these") == 1
    leader = html[html.index(f'id="cause-{findings["causes"][0]["code"]}"') :]
    assert leader.index("Most likely of these") < leader.index("</article>")
    assert "Not enough to go on" not in visible_text(html)


def test_answering_a_question_in_place_keeps_the_story_and_cards(
    client, logged_in, user, entry_factory
):
    log(entry_factory, user, *RUNNERS_WEEKS)
    findings = client.get("/api/insights").get_json()
    question = findings["next_questions"][0]
    data = {
        "csrf_token": logged_in.csrf,
        "code": question["code"],
        "from": "insights",
        "option": "0",
    }
    if question.get("entry_id"):
        data["entry_id"] = question["entry_id"]
    response = client.post("/questions/answer", data=data, headers=htmx())
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert fragment.lstrip().startswith('<div id="findings"') or 'id="findings"' in fragment[:400]
    assert 'id="story"' in fragment and "How well it fits" in fragment


def test_every_cause_has_a_plain_title_of_its_own():
    assert set(CAUSE_PLAIN_NAMES) == set(CAUSE_NAMES)
    for code, plain in CAUSE_PLAIN_NAMES.items():
        assert plain != CAUSE_NAMES[code] and "_" not in plain
    assert len(set(CAUSE_PLAIN_NAMES.values())) == len(CAUSE_PLAIN_NAMES)


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])
def test_the_story_ends_on_the_persons_own_day(app, client, logged_in, user, entry_factory, zone):
    with app.app_context():
        db.session.get(User, user.id).timezone = zone
        db.session.commit()
    local = diary_days.local_today(zone)
    entry_factory(user, date=local - dt.timedelta(days=1), pain=2, activity="walking")
    entry_factory(user, date=local, pain=5, activity="walking")
    html = client.get("/insights").get_data(as_text=True)
    assert "Your pain went up from 2 to 5 over 2 days." in visible_text(html)
    assert f'datetime="{local.isoformat()}"' in html.split('id="story"')[1].split("</section>")[0]


ACTIVITY_CODES = ["running", "cycling", "none", "walking", "downhill_running", None]


@pytest.mark.parametrize("seed", range(3))
def test_random_days_of_logging_and_answering_keep_the_page_honest(
    client, logged_in, user, entry_factory, seed
):
    rng = random.Random(seed)
    for _step in range(14):
        action = rng.random()
        if action < 0.6:
            answers = {"pain": rng.randint(0, 10)}
            if (activity := rng.choice(ACTIVITY_CODES)) is not None:
                answers["activity"] = activity
            for field in rng.sample(["numbness", "calf_swelling", "lump", "tender_spot"], 1):
                answers[field] = rng.random() < 0.3
            if rng.random() < 0.3:
                answers["provoked_by"] = [rng.choice(["hamstring_stretch", "deep_flexion"])]
            entry_factory(user, date=days_ago(rng.randint(0, 20)), **answers)
        else:
            questions = client.get("/api/insights").get_json()["next_questions"]
            if questions:
                question = rng.choice(questions)
                data = {"csrf_token": logged_in.csrf, "code": question["code"], "from": "insights"}
                if question.get("entry_id"):
                    data["entry_id"] = question["entry_id"]
                if action < 0.85:
                    data["option"] = str(rng.randrange(len(question["options"])))
                    path = "/questions/answer"
                else:
                    path = "/questions/skip"
                assert client.post(path, data=data, headers=htmx()).status_code in (200, 422)
        response = client.get("/insights")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        text = visible_text(html)
        findings = client.get("/api/insights").get_json()
        headline = {
            "emergency": "Seek emergency care now",
            "see_professional": "See a healthcare professional",
            "self_care": "Self-care for now",
        }[findings["urgency"]]
        assert text.count(headline) == 1, text
        assert not ("Not enough to go on" in text and re.search(r"\blikely\b", text, re.I))
        first, second = (
            ("urgency", "story")
            if findings["urgency"] == "emergency"
            else (
                "story",
                "urgency",
            )
        )
        assert html.index(f'id="{first}"') < html.index(f'id="{second}"')


def test_advice_names_causes_in_plain_words(client, logged_in, user, entry_factory):
    log(entry_factory, user, *RUNNERS_WEEKS)
    html = client.get("/insights").get_data(as_text=True)
    because = re.findall(r'<p class="because">([^<]*)</p>', html)
    assert because, "the runner's weeks get advice with its reasons"
    assert any("overused hamstring tendon just below the knee" in b for b in because)
    assert not any("tendinopathy" in b for b in because)
