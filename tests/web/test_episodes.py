"""Episodes: found and started from the diary, their facts in the download and the import."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid

import pytest

from webapp.extensions import db
from webapp.insights.episode import episodes_from_diary
from webapp.models import Episode
from webapp.questions import episodes

DAY = dt.date(2026, 11, 20)


def days(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def add_episode(app, user, started_on, **facts):
    with app.app_context():
        episode = Episode(id=str(uuid.uuid4()), user_id=user.id, started_on=started_on, **facts)
        db.session.add(episode)
        db.session.commit()
        return episode.id


def current_id(app, user, today):
    with app.app_context():
        episode = episodes.current_episode(db.session.get(type(user), user.id), today)
        return episode.id if episode else None


def test_no_episode_until_one_is_started(app, user, entry_factory):
    entry_factory(user, date=DAY, pain=4)
    assert current_id(app, user, DAY) is None


def test_the_episode_lasts_while_the_pain_goes_on(app, user, entry_factory):
    started = add_episode(app, user, days(0), onset="sudden")
    for n in range(0, 60, 5):  # weeks of pain, never 14 days apart
        entry_factory(user, date=days(n), pain=3)
    assert current_id(app, user, days(60)) == started  # longer than the engine's 28 days


def test_a_break_of_two_weeks_without_pain_ends_it(app, user, entry_factory):
    add_episode(app, user, days(0), popping=True)
    entry_factory(user, date=days(0), pain=5)
    entry_factory(user, date=days(3), pain=0)  # a pain-free day is no pain
    entry_factory(user, date=days(16), pain=4)  # 16 days after the last painful day
    assert current_id(app, user, days(16)) is None
    assert current_id(app, user, days(10)) is not None  # before the new pain it still held


def test_a_new_episode_starts_on_the_first_day_of_the_stretch(app, user, entry_factory):
    entry_factory(user, date=days(0), pain=5)
    entry_factory(user, date=days(20), pain=2)
    entry_factory(user, date=days(25), pain=3)
    with app.app_context():
        person = db.session.get(type(user), user.id)
        episode = episodes.episode_for_answers(person, days(26))
        assert episode.started_on == days(20)
        db.session.commit()
    assert current_id(app, user, days(26)) is not None


def test_with_nothing_painful_it_starts_today(app, user):
    with app.app_context():
        person = db.session.get(type(user), user.id)
        assert episodes.stretch_start(person, DAY) == DAY


def test_another_persons_episode_is_never_theirs(app, user, other_user, entry_factory):
    add_episode(app, other_user, days(0), lump=True)
    entry_factory(user, date=days(1), pain=3)
    assert current_id(app, user, days(1)) is None


# ------------------------------------------------------------ download and import
def download(client):
    return json.loads(client.get("/account/diary.json").get_data(as_text=True))


def upload(client, csrf, document):
    data = {
        "csrf_token": csrf,
        "import-file": (io.BytesIO(json.dumps(document).encode()), "diary.json"),
    }
    return client.post("/account/import", data=data, content_type="multipart/form-data")


def test_episodes_are_in_the_download_and_come_back_on_import(
    app, client, logged_in, user, other_user, entry_factory
):
    entry_factory(user, date=days(0), pain=5)
    add_episode(
        app,
        user,
        days(0),
        onset="sudden",
        mechanism="direct_blow",
        prior_injury=True,
        skipped=["separate:lump"],
    )
    document = download(client)
    assert document["format"] == "fossa-diary/1"
    (episode,) = document["episodes"]
    assert episode["start"] == "2026-11-20"
    facts = episode["facts"]
    assert facts == {"onset": "sudden", "mechanism": "direct_blow", "prior_injury": True}
    assert episode["skipped_questions"] == ["separate:lump"]
    # The engine's own reader of diary files reads the same list.
    assert episodes_from_diary(document) == [{"start": "2026-11-20", "facts": facts}]

    # Into another account: the episode arrives with its facts, once.
    client.post("/logout", data={"csrf_token": logged_in.csrf})
    logged_in.login("someone.else@example.com")
    csrf = logged_in.refresh_csrf()
    assert upload(client, csrf, document).status_code == 303
    assert upload(client, csrf, document).status_code == 303
    with app.app_context():
        stored = db.session.scalars(db.select(Episode).filter_by(user_id=other_user.id)).all()
        assert len(stored) == 1
        assert stored[0].mechanism == "direct_blow" and stored[0].prior_injury is True


def test_an_episode_in_the_engines_shape_imports(app, client, logged_in, user):
    document = {
        "format": "fossa-diary/1",
        "entries": [{"date": "2026-11-20", "pain": 2}],
        "episodes": [{"start": "2026-11-18", "facts": {"popping": True}}],
    }
    assert upload(client, logged_in.csrf, document).status_code == 303
    with app.app_context():
        (episode,) = db.session.scalars(db.select(Episode).filter_by(user_id=user.id)).all()
        assert episode.started_on == days(-2) and episode.popping is True


def test_a_file_without_episodes_still_imports(client, logged_in):
    document = {"format": "fossa-diary/1", "entries": [{"date": "2026-11-20", "pain": 2}]}
    assert upload(client, logged_in.csrf, document).status_code == 303
    assert "episodes" not in download(client)


@pytest.mark.parametrize(
    ("episodes_value", "message"),
    [
        ("lots", "must be a list"),
        ([{"start": "yesterday"}], "start"),
        ([{"start": "2026-11-20", "facts": {"onset": "slowly"}}], "onset"),
        ([{"start": "2026-11-20", "facts": {"lump": "yes"}}], "lump"),
        ([{"start": "2026-11-20", "facts": {"colour": "red"}}], "colour"),
        ([{"start": "2026-11-20", "facts": "sudden"}], "facts"),
        ([{"start": "2026-11-20", "colour": "red"}], "colour"),
        ([{"start": "2026-11-20", "id": "not-a-uuid"}], "UUID"),
        ([{"start": "2026-11-20", "skipped_questions": [1, 2]}], "skipped_questions"),
        (["an episode"], "must be an object"),
    ],
)
def test_bad_episodes_refuse_the_file_with_the_reason(client, logged_in, episodes_value, message):
    document = {
        "format": "fossa-diary/1",
        "entries": [{"date": "2026-11-20", "pain": 2}],
        "episodes": episodes_value,
    }
    response = upload(client, logged_in.csrf, document)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert download(client)["entries"] == []  # all or nothing


def test_today_tells_the_form_the_facts_already_known(app, client, logged_in, user, entry_factory):
    today = dt.datetime.now(dt.UTC).date()
    entry_factory(user, date=today, pain=4)
    add_episode(app, user, today, popping=False, onset="sudden")
    page = client.get("/today").get_data(as_text=True)
    raw = page.split('<script type="application/json" id="episode-facts">', 1)[1]
    assert json.loads(raw.split("</script>", 1)[0]) == {"onset": "sudden", "popping": False}
