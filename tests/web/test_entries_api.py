"""The JSON entry API of the offline queue: idempotent on the client's id."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.support import count_entries

TODAY = dt.date.today()


def an_entry(**fields):
    entry = {"id": str(uuid.uuid4()), "date": TODAY.isoformat(), "pain": 5, "activity": "running"}
    entry.update(fields)
    return entry


def test_new_entry_answers_201_with_the_stored_entry(app, client, logged_in):
    body = an_entry(locations=["inner"], calf_tenderness=False)
    response = client.post("/api/entries", json=body, headers=logged_in.headers)
    assert response.status_code == 201
    assert response.get_json() == {**body, "locations": ["inner"]}


def test_replayed_entry_is_not_duplicated(app, client, logged_in):
    body = an_entry()
    first = client.post("/api/entries", json=body, headers=logged_in.headers)
    replay = client.post("/api/entries", json={**body, "pain": 9}, headers=logged_in.headers)
    assert first.status_code == 201
    assert replay.status_code == 200
    assert replay.get_json()["pain"] == 5  # the stored entry, not the replayed body
    assert count_entries(app) == 1


def test_same_id_from_two_people_are_two_entries(app, client, logged_in, other_user):
    body = an_entry()
    assert client.post("/api/entries", json=body, headers=logged_in.headers).status_code == 201
    logged_in.logout()
    logged_in.login(email=other_user.email)
    assert client.post("/api/entries", json=body, headers=logged_in.headers).status_code == 201
    assert count_entries(app) == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"pain": 11}, "pain"),
        ({"pain": -1}, "pain"),
        ({"pain": "abc"}, "pain"),
        ({"pain": True}, "pain"),
        ({"swelling": "huge"}, "swelling"),
        ({"locations": ["center", "center"]}, "locations"),
        ({"date": (TODAY + dt.timedelta(days=2)).isoformat()}, "date"),
        ({"notes": "n" * 2001}, "notes"),
        ({"id": "not-a-uuid"}, "id"),
        ({"mood": "great"}, "mood"),
        ({"numbness": "yes"}, "numbness"),
    ],
)
def test_invalid_entry_answers_422_with_field_errors(app, client, logged_in, fields, field):
    response = client.post("/api/entries", json=an_entry(**fields), headers=logged_in.headers)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert count_entries(app) == 0


def test_malformed_json_answers_400(client, logged_in):
    response = client.post(
        "/api/entries",
        data="{not json",
        headers={**logged_in.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "errors" in response.get_json()


def test_missing_csrf_header_is_refused(app, client, logged_in):
    response = client.post("/api/entries", json=an_entry())
    assert response.status_code == 400
    assert "csrf" in response.get_json()["errors"]
    assert count_entries(app) == 0


def test_logged_out_api_answers_401(client):
    assert client.get("/api/entries").status_code == 401


def test_list_since_a_day(client, logged_in, user, entry_factory):
    entry_factory(user, date=TODAY - dt.timedelta(days=10), pain=1)
    recent = entry_factory(user, date=TODAY - dt.timedelta(days=1), pain=2)
    response = client.get(f"/api/entries?since={(TODAY - dt.timedelta(days=3)).isoformat()}")
    assert response.status_code == 200
    body = response.get_json()
    assert body["format"] == "fossa-diary/1"
    assert [e["id"] for e in body["entries"]] == [recent.id]


def test_list_with_a_bad_since_answers_422(client, logged_in):
    response = client.get("/api/entries?since=last-week")
    assert response.status_code == 422
    assert "since" in response.get_json()["errors"]
