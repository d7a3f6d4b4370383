"""axe-core finds no violation of any impact on any screen of the tour, light and dark."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.actions import register
from tests.browser.tour import SCREENS, csrf_token, show_install_offer, sign_up_with_story


def violations(page: Any) -> list[dict[str, Any]]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:4]}
        for v in results.response["violations"]
    ]


def both_schemes(page: Any) -> dict[str, list[dict[str, Any]]]:
    """axe's findings on the page as it is, in the light and then the dark scheme."""
    found = {}
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        found[scheme] = violations(page)
    page.emulate_media(color_scheme="light")
    return {scheme: v for scheme, v in found.items() if v}


def test_every_screen_passes_axe_light_and_dark(
    browser: Any, live_server: Any, browser_context_args
):
    context = browser.new_context(**browser_context_args)
    try:
        page = context.new_page()
        found = {}
        for screen in [s for s in SCREENS if not s.signed_in]:
            page.goto(live_server.url + screen.path)
            found[screen.name] = both_schemes(page)
        sign_up_with_story(page, live_server.url)
        link = page.request.post(
            f"{live_server.url}/api/share-links",
            data={"days": 7},
            headers={"X-CSRFToken": csrf_token(page)},
        ).json()["url"]
        for screen in [s for s in SCREENS if s.signed_in]:
            page.goto(live_server.url + screen.path)
            if screen.before:
                screen.before(page)
            found[screen.name] = both_schemes(page)
        doctor = browser.new_context(**browser_context_args)
        view = doctor.new_page()
        view.goto(link)
        found["doctor"] = both_schemes(view)
        doctor.close()
        assert {name: v for name, v in found.items() if v} == {}
    finally:
        context.close()


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}]
)
def test_the_install_card_never_covers_the_page_title(browser: Any, live_server: Any, viewport):
    context = browser.new_context(viewport=viewport)
    try:
        page = context.new_page()
        register(page, live_server.url)
        for path in ("/diary", "/insights", "/account"):
            page.goto(live_server.url + path)
            show_install_offer(page)
            card = page.locator("#install-offer").bounding_box()
            title = page.get_by_role("heading", level=1).bounding_box()
            apart = (
                card["y"] >= title["y"] + title["height"]
                or card["y"] + card["height"] <= title["y"]
                or card["x"] >= title["x"] + title["width"]
                or card["x"] + card["width"] <= title["x"]
            )
            assert apart, (path, card, title)
            assert page.get_by_role("button", name="Install app").is_visible()
    finally:
        context.close()
