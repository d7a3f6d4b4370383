"""Dates have bounds everywhere (1900-01-01 to the person's today plus one day), and the
extremes stored straight into the database (as an old import or a bug could) never
make a page answer 500: every page of the diary, insights, exports and share views."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest

from tests.support import htmx, make_entry
from tests.web.share_support import create_link, token_path
from webapp.diary import days
from webapp.diary.format import validate_entry
from webapp.extensions import db
from webapp.models import User

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("day", "ok"),
    [
        (dt.date.min, False),
        (dt.date(1899, 12, 31), False),
        (days.FLOOR, True),
        (TODAY, True),
        (TODAY + dt.timedelta(days=1), True),
        (TODAY + dt.timedelta(days=2), False),
        (dt.date.max, False),
    ],
)
def test_the_format_takes_only_days_within_the_bounds(day, ok):
    result = validate_entry({"date": day.isoformat(), "pain": 3}, today=TODAY)
    assert result.ok is ok, result.errors


def test_the_form_and_the_api_refuse_a_year_one_date(client, logged_in):
    form = client.post(
        "/entries",
        data={"csrf_token": logged_in.csrf, "date": "0001-01-01", "pain": "3"},
        headers=htmx(logged_in.headers),
    )
    assert form.status_code == 422
    assert "Choose a day from 1 January 1900 on." in form.get_data(as_text=True)
    api = client.post(
        "/api/entries", json={"date": "0001-01-01", "pain": 3}, headers=logged_in.headers
    )
    assert api.status_code == 422 and "1900" in api.get_json()["errors"]["date"][0]


def test_an_import_with_a_year_one_date_is_refused_whole(client, logged_in):
    document = {
        "format": "fossa-diary/1",
        "entries": [{"date": "2026-11-20", "pain": 2}, {"date": "0001-01-01", "pain": 4}],
    }
    response = client.post(
        "/account/import",
        data={
            "csrf_token": logged_in.csrf,
            "import-csrf_token": logged_in.csrf,
            "import-file": (io.BytesIO(json.dumps(document).encode()), "diary.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code in (303, 422)
    assert client.get("/api/entries").get_json()["entries"] == []


@pytest.mark.parametrize(
    "query",
    [
        "from=0001-01-01&to=0001-01-05",
        "from=1899-12-31&to=1900-01-10",
        "to=0001-01-01",
        "from=9999-12-25&to=9999-12-31",
        "from=1900-01-01&to=1900-03-01",
    ],
)
def test_export_ranges_outside_the_bounds_are_refused_not_500(client, logged_in, query):
    for kind in ("export", "export/diary.csv"):
        response = client.get(f"/{kind}?{query}")
        assert response.status_code in (200, 422), (kind, query, response.status_code)


def test_every_page_answers_with_the_extremes_stored(app, client, logged_in, user):
    with app.app_context():
        today = days.local_today(db.session.get(User, user.id).timezone)
    stored = [
        make_entry(app, user, date=day, pain=pain, notes=f"extreme {day}")
        for day, pain in (
            (dt.date.min, 7),
            (days.FLOOR, 1),
            (today, 4),
            (today + dt.timedelta(days=1), 5),
            (dt.date.max, 9),
        )
    ]
    link = create_link(client, logged_in.csrf, days=7)
    share = token_path(link["url"])
    paths = [
        "/today",
        "/diary",
        "/diary?range=90",
        "/diary?before=0001-01-01",
        "/diary?before=0001-01-02",
        "/diary?before=9999-12-31",
        "/diary?before=1900-01-02",
        "/insights",
        "/api/insights",
        "/api/entries",
        "/api/entries?since=0001-01-01",
        "/account",
        "/account/diary.json",
        "/export",
        "/export/report.pdf",
        "/export/diary.csv",
        "/export/diary.json",
        "/export/fhir.json",
        "/export?from=1900-01-01&to=1900-12-31",
        "/export/report.pdf?from=1900-01-01&to=1900-12-31",
        "/share",
        "/reminders",
        share,
        f"{share}/report.pdf",
        f"{share}/diary.csv",
    ]
    for entry in stored:
        paths += [f"/entries/{entry.id}", f"/entries/{entry.id}/edit"]
    for path in paths:
        # Read each body whole: a streamed export must also finish without an error.
        response = client.get(path)
        response.get_data()
        assert response.status_code < 500, (path, response.status_code)
        fragment = client.get(path, headers=htmx())
        fragment.get_data()
        assert fragment.status_code < 500, (path, "htmx", fragment.status_code)
    # Editing a stored extreme answers with the reason, not a 500.
    edit = client.post(
        f"/entries/{stored[0].id}",
        data={"csrf_token": logged_in.csrf, "date": "0001-01-01", "pain": "7"},
        headers=htmx(logged_in.headers),
    )
    assert edit.status_code == 422
