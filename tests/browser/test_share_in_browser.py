"""A person makes a share link on their phone; the doctor opens it on theirs."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "share"


def test_link_made_on_a_phone_opens_a_readable_doctor_view(
    page, live_server, browser, browser_context_args
):
    register(page, live_server.url)
    page.locator("#field-pain").get_by_role("radio", name="6", exact=True).click()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("#saved-note")).to_be_visible()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/share")
    assert serious_violations(page) == []
    page.get_by_label("Label (optional)").fill("Dr Weber")
    page.get_by_role("button", name="Make the link").click()
    expect(page.locator("#new-link")).to_contain_text("Your new link for Dr Weber")
    url = page.locator("#new-link-url").input_value()
    assert url.startswith(f"{live_server.url}/s/")
    expect(page.locator("#new-link img.qr")).to_be_visible()
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator("#new-link .share-status")).to_contain_text("Link copied")
    assert page.evaluate("navigator.clipboard.readText()") == url
    assert serious_violations(page) == []
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / "share-page-phone.png"), full_page=True)

    # The doctor: another phone, no account, no cookies.
    doctor = browser.new_context(**browser_context_args)
    try:
        view = doctor.new_page()
        view.goto(url)
        expect(view.get_by_role("heading", level=1)).to_contain_text("Knee pain diary")
        expect(view.locator("#summary")).to_contain_text("6/10 on")
        expect(view.locator("#red-flags")).to_be_visible()
        expect(view.get_by_role("button", name="Print this page")).to_be_visible()
        # Readable on a phone: nothing wider than the screen.
        assert view.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        assert view.locator("a[href^='/today'], a[href^='/account'], nav").count() == 0
        assert serious_violations(view) == []
        view.screenshot(path=str(OUTPUT / "doctor-view-phone.png"), full_page=True)
    finally:
        doctor.close()

    page.goto(f"{live_server.url}/share")
    expect(page.locator(".share-link").first).to_contain_text("Opened 1 time")
    page.get_by_role("button", name="Revoke Dr Weber").click()
    expect(page.locator(".share-link").first).to_contain_text("Revoked")

    page.goto(f"{live_server.url}/export")
    expect(page.get_by_label("First day")).not_to_have_value("")
    assert serious_violations(page) == []
