"""The offline queue's promise, case by case: an entry leaves the phone only when the
answer to the request that carried it names it as stored, whatever else happens:
tab taps, reloads of a cached page, browser restarts, 4xx and 5xx answers, a replay
racing a form save. (The random walk through all of them is test_offline_chaos.py.)
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from playwright.sync_api import expect

from tests.browser.profile_support import log_in, save_entry, signed_up
from tests.browser.pwa_support import OFFLINE_EMULATION, first_page, poll, queued
from webapp.extensions import db
from webapp.models import Entry

pytestmark = OFFLINE_EMULATION


def notes_on_server(app: Flask) -> list[str]:
    with app.app_context():
        notes = list(db.session.scalars(db.select(Entry.notes).order_by(Entry.pk)))
        db.session.remove()
    return notes


def wait_for_notes(app: Flask, expected: list[str], timeout: float = 10.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while sorted(notes_on_server(app)) != sorted(expected):
        if time.monotonic() > deadline:
            raise AssertionError(f"server holds {notes_on_server(app)}, expected {expected}")
        time.sleep(0.2)


def test_tapping_a_tab_offline_keeps_the_entry_queued(
    app, profile_server, launch_profile, tmp_path
):
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    page.goto(f"{profile_server.url}/diary")  # so the Diary tab has a cached copy
    page.goto(f"{profile_server.url}/today")
    context.set_offline(True)
    save_entry(page, 8, "calf swollen and red")
    expect(page.locator("#offline-note")).to_contain_text("saved on this phone")
    page.locator(".tabbar").get_by_role("link", name="Diary").click()
    page.wait_for_url(f"{profile_server.url}/diary")
    expect(page.locator("#sync-status")).to_contain_text("1 entry waiting to sync")
    assert [item["entry"]["notes"] for item in queued(page)] == ["calf swollen and red"]

    context.set_offline(False)
    wait_for_notes(app, ["calf swollen and red"])
    expect(page.locator("#sync-status")).to_be_hidden()
    assert queued(page) == []


def test_each_showing_of_a_cached_form_gives_a_new_id(
    app, profile_server, launch_profile, tmp_path
):
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    context.set_offline(True)
    page.reload()  # /today from the worker's cache, with the id it was stored with
    first_id = page.locator("#entry-form input[name=id]").input_value()
    save_entry(page, 3, "first, offline")
    expect(page.locator("#offline-note")).to_be_visible()
    page.reload()
    second_id = page.locator("#entry-form input[name=id]").input_value()
    assert second_id != first_id
    save_entry(page, 4, "second, after a reload")
    expect(page.locator("#sync-status")).to_contain_text("2 entries waiting to sync")

    context.set_offline(False)
    wait_for_notes(app, ["first, offline", "second, after a reload"])


def test_a_save_after_a_restart_waits_for_login_then_is_sent(
    app, profile_server, launch_profile, tmp_path
):
    profile = tmp_path / "profile"
    context = launch_profile(profile)
    signed_up(context, profile_server.url)
    context.close()

    # The restart dropped the session cookie; offline, the worker shows the cached
    # /today with a CSRF token of the ended session. Then the connection comes back.
    context = launch_profile(profile)
    context.set_offline(True)
    page = first_page(context)
    page.goto(f"{profile_server.url}/today")
    context.set_offline(False)
    save_entry(page, 5, "after the restart")
    note = page.locator("#offline-note")
    expect(note).to_contain_text("Log in again to send it")
    expect(page.locator("#sync-status")).to_contain_text("Log in again to send them")
    assert notes_on_server(app) == []
    assert [item["entry"]["notes"] for item in queued(page)] == ["after the restart"]

    log_in(page, profile_server.url)
    wait_for_notes(app, ["after the restart"])
    expect(page.locator("#sync-status")).to_be_hidden()


def test_a_server_error_keeps_the_entry_and_it_is_sent_later(
    app, profile_server, launch_profile, tmp_path
):
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)

    def broken(route: Any) -> None:
        route.fulfill(status=503, body="Service Unavailable")

    context.route("**/entries", broken)
    context.route("**/api/entries", broken)
    save_entry(page, 6, "during an outage")
    expect(page.locator("#offline-note")).to_contain_text("could not save")
    expect(page.locator("#entry-form #notes")).to_have_value("")  # ready for the next one
    page.reload()
    expect(page.locator("#sync-status")).to_contain_text("1 entry waiting to sync")
    assert notes_on_server(app) == []

    context.unroute("**/entries")
    context.unroute("**/api/entries")
    page.reload()
    wait_for_notes(app, ["during an outage"])


def test_an_answer_that_does_not_name_the_entry_is_no_proof(
    app, profile_server, launch_profile, tmp_path
):
    """A 200 page that is not the server storing this entry (a cached page, a login
    page after a redirect) must not take the entry out of the queue."""
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    context.route(
        "**/entries",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<section id='log'>Some page</section>"
        ),
    )
    save_entry(page, 2, "not proven")
    poll(page, "FossaQueue.pending().then(items => items.length === 1)")
    assert [item["entry"]["notes"] for item in queued(page)] == ["not proven"]
    context.unroute("**/entries")
    page.goto(f"{profile_server.url}/today")
    wait_for_notes(app, ["not proven"])
    poll(page, "FossaQueue.pending().then(items => items.length === 0)")


def test_a_replay_while_a_form_save_is_in_flight_leaves_the_entry_to_it(
    app, profile_server, launch_profile, tmp_path
):
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    other = context.new_page()
    other.goto(f"{profile_server.url}/today")
    profile_server.slow["/entries"] = 1.0  # the form's save is still on its way…
    save_entry(page, 7, "raced")
    poll(other, "FossaQueue.pending().then(items => items.length === 1)")
    other.evaluate("FossaQueue.replay()")  # …when the other tab replays the queue
    wait_for_notes(app, ["raced"])
    expect(page.locator("#saved-note")).to_contain_text("Saved for")
    poll(page, "FossaQueue.pending().then(items => items.length === 0)")
    assert notes_on_server(app) == ["raced"]
    assert "/api/entries" not in profile_server.paths  # the form's request alone sent it


def test_an_entry_whose_page_closed_mid_save_is_sent_by_a_later_replay(
    app, profile_server, launch_profile, tmp_path
):
    """The lease on an in-flight entry runs out: a page closed before its save was
    answered never proves it, so a replay sends it (stored once by its id)."""
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    context.route("**/entries", lambda route: None)  # the request never gets an answer
    save_entry(page, 5, "closed mid-save")
    poll(page, "FossaQueue.pending().then(items => items.length === 1)")
    # Another tab stays open: closing the browser's last page would end its session
    # cookie, and then the entry waits for a log-in (tested below) rather than a replay.
    other = context.new_page()
    page.close()
    context.unroute("**/entries")
    page = other
    page.goto(f"{profile_server.url}/diary")
    # Its own start replay leaves it (the lease has not run out), the retry after it sends it.
    # (The closed page's own request may have reached the server after all; then the
    # replay after the lease proves it, and the queue lets it go.)
    wait_for_notes(app, ["closed mid-save"], timeout=40)  # lease 10 s, on a busy machine
    poll(page, "FossaQueue.pending().then(items => items.length === 0)", timeout=40)
    assert notes_on_server(app) == ["closed mid-save"]  # once


def test_a_save_after_the_session_ended_elsewhere_is_sent_after_login(
    app, profile_server, launch_profile, tmp_path
):
    """401: the password was changed on another device, so this session ended while
    its CSRF token is still good; htmx follows the server to the log-in page."""
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    with app.app_context():
        from webapp.models import User

        user = db.session.scalar(db.select(User))
        user.session_id = "ended-elsewhere"
        db.session.commit()
        db.session.remove()
    save_entry(page, 4, "after the session ended")
    page.wait_for_url(lambda url: "/login" in url)
    expect(page.locator("#login-to-send")).to_contain_text("Your entry is kept on this phone")
    assert notes_on_server(app) == []
    log_in(page, profile_server.url)
    wait_for_notes(app, ["after the session ended"])


def test_an_ordinary_online_save_is_not_announced_as_sent_from_the_phone(
    app, profile_server, launch_profile, tmp_path
):
    """Online all along: the form's own request carries the entry, so no replay (the
    worker's Background Sync, the page start of another tab) sends it too or says
    "saved on this phone … now in your diary"."""
    context = launch_profile(tmp_path / "profile")
    page = signed_up(context, profile_server.url)
    other = context.new_page()
    other.goto(f"{profile_server.url}/diary")
    profile_server.slow["/entries"] = 1.5  # in flight while the replays start
    save_entry(page, 4, "an ordinary evening")
    other.reload()  # a page start (its replay) while the save is on its way
    expect(page.locator("#saved-note")).to_contain_text("Saved for", timeout=10000)
    page.wait_for_timeout(1500)  # the worker's sync and the other tab have had their go
    for tab in (page, other):
        expect(tab.locator("#offline-note")).to_have_count(0)
    page.reload()
    page.wait_for_timeout(800)
    expect(page.locator("#offline-note")).to_have_count(0)
    assert notes_on_server(app) == ["an ordinary evening"]
    assert "/api/entries" not in profile_server.paths
    assert queued(page) == []
