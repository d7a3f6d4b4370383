"""/today once something is logged today: it opens on today's summary (page, htmx save,
no-JS redirect), the form one tap away; the new form starts as last time."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

from tests.support import htmx
from webapp.extensions import db
from webapp.models import Entry


def local_today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Berlin")).date()  # the test user's zone


def form_data(csrf: str, **fields):
    data = {"csrf_token": csrf, "id": str(uuid.uuid4()), "date": local_today().isoformat()}
    data.update(fields)
    return data


def summary(html: str) -> bool:
    """Today's summary from the server (not the offline card's <template>)."""
    return '<section class="today-done" id="today-done"' in html


def form_hidden(html: str) -> bool:
    tag = re.search(r'<form id="entry-form"[^>]*>', html, re.S).group(0)
    return " hidden" in tag


def test_a_blank_day_opens_on_the_form(client, logged_in):
    html = client.get("/today").get_data(as_text=True)
    assert not summary(html)
    assert not form_hidden(html)


def test_a_logged_day_opens_on_its_summary_with_edit_and_add_another(
    client, logged_in, user, entry_factory
):
    entry = entry_factory(
        user, date=local_today(), pain=6, side="left", locations=["calf"], activity="hiking"
    )
    html = client.get("/today").get_data(as_text=True)
    assert summary(html) and "Logged today" in html
    assert "Left knee · Down into the calf" in html and "Hiking" in html
    assert f"/entries/{entry.id}/edit" in html
    assert "/today?add=1" in html
    assert form_hidden(html)  # kept in the page for "Add another" without a request
    again = client.get("/today?add=1").get_data(as_text=True)
    assert not summary(again) and not form_hidden(again)


def test_the_no_js_save_redirects_to_the_summary_and_names_the_day(client, logged_in):
    response = client.post("/entries", data=form_data(logged_in.csrf, pain="3"))
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert summary(html) and "data-just-saved" in html
    assert local_today().strftime("Saved for %A %-d %B") in html


def test_the_htmx_save_answers_with_the_summary(client, logged_in):
    response = client.post("/entries", data=form_data(logged_in.csrf, pain="5"), headers=htmx())
    assert response.status_code == 201
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="log"')
    assert summary(html) and "data-just-saved" in html and form_hidden(html)


def test_a_backdated_save_keeps_the_form_on_that_day(client, logged_in, user, entry_factory):
    entry_factory(user, date=local_today(), pain=2)
    earlier = local_today() - dt.timedelta(days=3)
    response = client.post(
        "/entries",
        data=form_data(logged_in.csrf, pain="4", date=earlier.isoformat()),
        headers=htmx(),
    )
    html = response.get_data(as_text=True)
    assert not summary(html) and not form_hidden(html)
    assert f'value="{earlier.isoformat()}"' in html
    assert earlier.strftime("Saved for %A %-d %B") in html


def test_the_new_form_starts_with_the_side_and_steady_details_of_last_time(
    client, logged_in, user, entry_factory
):
    entry_factory(
        user,
        date=local_today() - dt.timedelta(days=2),
        pain=4,
        side="right",
        activity="cycling",
        clicking=True,
        calf_swelling=False,
        numbness=False,
        load_change="increase",
    )
    html = client.get("/today").get_data(as_text=True)
    assert re.search(r'name="side" value="right"\s+checked', html)
    assert re.search(r'name="clicking" value="yes"\s+checked', html)
    assert re.search(r'name="load_change" value="increase"\s+checked', html)
    assert "as last time" in html
    # Safety answers are never carried: asked afresh each day.
    assert not re.search(r'name="calf_swelling" value="no"\s+checked', html)
    assert not re.search(r'name="numbness" value="no"\s+checked', html)
    # That activity comes first.
    activities = re.findall(r'name="activity" value="([a-z_]+)"', html)
    assert activities[0] == "cycling" and len(activities) == 11


def test_a_new_episode_starts_blank(client, logged_in, user, entry_factory):
    entry_factory(user, date=local_today() - dt.timedelta(days=30), pain=4, side="right")
    html = client.get("/today").get_data(as_text=True)
    assert not re.search(r'name="side" value="right"\s+checked', html)
    assert "as last time" not in html


def test_clearing_a_detail_without_javascript_stores_not_recorded(
    app, client, logged_in, user, entry_factory
):
    entry = entry_factory(user, date=local_today(), pain=3, clicking=True)
    response = client.post(
        f"/entries/{entry.id}",
        data={
            "csrf_token": logged_in.csrf,
            "date": local_today().isoformat(),
            "pain": "3",
            "clicking": "",  # the "Not recorded" choice shown without JavaScript
        },
    )
    assert response.status_code == 303
    with app.app_context():
        stored = db.session.scalar(db.select(Entry).filter_by(id=entry.id))
        assert stored.clicking is None
