"""Download all my data, import it back without duplicates, and delete everything."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from tests.support import count_entries
from webapp.extensions import db
from webapp.models import PushSubscription, ReminderSettings, ShareLink, User

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "shared" / "design" / "diary-entry.schema.json"


@pytest.fixture(scope="module")
def diary_schema():
    if not SCHEMA_PATH.exists():  # the checkout sits beside shared/, here and in CI
        pytest.fail(f"shared schema not found at {SCHEMA_PATH}")
    return json.loads(SCHEMA_PATH.read_text())


def full_entry(entry_factory, user):
    return entry_factory(
        user,
        date="2026-11-18",
        pain=6,
        side="right",
        locations=["center", "inner"],
        activity="downhill_running",
        timing="after",
        swelling="mild",
        numbness=False,
        clicking=True,
        onset="gradual",
        mechanism="none",
        provoked_by=["deep_flexion", "twisting"],
        calf_tenderness=False,
        can_bear_weight=True,
        load_change="big_increase",
        warm_up=False,
        worn_footwear=True,
        notes="Ünïcode and commas, fine",
    )


def download(client):
    response = client.get("/account/diary.json")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "attachment" in response.headers["Content-Disposition"]
    return json.loads(response.get_data(as_text=True))


def test_download_is_valid_fossa_diary(client, logged_in, user, entry_factory, diary_schema):
    full_entry(entry_factory, user)
    entry_factory(user, date="2026-11-19", pain=0)
    document = download(client)
    jsonschema.Draft202012Validator(
        diary_schema, format_checker=jsonschema.FormatChecker()
    ).validate(document)
    assert [e["date"] for e in document["entries"]] == ["2026-11-18", "2026-11-19"]
    assert document["timezone"] == "Europe/Berlin"


def import_file(client, csrf, document):
    payload = json.dumps(document).encode()
    return client.post(
        "/account/import",
        data={"import-file": (io.BytesIO(payload), "diary.json"), "csrf_token": csrf},
        content_type="multipart/form-data",
    )


def test_import_round_trips_without_loss_or_duplicates(app, client, logged_in, user, entry_factory):
    full_entry(entry_factory, user)
    original = download(client)
    with app.app_context():
        db.session.execute(db.delete(db.metadata.tables["entry"]))
        db.session.commit()

    assert import_file(client, logged_in.csrf, original).status_code == 303
    again = import_file(client, logged_in.csrf, original)
    assert again.status_code == 303
    assert count_entries(app) == 1
    assert download(client)["entries"] == original["entries"]


def test_import_refuses_an_invalid_file_with_reasons(app, client, logged_in):
    bad = {"format": "fossa-diary/1", "entries": [{"date": "2026-11-01", "pain": 14}]}
    response = import_file(client, logged_in.csrf, bad)
    assert response.status_code == 422
    assert "Entry 1, pain" in response.get_data(as_text=True)
    assert count_entries(app) == 0


def test_import_refuses_a_file_that_is_not_json(client, logged_in):
    response = client.post(
        "/account/import",
        data={
            "import-file": (io.BytesIO(b"\x89PNG..."), "diary.json"),
            "csrf_token": logged_in.csrf,
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.get_data(as_text=True)


def test_delete_account_needs_confirmation(app, client, logged_in, user):
    response = client.post(
        "/account/delete",
        data={
            "delete-password": "correct horse battery",
            "delete-confirm": "no",
            "csrf_token": logged_in.csrf,
        },
    )
    assert response.status_code == 422
    with app.app_context():
        assert db.session.get(User, user.id) is not None


def test_delete_account_removes_every_row_of_the_person(
    app, client, logged_in, user, other_user, entry_factory
):
    import datetime as dt

    entry_factory(user, pain=3)
    entry_factory(other_user, pain=4)
    with app.app_context():
        db.session.add(ReminderSettings(user_id=user.id, enabled=True))
        db.session.add(
            PushSubscription(
                user_id=user.id, endpoint="https://push.example/1", p256dh="k", auth="a"
            )
        )
        db.session.add(
            ShareLink(user_id=user.id, token_hash="h" * 64, expires_at=dt.datetime.now(dt.UTC))
        )
        db.session.commit()
    response = client.post(
        "/account/delete",
        data={
            "delete-password": "correct horse battery",
            "delete-confirm": "delete",
            "csrf_token": logged_in.csrf,
        },
    )
    assert response.status_code == 303
    with app.app_context():
        assert db.session.get(User, user.id) is None
        for model in (ReminderSettings, PushSubscription, ShareLink):
            assert db.session.scalar(db.select(db.func.count()).select_from(model)) == 0
    assert count_entries(app) == 1  # the other person's entry stays
    assert client.get("/today").status_code == 302
