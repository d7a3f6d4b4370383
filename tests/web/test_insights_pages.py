"""The insights page, its JSON, the red-flag banner after saving and the live rules on /today."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

from tests.support import htmx
from webapp.insights import client_red_flag_rules

TODAY = dt.date.today()
CALF_SIGNS = {"calf_swelling": True, "calf_redness": True, "calf_tenderness": True}


def days_ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def entry_form(csrf: str, **fields: str) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf,
        "id": str(uuid.uuid4()),
        "date": TODAY.isoformat(),
        "pain": "3",
        "side": "left",
        "locations": ["center"],
        "activity": "none",
    }
    data.update(fields)
    return data


def test_insights_needs_a_login(client):
    assert client.get("/insights").status_code == 302
    assert client.get("/api/insights").status_code == 401


def test_an_empty_diary_is_self_care_with_the_disclaimer(client, logged_in):
    findings = client.get("/api/insights").get_json()
    assert findings["urgency"] == "self_care"
    assert findings["causes"] == [] and findings["red_flags"] == []
    page = client.get("/insights").get_data(as_text=True)
    assert findings["urgency_text"] in page
    assert findings["disclaimer"] in page
    assert "Nothing in your log points to a cause yet" in page


def test_calf_signs_make_the_page_an_emergency_with_evidence(
    client, logged_in, user, entry_factory
):
    entry = entry_factory(user, date=TODAY, pain=3, activity="none", **CALF_SIGNS)
    findings = client.get("/api/insights").get_json()
    assert findings["urgency"] == "emergency"
    assert findings["red_flags"][0]["code"] == "dvt_suspected"
    page = client.get("/insights").get_data(as_text=True)
    assert 'id="red-flag-dvt_suspected"' in page
    assert f"/entries/{entry.id}" in page  # the evidence links to the day that raised it
    assert page.index("red-flag-dvt_suspected") < page.index("causes-title")


def test_causes_show_their_evidence_and_the_articles_words(client, logged_in, user, entry_factory):
    for n in range(5):
        entry_factory(
            user,
            date=days_ago(n),
            pain=5,
            side="right",
            locations=["inner"],
            activity="running",
            timing="after",
            swelling="none",
            provoked_by=["resisted_flexion"],
            tender_spot=True,
        )
    findings = client.get("/api/insights").get_json()
    assert findings["causes"], "a week of medial pain after running must suggest something"
    page = client.get("/insights").get_data(as_text=True)
    for cause in findings["causes"]:
        assert f'id="cause-{cause["code"]}"' in page
        assert cause["passage"][:60] in page.replace("&#39;", "'").replace("&#34;", '"')


def test_what_fossa_asks_next_is_answerable_on_insights(client, logged_in, user, entry_factory):
    entry_factory(user, date=TODAY, pain=4, locations=["center"], activity="running")
    findings = client.get("/api/insights").get_json()
    assert not findings["enough_to_go_on"]
    assert findings["next_questions"]
    page = client.get("/insights").get_data(as_text=True)
    for question in findings["next_questions"]:
        assert f'name="code" value="{question["code"]}"' in page
        assert question["question"].replace("'", "&#39;") in page
    assert 'action="/questions/answer"' in page


def test_saving_calf_signs_returns_the_emergency_interrupt_first(client, logged_in):
    form = entry_form(logged_in.csrf, calf_swelling="yes", calf_redness="yes", calf_tenderness="no")
    response = client.post("/entries", data=form, headers=htmx(logged_in.headers))
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    interrupt = re.search(
        r'<section class="emergency-interrupt" role="alert"[^>]*>(.*?)</section>', page, re.S
    )
    assert interrupt, page[:600]
    assert "Seek emergency care now" in interrupt.group(1)
    assert page.index("emergency-interrupt") < page.index("<form")


def test_without_javascript_the_interrupt_follows_the_redirect(client, logged_in):
    form = entry_form(logged_in.csrf, calf_swelling="yes", pain="8")
    response = client.post("/entries", data=form, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert '<section class="emergency-interrupt" role="alert"' in page
    # The lesser warning raised with it (pain 8) is the amber banner, apart.
    assert 'class="flag-banner flag-see_professional"' in page
    assert 'class="flag-banner flag-emergency"' not in page


def test_an_ordinary_entry_raises_no_banner(client, logged_in):
    response = client.post(
        "/entries", data=entry_form(logged_in.csrf), headers=htmx(logged_in.headers)
    )
    assert response.status_code == 201
    assert "flag-banner" not in response.get_data(as_text=True)


def test_an_old_flag_is_not_shown_again_with_a_new_entry(client, logged_in, user, entry_factory):
    entry_factory(user, date=days_ago(1), pain=3, **CALF_SIGNS)
    response = client.post(
        "/entries", data=entry_form(logged_in.csrf), headers=htmx(logged_in.headers)
    )
    page = response.get_data(as_text=True)
    assert "flag-banner" not in page
    # Not acknowledged yet, the emergency itself stays at the top (tests/web/test_emergency.py).
    assert '<section class="emergency-interrupt"' in page
    assert client.get("/api/insights").get_json()["urgency"] == "emergency"


def test_today_embeds_the_live_rules_from_the_knowledge_data(client, logged_in):
    page = client.get("/today").get_data(as_text=True)
    raw = re.search(
        r'<script type="application/json" id="red-flag-rules">(.*?)</script>', page, re.S
    )
    rules = json.loads(raw.group(1))
    assert [r["code"] for r in rules] == [r["code"] for r in client_red_flag_rules()]
    dvt = next(r for r in rules if r["code"] == "dvt_suspected")
    assert dvt["urgency"] == "emergency" and dvt["headline"] == "Seek emergency care now"
    assert "data-red-flag-form" in page


def test_another_persons_diary_never_shows(client, logged_in, other_user, entry_factory):
    entry_factory(other_user, date=TODAY, pain=9, can_bear_weight=False, **CALF_SIGNS)
    findings = client.get("/api/insights").get_json()
    assert findings["urgency"] == "self_care"
    assert findings["entries_considered"] == 0


def test_a_flag_once_raised_stays_beside_its_entry_in_the_diary(
    client, logged_in, user, entry_factory
):
    old = entry_factory(user, date=days_ago(20), pain=3, **CALF_SIGNS)
    quiet = entry_factory(user, date=days_ago(19), pain=2)
    assert client.get("/api/insights").get_json()["urgency"] == "self_care"
    page = client.get("/diary").get_data(as_text=True)
    old_entry = page[page.index(f'id="entry-{old.id}"') :]
    old_entry = old_entry[: old_entry.index("</article>")]
    assert 'class="entry-flag flag-emergency"' in old_entry
    assert "deep vein thrombosis" in old_entry
    quiet_entry = page[page.index(f'id="entry-{quiet.id}"') :]
    assert "entry-flag" not in quiet_entry[: quiet_entry.index("</article>")]
