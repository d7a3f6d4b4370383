"""What the share tests have in common: a diary with known figures, and link helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support import make_entry
from webapp.models import User

# A diary with known figures: worst 8 on 10 Nov, pains 2, 5, 8, 3 on four days.
KNOWN_DAYS = {
    dt.date(2026, 11, 2): dict(pain=2, side="left", activity="running", locations=["center"]),
    dt.date(2026, 11, 5): dict(
        pain=5, side="left", activity="running", provoked_by=["deep_flexion"], numbness=False
    ),
    dt.date(2026, 11, 10): dict(
        pain=8, side="left", activity="downhill_running", swelling="mild", notes="Hill reps – ouch"
    ),
    dt.date(2026, 11, 12): dict(pain=3, side="right", activity="cycling"),
}


def make_known_diary(app: Flask, user: User) -> None:
    for day, answers in KNOWN_DAYS.items():
        make_entry(app, user, date=day, **answers)


def create_link(client: FlaskClient, csrf: str, **body: Any) -> dict[str, Any]:
    response = client.post(
        "/api/share-links", json=body or {"days": 14}, headers={"X-CSRFToken": csrf}
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def token_path(url: str) -> str:
    return url[url.index("/s/") :]
