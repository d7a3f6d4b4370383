"""The pages a newcomer meets first answer at all."""

from __future__ import annotations


def test_welcome_page_shows_for_visitors(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Start my diary" in response.data


def test_today_needs_login(client):
    response = client.get("/today")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_logged_in_person_sees_the_log_form(client, logged_in):
    response = client.get("/today")
    assert response.status_code == 200
    assert b"How is your knee today?" in response.data
