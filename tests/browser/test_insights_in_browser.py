"""The emergency warning as a person meets it: live on the form, after saving, on /insights."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.actions import register, serious_violations
from tests.browser.conftest import PHONE


def answer(page, field: str, choice: str) -> None:
    page.locator(f"#field-{field}").get_by_role("radio", name=choice, exact=True).click()


def test_calf_signs_warn_at_once_then_after_saving(page, live_server):
    register(page, live_server.url)
    answer(page, "pain", "3")
    page.locator("#more-details summary").click()

    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    answer(page, "calf_swelling", "Yes")
    live = page.locator("[data-live-flags]")
    expect(live).to_be_hidden()  # one calf sign with mild pain is not yet the trigger
    answer(page, "pain", "8")
    expect(live).to_contain_text("Seek emergency care now")  # with severe pain it is
    answer(page, "pain", "3")
    expect(live).to_be_hidden()
    answer(page, "calf_redness", "Yes")
    expect(live).to_be_visible()
    expect(live).to_contain_text("Seek emergency care now")
    assert requests == []  # judged in the page: it works with no connection
    expect(live).to_be_in_viewport()  # the save bar is sticky, so the warning is on screen

    answer(page, "calf_redness", "No")
    expect(live).to_be_hidden()  # and it goes when the answer changes
    answer(page, "calf_tenderness", "Yes")
    expect(live).to_be_visible()

    # The full-width interrupt came up over the form; back to the entry, then save.
    live_card = page.locator("[data-live-emergency]")
    expect(live_card).to_be_in_viewport()
    live_card.get_by_role("button", name="Back to my entry").click()
    expect(live_card).to_have_count(0)
    page.get_by_role("button", name="Save", exact=True).click()
    banner = page.locator(".emergency-interrupt").first
    expect(banner).to_have_attribute("role", "alert")
    expect(banner).to_contain_text("Seek emergency care now")
    box = banner.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]

    banner.get_by_role("link", name="Why Fossa says this").click()
    expect(page.locator("#urgency-title")).to_be_visible()
    expect(page.locator("#red-flag-dvt_suspected")).to_be_visible()
    page.locator("#red-flag-dvt_suspected summary").click()
    expect(page.locator("#red-flag-dvt_suspected .evidence")).to_contain_text(
        "Calf or thigh tender to touch"
    )
    assert serious_violations(page) == []
