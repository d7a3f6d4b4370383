"""A tour of every screen and main state of Fossa, for the screenshots and the axe test.

`seed_story` logs a month of a runner's knee through the JSON API (the offline
queue's way in); `SCREENS` names each stop: a path and what to do there first.
scripts/screenshot.py photographs every stop; tests/browser/test_screens_accessible.py
runs axe on each, light and dark.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.browser.actions import register

# A runner's knee: gradual pain at the back of the thigh that climbs after
# a jump in training, one day with numbness (a warning sign), rest days between.
STORY: list[tuple[int, dict[str, Any]]] = [
    # An earlier, milder bout two months ago: the 90-day chart shows it, the 30-day does not.
    (68, {"pain": 2, "activity": "running", "onset": "gradual"}),
    (66, {"pain": 3, "activity": "running"}),
    (63, {"pain": 1, "activity": "walking"}),
    (27, {"pain": 1, "activity": "running", "load_change": "none", "onset": "gradual"}),
    (25, {"pain": 2, "activity": "running", "timing": "after"}),
    (24, {"pain": 0, "activity": "none"}),
    (22, {"pain": 2, "activity": "cycling", "timing": "after"}),
    (20, {"pain": 3, "activity": "running", "provoked_by": ["hamstring_stretch"]}),
    (18, {"pain": 2, "activity": "none", "swelling": "none"}),
    (17, {"pain": 4, "activity": "running", "load_change": "increase", "warm_up": False}),
    (15, {"pain": 3, "activity": "strength", "provoked_by": ["resisted_flexion"]}),
    (13, {"pain": 5, "activity": "running", "load_change": "big_increase"}),
    (12, {"pain": 4, "activity": "none"}),
    (10, {"pain": 6, "activity": "running", "timing": "during", "swelling": "mild"}),
    (9, {"pain": 5, "activity": "hiking", "numbness": True}),
    (7, {"pain": 4, "activity": "none", "eases_with_rest": True}),
    (6, {"pain": 6, "activity": "running", "notes": "Long run, 18 km. Sore on the stairs."}),
    (4, {"pain": 7, "activity": "downhill_running", "provoked_by": ["resisted_flexion"]}),
    (3, {"pain": 5, "activity": "none", "swelling": "none"}),
    (2, {"pain": 6, "activity": "running", "tender_spot": True}),
    (1, {"pain": 5, "activity": "cycling", "numbness": False}),
]
BASE_ANSWERS = {"side": "left", "locations": ["thigh", "center"]}
EMAIL = "sam@example.com"


def csrf_token(page: Any) -> str:
    headers = page.locator("body").get_attribute("hx-headers")
    return re.search(r'"X-CSRFToken": "([^"]+)"', headers).group(1)


def seed_story(page: Any, base: str, today: dt.date | None = None) -> None:
    """Log the story's days through /api/entries, as the offline queue would."""
    today = today or dt.date.today()
    token = csrf_token(page)
    for back, answers in STORY:
        entry = {
            "id": str(uuid.uuid4()),
            "date": (today - dt.timedelta(days=back)).isoformat(),
            **BASE_ANSWERS,
            **answers,
        }
        response = page.request.post(
            f"{base}/api/entries", data=entry, headers={"X-CSRFToken": token}
        )
        assert response.ok, response.text()


def sign_up_with_story(page: Any, base: str) -> None:
    register(page, base, email=EMAIL)
    seed_story(page, base)


def _fill_today(page: Any) -> None:
    # An earlier screen left a draft; the tour shows each state from a blank form.
    start_over = page.get_by_role("button", name="Start over")
    if start_over.count():
        start_over.first.click()
    # Today logged already (an earlier pass of the tour): "Add another" gives the form.
    if not page.locator("#entry-form:visible").count():
        page.get_by_role("link", name="Add another").click()
    page.locator("#field-pain").get_by_role("radio", name="4", exact=True).click()
    page.get_by_role("checkbox", name="Lower back of the thigh").click()
    page.locator("#field-activity").get_by_role("radio", name="Running", exact=True).click()
    page.evaluate("window.scrollTo(0, 0)")


def _save_today(page: Any) -> None:
    _fill_today(page)
    # Two steady details, so the next form of the day starts with them "as last time".
    page.locator("#more-details summary").click()
    page.locator("#field-provoked_by input[value=resisted_flexion]").check()
    page.locator("#field-load_change input[value=increase]").check()
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#saved-note").wait_for()
    page.evaluate("window.scrollTo(0, 0)")


def _add_another(page: Any) -> None:
    page.get_by_role("link", name="Add another").click()
    page.locator("#entry-form").wait_for()
    page.evaluate("window.scrollTo(0, 0)")


