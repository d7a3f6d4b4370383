"""What a person does in the browser, shared by the browser tests."""

from __future__ import annotations

from typing import Any

PASSWORD = "correct horse battery"


def register(page: Any, base_url: str, email: str = "walker@example.com") -> None:
    """Create an account through the real form and land on /today."""
    page.goto(f"{base_url}/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Repeat the password").fill(PASSWORD)
    page.get_by_role("button", name="Create my diary").click()
    page.wait_for_url(f"{base_url}/today")


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical findings on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
