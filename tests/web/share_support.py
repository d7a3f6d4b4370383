"""What the share tests have in common: a diary with known figures, and link helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.support import make_entry
from webapp.models import User

# A diary with known figures: worst 8 on 10 Nov, pains 2, 5, 8, 3, 4 on five days
# (median 4), and two calf signs on 18 Nov: the insights engine's DVT red flag.
KNOWN_DAYS = {
    dt.date(2026, 11, 2): dict(pain=2, side="left", activity="running", locations=["center"]),
    dt.date(2026, 11, 5): dict(
        pain=5, side="left", activity="running", provoked_by=["deep_flexion"], numbness=False
    ),
    dt.date(2026, 11, 10): dict(
        pain=8, side="left", activity="downhill_running", swelling="mild", notes="Hill reps – ouch"
    ),
    dt.date(2026, 11, 12): dict(pain=3, side="right", activity="cycling"),
    dt.date(2026, 11, 18): dict(pain=4, calf_swelling=True, calf_redness=True),
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
