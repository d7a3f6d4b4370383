"""Health data stays with its owner: another person's entry id is simply not found."""

from __future__ import annotations

import pytest

from tests.support import count_entries


@pytest.fixture
def foreign_entry(app, other_user, entry_factory):
    return entry_factory(other_user, pain=8, notes="private")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/entries/{id}"),
        ("get", "/entries/{id}/edit"),
        ("post", "/entries/{id}"),
        ("post", "/entries/{id}/delete"),
    ],
)
def test_another_persons_entry_answers_404(app, client, logged_in, foreign_entry, method, path):
    data = {"csrf_token": logged_in.csrf, "pain": "1", "date": "2026-11-20"}
    response = getattr(client, method)(path.format(id=foreign_entry.id), data=data)
    assert response.status_code == 404
    assert count_entries(app) == 1


def test_api_never_lists_another_persons_entries(client, logged_in, foreign_entry):
    body = client.get("/api/entries").get_json()
    assert body["entries"] == []


def test_api_replay_of_another_persons_id_does_not_reveal_it(client, logged_in, foreign_entry):
    response = client.post(
        "/api/entries",
        json={"id": foreign_entry.id, "date": "2026-11-20", "pain": 1},
        headers=logged_in.headers,
    )
    assert response.status_code == 201
    assert response.get_json()["pain"] == 1


@pytest.mark.parametrize(
    "path", ["/today", "/diary", "/account", "/account/diary.json", "/entries/x/edit"]
)
def test_logged_out_pages_redirect_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logged_out_htmx_request_is_told_to_redirect(client):
    response = client.get("/diary", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert "/login" in response.headers["HX-Redirect"]


def test_logged_out_post_is_refused(app, client):
    response = client.post("/entries", data={"pain": "3"})
    assert response.status_code in (400, 302)
    assert count_entries(app) == 0