def _details_as_last_time(page: Any) -> None:
    _add_another(page)
    page.locator("#more-details summary").click()
    page.locator("#more-details summary").scroll_into_view_if_needed()
    page.evaluate("document.querySelector('#more-details').scrollIntoView({block: 'start'})")


def _open_first_row(page: Any) -> None:
    page.locator(".entry-row summary").first.click()
    page.locator(".entry-row[open] .entry-actions").first.scroll_into_view_if_needed()


def _open_flagged_row(page: Any) -> None:
    page.locator(".entry-row.has-flag summary").first.click()
    page.locator(".entry-row.has-flag").first.scroll_into_view_if_needed()


def _first_entry(page: Any) -> None:
    href = page.locator(".entry-row .entry-actions a").first.get_attribute("href")
    page.goto(page.url.split("/diary")[0] + href.replace("/edit", ""))


def _first_edit(page: Any) -> None:
    href = page.locator(".entry-row .entry-actions a").first.get_attribute("href")
    page.goto(page.url.split("/diary")[0] + href)


def _new_link(page: Any) -> None:
    page.get_by_label("Label (optional)").fill("Dr Weber")
    page.get_by_role("button", name="Make the link").click()
    page.locator("#new-link").wait_for()


def _put_reminder(page: Any, enabled: bool) -> None:
    settings = {
        "enabled": enabled,
        "time": "19:30",
        "timezone": "Europe/Berlin",
        "days": [0, 1, 2, 3, 4],
        "skip_if_logged": True,
    }
    base = page.url.split("/reminders")[0]
    response = page.request.put(
        f"{base}/api/reminder", data=settings, headers={"X-CSRFToken": csrf_token(page)}
    )
    assert response.ok, response.text()
    page.reload()


def _reminders_off(page: Any) -> None:
    _put_reminder(page, False)


def _reminders_on(page: Any) -> None:
    # Switched on (as another device or the form without JavaScript would), but no
    # device allowed notifications: the page must not claim reminders are on.
    _put_reminder(page, True)


def _reminders_switch_blocked(page: Any) -> None:
    # Notifications blocked in this browser: the switch says so in plain words.
    _put_reminder(page, False)
    page.evaluate("Notification.requestPermission = () => Promise.resolve('denied')")
    page.get_by_role("switch", name="Daily reminder").click()
    page.locator("#push-message.is-problem").wait_for()


def show_install_offer(page: Any) -> None:
    """The install card as app.js shows it after the browser's beforeinstallprompt."""
    page.evaluate("document.getElementById('install-offer').hidden = false")


def _open_first_cause(page: Any) -> None:
    cause = page.locator("article.cause").first
    cause.locator("summary").click()
    cause.scroll_into_view_if_needed()


def _open_story_table(page: Any) -> None:
    table = page.locator("#story .chart-table")
    table.locator("summary").click()
    table.scroll_into_view_if_needed()


def _scroll_to_urgency(page: Any) -> None:
    page.locator("#urgency").scroll_into_view_if_needed()


def _scroll_to_causes(page: Any) -> None:
    page.locator("#causes-title").scroll_into_view_if_needed()


def _scroll_to_delete(page: Any) -> None:
    page.locator("#delete").scroll_into_view_if_needed()


@dataclass(frozen=True)
class Screen:
    name: str
    path: str
    before: Callable[[Any], None] | None = None
    signed_in: bool = True
    full_page: bool = False


SCREENS: list[Screen] = [
    Screen("welcome", "/", signed_in=False),
    Screen("login", "/login", signed_in=False),
    Screen("today", "/today", _fill_today),
    Screen("today-saved", "/today", _save_today),
    Screen("today-logged", "/today"),
    Screen("today-add-another", "/today", _add_another),
    Screen("today-details", "/today", _details_as_last_time),
    Screen("diary", "/diary"),
    Screen("diary-90-days", "/diary?range=90"),
    Screen("diary-install-offer", "/diary", show_install_offer),
    Screen("diary-entry-open", "/diary", _open_first_row),
    Screen("diary-flagged-entry", "/diary", _open_flagged_row),
    Screen("entry", "/diary", _first_entry),
    Screen("edit", "/diary", _first_edit),
    Screen("insights", "/insights"),
    Screen("insights-urgency", "/insights", _scroll_to_urgency),
    Screen("insights-causes", "/insights", _scroll_to_causes),
    Screen("insights-why", "/insights", _open_first_cause),
    Screen("insights-days", "/insights", _open_story_table),
    Screen("reminders", "/reminders", _reminders_off),
    Screen("reminders-blocked", "/reminders", _reminders_switch_blocked),
    Screen("reminders-no-device", "/reminders", _reminders_on),
    Screen("share", "/share"),
    Screen("share-new-link", "/share", _new_link),
    Screen("export", "/export"),
    Screen("account", "/account"),
    Screen("account-delete", "/account", _scroll_to_delete),
]
