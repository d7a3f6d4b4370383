"""Fossa's questions after saving and on /insights: one tap stores the answer where it
belongs (the entry or the episode), skips are remembered, bad input is a clear 422."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import htmx
from webapp.extensions import db
from webapp.models import Entry, Episode

CALF_QUESTION = "safety:dvt_calf_signs"


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def asked(client) -> list[dict]:
    return client.get("/api/insights").get_json()["next_questions"]


def question(client, code: str) -> dict:
    found = [q for q in asked(client) if q["code"] == code]
    assert found, [q["code"] for q in asked(client)]
    return found[0]


def option_setting(q: dict, **wanted) -> int:
    """The number of the option whose taps store exactly ``wanted``."""
    for number, option in enumerate(q["options"]):
        if option["set"] == wanted:
            return number
    raise AssertionError(f"no option sets {wanted}: {q['options']}")


def none_of_these(q: dict) -> int:
    return option_setting(q, **{field: False for field in q["fields"]})


def severe_calf_entry(entry_factory, user, **more):
    return entry_factory(user, date=today(), pain=8, locations=["calf"], **more)


def stored(app, entry_id: str) -> Entry:
    with app.app_context():
        return db.session.scalar(db.select(Entry).filter_by(id=entry_id))


def answer_form(csrf: str, q: dict, *options: int, origin: str = "today") -> dict:
    data = {"csrf_token": csrf, "code": q["code"], "option": [str(o) for o in options]}
    data["from"] = origin
    if q.get("entry_id"):
        data["entry_id"] = q["entry_id"]
    return data


# ------------------------------------------------------------ asked where they belong
def test_saving_shows_the_next_questions_with_the_safety_question_first(client, logged_in):
    form = {
        "csrf_token": logged_in.csrf,
        "id": str(uuid.uuid4()),
        "date": today().isoformat(),
        "pain": "8",
        "locations": ["calf"],
    }
    response = client.post("/entries", data=form, headers=htmx(logged_in.headers))
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    section = re.search(r'<section id="questions".*?</section>', page, re.S).group(0)
    assert section.count('class="question-card') in (1, 2, 3)
    assert section.index(CALF_QUESTION) < section.index("</article>")  # asked first
    assert "Is your calf or thigh swollen, red or tender to touch?" in section
    # And without JavaScript, the redirect shows the same questions.
    form["id"] = str(uuid.uuid4())
    page = client.post("/entries", data=form, follow_redirects=True).get_data(as_text=True)
    assert CALF_QUESTION in page and 'action="/questions/answer"' in page


def test_an_ordinary_entry_asks_no_safety_question(client, logged_in):
    form = {
        "csrf_token": logged_in.csrf,
        "id": str(uuid.uuid4()),
        "date": today().isoformat(),
        "pain": "2",
        "locations": ["center"],
        "activity": "running",
        "numbness": "no",
        "weakness": "no",
        "calf_swelling": "no",
        "calf_redness": "no",
        "calf_tenderness": "no",
    }
    page = client.post("/entries", data=form, headers=htmx(logged_in.headers)).get_data(
        as_text=True
    )
    section = re.search(r'<section id="questions".*?</section>', page, re.S).group(0)
    assert 'value="safety:' not in section


def test_the_first_entry_of_an_episode_asks_about_the_calf_once(client, logged_in):
    """'Pain 4, centre, running' points nowhere near the leg, yet a DVT can hide behind it:
    the episode's first painful day asks about the calf once; "none" is stored and the
    next day of the episode does not ask again."""

    def post(days_ago: int) -> str:
        form = {
            "csrf_token": logged_in.csrf,
            "id": str(uuid.uuid4()),
            "date": (today() - dt.timedelta(days=days_ago)).isoformat(),
            "pain": "4",
            "locations": ["center"],
            "activity": "running",
            "swelling": "none",
            "numbness": "no",
            "weakness": "no",
        }
        html = client.post("/entries", data=form, headers=htmx(logged_in.headers)).get_data(
            as_text=True
        )
        return re.search(r'<section id="questions".*?</section>', html, re.S).group(0)

    assert CALF_QUESTION in post(1)
    q = question(client, CALF_QUESTION)
    response = client.post(
        "/questions/answer",
        data=answer_form(logged_in.csrf, q, none_of_these(q)),
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    assert CALF_QUESTION not in post(0)


def test_insights_asks_the_same_questions_in_place(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    page = client.get("/insights").get_data(as_text=True)
    assert CALF_QUESTION in page
    assert 'hx-target="#findings"' in page
    assert 'name="from" value="insights"' in page
    assert "Answer Fossa's safety question" in page  # the urgency box points to it


# ------------------------------------------------------------ answering
def test_none_of_these_is_stored_as_no_in_the_entry(app, client, logged_in, user, entry_factory):
    entry = severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    assert q["scope"] == "entry" and q["entry_id"] == entry.id
    response = client.post(
        "/questions/answer",
        data=answer_form(logged_in.csrf, q, none_of_these(q)),
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    assert "Thank you, saved" in response.get_data(as_text=True)
    again = stored(app, entry.id)
    assert (again.calf_swelling, again.calf_redness, again.calf_tenderness) == (False,) * 3
    assert CALF_QUESTION not in [q["code"] for q in asked(client)]  # not asked again


def test_two_signs_picked_raise_the_emergency_at_once(app, client, logged_in, user, entry_factory):
    entry = entry_factory(user, date=today(), pain=4, locations=["calf"])
    q = question(client, CALF_QUESTION)
    picks = [option_setting(q, calf_swelling=True), option_setting(q, calf_redness=True)]
    response = client.post(
        "/questions/answer",
        data=answer_form(logged_in.csrf, q, *picks),
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    # The interrupt comes out of band, at the top of /today.
    assert re.search(r'<div id="emergency"[^>]*hx-swap-oob="true"', fragment)
    assert "emergency-interrupt" in fragment and 'href="tel:' in fragment
    again = stored(app, entry.id)
    # Picked signs yes, the sign not picked is stored as no.
    assert (again.calf_swelling, again.calf_redness, again.calf_tenderness) == (True, True, False)
    assert client.get("/api/insights").get_json()["urgency"] == "emergency"


def test_without_javascript_an_answer_returns_to_where_it_was_asked(
    client, logged_in, user, entry_factory
):
    entry = severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    data = answer_form(logged_in.csrf, q, none_of_these(q))
    data["saved"] = entry.id
    response = client.post("/questions/answer", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/today?saved={entry.id}#questions")
    q2 = asked(client)
    if q2:
        data = answer_form(logged_in.csrf, q2[0], 0, origin="insights")
        response = client.post("/questions/answer", data=data)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/insights#questions")


def test_answering_on_insights_returns_the_whole_findings(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    response = client.post(
        "/questions/answer",
        data=answer_form(logged_in.csrf, q, none_of_these(q), origin="insights"),
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert page.lstrip().startswith('<div id="findings"')
    assert "<html" not in page


def test_an_episode_question_is_stored_once_for_the_episode(
    app, client, logged_in, user, entry_factory
):
    entry_factory(user, date=today() - dt.timedelta(days=1), pain=5, swelling="mild")
    entry_factory(user, date=today(), pain=4, swelling="mild")
    episode_questions = [q for q in asked(client) if q["scope"] == "episode"]
    assert episode_questions, asked(client)
    q = episode_questions[0]
    response = client.post(
        "/questions/answer",
        data=answer_form(logged_in.csrf, q, 0),
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    with app.app_context():
        (episode,) = db.session.scalars(db.select(Episode).filter_by(user_id=user.id)).all()
        values = q["options"][0]["set"]
        assert {f: getattr(episode, f) for f in values} == values
    assert q["code"] not in [other["code"] for other in asked(client)]


def test_skipping_is_remembered_and_not_asked_again(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    codes = [q["code"] for q in asked(client)]
    q = question(client, codes[-1])
    response = client.post(
        "/questions/skip",
        data={k: v for k, v in answer_form(logged_in.csrf, q).items() if k != "option"},
        headers=htmx(logged_in.headers),
    )
    assert response.status_code == 200
    page = client.get("/insights").get_data(as_text=True)
    assert f'name="code" value="{q["code"]}"' not in page


def test_a_skipped_safety_question_is_asked_again_for_a_new_entry(
    client, logged_in, user, entry_factory
):
    entry_factory(user, date=today() - dt.timedelta(days=1), pain=8, locations=["calf"])
    q = question(client, CALF_QUESTION)
    data = {k: v for k, v in answer_form(logged_in.csrf, q).items() if k != "option"}
    client.post("/questions/skip", data=data, headers=htmx(logged_in.headers))
    assert CALF_QUESTION not in client.get("/insights").get_data(as_text=True)
    newer = severe_calf_entry(entry_factory, user)
    again = question(client, CALF_QUESTION)
    assert again["entry_id"] == newer.id
    assert CALF_QUESTION in client.get("/insights").get_data(as_text=True)


# ------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "options",
    [[], ["99"], ["-1"], ["two"], [""]],
    ids=["no answer", "past the end", "negative", "words", "empty"],
)
def test_a_bad_pick_is_a_clear_422_next_to_the_question(
    client, logged_in, user, entry_factory, options
):
    severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    data = answer_form(logged_in.csrf, q)
    data["option"] = options
    response = client.post("/questions/answer", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert re.search(r'class="field-errors"[^>]*role="alert">(Choose)', page)
    # Without JS the page comes back with the message too.
    assert client.post("/questions/answer", data=data).status_code == 422


def test_none_of_these_cannot_go_with_a_sign(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    data = answer_form(logged_in.csrf, q, none_of_these(q), option_setting(q, calf_redness=True))
    response = client.post("/questions/answer", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    assert "None of these" in response.get_data(as_text=True)


def test_a_question_not_asked_is_refused(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    data = {"csrf_token": logged_in.csrf, "code": "safety:made_up", "option": ["0"]}
    response = client.post("/questions/answer", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    assert "no longer applies" in response.get_data(as_text=True)


def test_answers_need_the_csrf_token(client, logged_in, user, entry_factory):
    severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    data = answer_form(logged_in.csrf, q, 0)
    data.pop("csrf_token")
    assert client.post("/questions/answer", data=data).status_code == 400
    assert client.post("/questions/skip", data=data).status_code == 400


def test_another_persons_entry_is_not_found(app, client, auth, user, other_user, entry_factory):
    theirs = severe_calf_entry(entry_factory, other_user)
    severe_calf_entry(entry_factory, user)
    auth.login()
    csrf = auth.refresh_csrf()
    data = {"csrf_token": csrf, "code": CALF_QUESTION, "entry_id": theirs.id, "option": ["0"]}
    assert client.post("/questions/answer", data=data).status_code == 404
    assert client.post("/questions/skip", data=data).status_code == 404
    body = {"code": CALF_QUESTION, "entry_id": theirs.id, "options": [0]}
    headers = {"X-CSRFToken": csrf}
    assert client.post("/api/questions/answer", json=body, headers=headers).status_code == 404
    assert stored(app, theirs.id).calf_swelling is None


def test_questions_need_a_login(client):
    assert client.post("/questions/answer").status_code in (302, 400)
    assert client.post("/api/questions/answer", json={}).status_code in (400, 401)


# ------------------------------------------------------------ JSON
def test_json_answer_stores_and_says_what_comes_next(app, client, logged_in, user, entry_factory):
    entry = severe_calf_entry(entry_factory, user)
    q = question(client, CALF_QUESTION)
    body = {"code": q["code"], "entry_id": entry.id, "options": [none_of_these(q)]}
    response = client.post("/api/questions/answer", json=body, headers=logged_in.headers)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["scope"] == "entry" and answer["entry_id"] == entry.id
    assert answer["stored"] == {f: False for f in q["fields"]}
    assert CALF_QUESTION not in [q["code"] for q in answer["next_questions"]]
    assert stored(app, entry.id).calf_redness is False


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (None, 400),
        ([], 400),
        ({"code": CALF_QUESTION}, 422),
        ({"code": CALF_QUESTION, "options": "0"}, 422),
        ({"code": CALF_QUESTION, "options": [True]}, 422),
        ({"code": 7, "options": [0]}, 422),
        ({"code": CALF_QUESTION, "options": [0], "entry_id": 12}, 422),
    ],
)
def test_json_bad_answers(client, logged_in, user, entry_factory, body, status):
    severe_calf_entry(entry_factory, user)
    kwargs = {"data": "not json", "content_type": "application/json"} if body is None else {}
    if body is not None:
        kwargs["json"] = body
    response = client.post("/api/questions/answer", headers=logged_in.headers, **kwargs)
    assert response.status_code == status
    assert response.get_json()["errors"]["answer"]


def test_json_skip(client, logged_in, user, entry_factory):
    entry = severe_calf_entry(entry_factory, user)
    body = {"code": CALF_QUESTION, "entry_id": entry.id}
    response = client.post("/api/questions/skip", json=body, headers=logged_in.headers)
    assert response.status_code == 200
    assert CALF_QUESTION not in [q["code"] for q in response.get_json()["next_questions"]]


def test_today_embeds_the_safety_screens_and_the_phrase_table(client, logged_in):
    from webapp.insights import client_note_phrases, client_safety_screens

    page = client.get("/today").get_data(as_text=True)

    def embedded(block_id: str):
        raw = re.search(
            rf'<script type="application/json" id="{block_id}">(.*?)</script>', page, re.S
        )
        return json.loads(raw.group(1))

    assert embedded("safety-screens") == json.loads(json.dumps(client_safety_screens()))
    assert embedded("note-phrases") == json.loads(json.dumps(client_note_phrases("en")))
    assert 'id="safety-question-template"' in page
    assert 'id="emergency-template"' in page


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    code=st.one_of(
        st.sampled_from([CALF_QUESTION, "", "safety:", "x" * 500]), st.text(max_size=40)
    ),
    entry_id=st.one_of(st.none(), st.text(max_size=40), st.uuids().map(str)),
    options=st.lists(st.one_of(st.text(max_size=6), st.integers(-5, 50).map(str)), max_size=5),
    origin=st.sampled_from(["today", "insights", "", "elsewhere"]),
    htmx_request=st.booleans(),
)
def test_generated_answers_never_500(
    app, client, logged_in, user, entry_factory, code, entry_id, options, origin, htmx_request
):
    severe_calf_entry(entry_factory, user)
    data = {"csrf_token": logged_in.csrf, "code": code, "option": options, "from": origin}
    if entry_id is not None:
        data["entry_id"] = entry_id
    headers = htmx(logged_in.headers) if htmx_request else {}
    for path in ("/questions/answer", "/questions/skip"):
        response = client.post(path, data=data, headers=headers)
        assert response.status_code in (200, 303, 404, 422), response.status_code
    body = {"code": code, "entry_id": entry_id, "options": options}
    response = client.post("/api/questions/answer", json=body, headers=logged_in.headers)
    # 400: a JSON body the database cannot store (a NUL byte) is refused whole, by design
    # (webapp/security/boundary.py); a form field gets its 422 next to the field.
    assert response.status_code in (200, 400, 404, 422)
