"""The emergency interrupt: shown until acknowledged, per raising, with a tel: link."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from tests.support import htmx
from webapp.emergency import numbers
from webapp.extensions import db
from webapp.models import FlagAcknowledgement

CALF_SIGNS = {"calf_swelling": True, "calf_redness": True}


def today_page(client) -> str:
    response = client.get("/today")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def interrupt(page: str) -> str | None:
    match = re.search(r'<section class="emergency-interrupt" role="alert".*?</section>', page, re.S)
    return match.group(0) if match else None


def ack_form(page: str) -> dict[str, object]:
    block = interrupt(page)
    assert block, "no interrupt on the page"
    return {
        "csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', block).group(1),
        "code": re.search(r'name="code" value="([^"]+)"', block).group(1),
        "raised_by": re.findall(r'name="raised_by" value="([^"]+)"', block),
    }


def test_an_emergency_stays_at_the_top_of_today_with_its_call_link(
    client, logged_in, user, entry_factory
):
    entry_factory(user, pain=4, **CALF_SIGNS)
    page = today_page(client)
    block = interrupt(page)
    assert block is not None
    assert "Seek emergency care now" in block
    words = re.sub(r"<[^>]+>", "", block)
    assert "Your answers match signs of a deep vein thrombosis (DVT)" in words
    assert 'href="tel:112"' in block  # UTC: the 112 fallback
    assert page.index("emergency-interrupt") < page.index('id="entry-form"')
    assert "data-emergency-badge" in page  # and Insights is badged, on every page
    assert "data-emergency-badge" in client.get("/diary").get_data(as_text=True)


def test_yesterdays_unacknowledged_emergency_is_still_shown(client, logged_in, user, entry_factory):
    today = dt.datetime.now(dt.UTC).date()
    entry_factory(user, date=today - dt.timedelta(days=1), pain=4, **CALF_SIGNS)
    assert interrupt(today_page(client)) is not None


def test_acknowledging_hides_it_and_the_badge_but_the_history_keeps_it(
    client, logged_in, user, entry_factory
):
    entry = entry_factory(user, pain=4, **CALF_SIGNS)
    form = ack_form(today_page(client))
    assert form["raised_by"] == [entry.id]
    response = client.post("/emergency/acknowledge", data=form)
    assert response.status_code == 303
    page = today_page(client)
    assert interrupt(page) is None
    assert "data-emergency-badge" not in page
    history = client.get("/diary").get_data(as_text=True)
    assert 'class="entry-flag flag-emergency"' in history


def test_a_new_entry_raising_it_again_needs_its_own_acknowledgement(
    client, logged_in, user, entry_factory
):
    entry_factory(user, pain=4, **CALF_SIGNS)
    client.post("/emergency/acknowledge", data=ack_form(today_page(client)))
    second = entry_factory(user, pain=5, calf_swelling=True, calf_tenderness=True)
    form = ack_form(today_page(client))
    assert form["raised_by"] == [second.id]


def test_acknowledging_twice_is_harmless(client, logged_in, user, entry_factory):
    entry_factory(user, pain=4, **CALF_SIGNS)
    form = ack_form(today_page(client))
    assert client.post("/emergency/acknowledge", data=form).status_code == 303
    assert client.post("/emergency/acknowledge", data=form).status_code == 303
    with client.application.app_context():
        assert db.session.query(FlagAcknowledgement).count() == 1


@pytest.mark.parametrize(
    "data",
    [{}, {"code": "dvt_suspected"}, {"raised_by": str(uuid.uuid4())}],
    ids=["nothing", "no raising", "no code"],
)
def test_an_incomplete_acknowledgement_is_a_clear_422(client, logged_in, data):
    response = client.post("/emergency/acknowledge", data={"csrf_token": logged_in.csrf, **data})
    assert response.status_code == 422
    assert "reload the page" in response.get_data(as_text=True)


def test_acknowledging_needs_the_csrf_token(client, logged_in, user, entry_factory):
    entry_factory(user, pain=4, **CALF_SIGNS)
    form = ack_form(today_page(client))
    form.pop("csrf_token")
    assert client.post("/emergency/acknowledge", data=form).status_code == 400


def test_nobody_can_acknowledge_another_persons_emergency(
    client, auth, user, other_user, entry_factory
):
    entry = entry_factory(other_user, pain=4, **CALF_SIGNS)
    auth.login()
    data = {"csrf_token": auth.refresh_csrf(), "code": "dvt_suspected", "raised_by": entry.id}
    client.post("/emergency/acknowledge", data=data)
    with client.application.app_context():
        assert db.session.query(FlagAcknowledgement).count() == 0


def test_after_saving_the_interrupt_comes_in_the_fragment_and_the_redirect(client, logged_in):
    base = {
        "csrf_token": logged_in.csrf,
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "pain": "3",
        "calf_swelling": "yes",
        "calf_redness": "yes",
    }
    response = client.post(
        "/entries", data={**base, "id": str(uuid.uuid4())}, headers=htmx(logged_in.headers)
    )
    assert response.status_code == 201
    fragment = response.get_data(as_text=True)
    assert interrupt(fragment) is not None
    assert 'class="flag-banner flag-emergency"' not in fragment  # one warning, not two
    page = client.post("/entries", data={**base, "id": str(uuid.uuid4())}, follow_redirects=True)
    assert interrupt(page.get_data(as_text=True)) is not None


def test_the_number_follows_the_persons_setting_else_their_timezone(client, logged_in, user):
    with client.application.app_context():
        person = db.session.get(type(user), user.id)
        person.timezone = "America/Chicago"
        db.session.commit()
    page = today_page(client)
    assert 'href="tel:911"' in page  # the live interrupt's template carries it too
    with client.application.app_context():
        person = db.session.get(type(user), user.id)
        person.emergency_number = "144"
        db.session.commit()
    assert 'href="tel:144"' in today_page(client)


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/Berlin", "112"),
        ("Europe/London", "999"),
        ("America/New_York", "911"),
        ("America/Toronto", "911"),
        ("Australia/Sydney", "000"),
        ("Pacific/Auckland", "111"),
        ("Asia/Tokyo", "119"),
        ("UTC", "112"),
        ("", "112"),
        (None, "112"),
        ("Mars/Olympus", "112"),
    ],
)
def test_default_number_by_timezone(zone, number):
    assert numbers.default_number(zone) == number


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("112", ("112", None)),
        (" 9 1 1 ", ("911", None)),
        ("", (None, None)),
        ("000", ("000", None)),
    ],
)
def test_typed_numbers_are_cleaned(typed, expected):
    assert numbers.clean_number(typed) == expected


@pytest.mark.parametrize("typed", ["1", "12345678", "+44 999", "call me", "11a"])
def test_bad_numbers_are_refused_with_a_message(typed):
    value, error = numbers.clean_number(typed)
    assert value is None and "digits" in error


def test_the_emergency_number_is_set_in_account(client, logged_in, user):
    page = client.get("/account").get_data(as_text=True)
    assert "usual number where you are: 112" in page
    data = {"csrf_token": logged_in.csrf, "profile-timezone": "Europe/Zurich"}
    response = client.post("/account/profile", data={**data, "profile-emergency_number": "144"})
    assert response.status_code == 303
    assert 'href="tel:144"' in today_page(client)
    # Emptied again: the usual number of the timezone.
    client.post("/account/profile", data={**data, "profile-emergency_number": ""})
    assert 'href="tel:112"' in today_page(client)


def test_a_bad_emergency_number_is_refused_next_to_the_field(client, logged_in):
    data = {
        "csrf_token": logged_in.csrf,
        "profile-timezone": "Europe/Zurich",
        "profile-emergency_number": "call 144",
    }
    response = client.post("/account/profile", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "2 to 6 digits" in page
    assert 'value="call 144"' in page  # what the person typed stays


def test_a_note_alone_raises_the_interrupt_and_no_withdraws_it(
    client, logged_in, user, entry_factory
):
    entry = entry_factory(
        user, date=dt.datetime.now(dt.UTC).date(), pain=3, notes="my calf is swollen, red and hot"
    )
    assert interrupt(today_page(client)) is not None
    # Fossa asks to confirm what it read; "no" is the person's answer and withdraws it.
    confirms = [
        q
        for q in client.get("/api/insights").get_json()["next_questions"]
        if q["kind"] == "confirm_note" and q["entry_id"] == entry.id
    ]
    assert confirms
    for q in confirms:
        number = next(i for i, o in enumerate(q["options"]) if set(o["set"].values()) == {False})
        body = {"code": q["code"], "entry_id": entry.id, "options": [number]}
        response = client.post("/api/questions/answer", json=body, headers=logged_in.headers)
        assert response.status_code in (200, 422)  # 422: an earlier "no" already answered it
    assert client.get("/api/insights").get_json()["urgency"] != "emergency"
    assert interrupt(today_page(client)) is None


def test_an_emergency_read_in_yesterdays_note_is_in_the_history(
    client, logged_in, user, entry_factory
):
    yesterday = dt.datetime.now(dt.UTC).date() - dt.timedelta(days=1)
    entry = entry_factory(user, date=yesterday, pain=3, notes="calf red and swollen since the run")
    assert interrupt(today_page(client)) is not None
    history = client.get("/diary").get_data(as_text=True)
    block = history[history.index(f'id="entry-{entry.id}"') :]
    assert 'class="entry-flag flag-emergency"' in block[: block.index("</article>")]
