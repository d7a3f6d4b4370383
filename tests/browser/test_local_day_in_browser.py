"""Far from UTC, the diary's day is the person's day from the first page: a browser
in Pago Pago (UTC-11) or on Kiritimati (UTC+14) registers, saves, and the entry
carries that zone's local date; Today and Yesterday are one tap each."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser.actions import register
from tests.browser.conftest import PHONE
from webapp.extensions import db
from webapp.models import Entry, User


def stored(app: Flask) -> tuple[str, list[dt.date]]:
    with app.app_context():
        user = db.session.scalar(db.select(User))
        dates = list(db.session.scalars(db.select(Entry.date).order_by(Entry.pk)))
        db.session.remove()
        return user.timezone, dates


@pytest.mark.parametrize("zone", ["Pacific/Pago_Pago", "Pacific/Kiritimati"])
def test_far_from_utc_the_entry_carries_the_local_date(app, browser, live_server, zone):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, timezone_id=zone)
    page = context.new_page()
    register(page, live_server.url)
    local_today = dt.datetime.now(ZoneInfo(zone)).date()
    date_field = page.locator("#entry-form #date")
    expect(date_field).to_have_value(local_today.isoformat())
    expect(date_field).to_have_attribute("max", local_today.isoformat())
    expect(page.locator("#zone-offer")).to_be_hidden()  # the stored zone is the browser's

    page.locator("#field-pain").get_by_role("radio", name="3", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_contain_text("Saved for")
    assert stored(app) == (zone, [local_today])

    # Today is logged: its summary shows, and "Add another" brings the form back.
    page.get_by_role("link", name="Add another").click()
    # Catching up: Yesterday is one tap, and the day stays chosen for the next entry.
    page.get_by_role("button", name="Yesterday").click()
    yesterday = (local_today - dt.timedelta(days=1)).isoformat()
    expect(date_field).to_have_value(yesterday)
    expect(page.get_by_role("button", name="Yesterday")).to_have_attribute("aria-pressed", "true")
    page.locator("#field-pain").get_by_role("radio", name="5", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    # The note of this save (the first save's note said "Saved for" already).
    day_before = local_today - dt.timedelta(days=1)
    expect(page.locator("#saved-note")).to_contain_text(day_before.strftime("Saved for %A %-d %B"))
    expect(date_field).to_have_value(yesterday)
    page.get_by_role("button", name="Today").click()
    expect(date_field).to_have_value(local_today.isoformat())
    assert stored(app)[1] == [local_today, local_today - dt.timedelta(days=1)]
    page.screenshot(path=f"test-output/local-day-{zone.split('/')[1]}.png")
    context.close()


def test_a_different_zone_is_offered_never_assumed(app, browser, live_server):
    context = browser.new_context(viewport=PHONE, timezone_id="Pacific/Pago_Pago")
    page = context.new_page()
    register(page, live_server.url)
    context.close()

    travelling = browser.new_context(viewport=PHONE, timezone_id="Asia/Tokyo")
    page = travelling.new_page()
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email").fill("walker@example.com")
    page.get_by_label("Password", exact=True).fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    offer = page.locator("#zone-offer")
    expect(offer).to_contain_text("This phone is on Asia/Tokyo time")
    assert stored(app)[0] == "Pacific/Pago_Pago"  # nothing changed by itself
    page.goto(f"{live_server.url}/account")
    expect(page.get_by_label("Timezone")).to_have_value("Pacific/Pago_Pago")
    page.screenshot(path="test-output/zone-offer.png")
    offer.get_by_role("button", name="Use Asia/Tokyo").click()
    expect(page.locator("#flashes")).to_contain_text("Asia/Tokyo")
    assert stored(app)[0] == "Asia/Tokyo"
    expect(offer).to_be_hidden()
    travelling.close()
