"""The PWA blueprint over HTTP: manifest, worker, offline page, the queue's token endpoint."""

from __future__ import annotations

import json
import re
import threading
import uuid

import pytest

from tests.support import count_entries, create_user, csrf_of, make_app
from webapp.static_files import hashed_static_url


def status_of(client, url: str) -> int:
    """GET a (possibly static, file-backed) URL and close the response."""
    with client.get(url) as response:
        return response.status_code


def settings_of(worker_source: str) -> dict:
    match = re.search(r"^const SETTINGS = (\{.*\});$", worker_source, re.MULTILINE)
    assert match, "the worker carries its settings"
    return json.loads(match.group(1))


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json(force=True)
    assert manifest["start_url"] == "/today?source=pwa"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["id"] and manifest["name"] and manifest["short_name"]
    assert manifest["description"] and manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert [s["name"] for s in manifest["shortcuts"]] == ["Log now", "Insights"]
    for icon in manifest["icons"] + [i for s in manifest["shortcuts"] for i in s["icons"]]:
        assert status_of(client, icon["src"]) == 200, icon["src"]


def test_pages_link_the_manifest_and_the_ios_tags(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'rel="apple-touch-icon"' in html and 'sizes="180x180"' in html
    assert 'name="apple-mobile-web-app-capable"' in html
    assert status_of(client, "/static/icons/apple-touch-icon-180.png") == 200


def test_worker_is_served_at_root_scope_uncached(app, client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    settings = settings_of(response.get_data(as_text=True))
    assert "/offline" in settings["precache"]
    assert "/manifest.webmanifest" in settings["precache"]
    # The content-hashed names the pages load (webapp/static_files.py).
    assert hashed_static_url(app, "/static/css/app.css") in settings["precache"]
    assert hashed_static_url(app, "/static/vendor/htmx-2.0.11.min.js") in settings["precache"]
    assert "/static/css/app.css" not in settings["precache"]
    # The queue first (the reminders' push handlers use it), then what features add.
    assert settings["imports"] == [
        hashed_static_url(app, "/static/js/offline-queue.js"),
        hashed_static_url(app, "/static/js/sw-push.js"),
    ]
    for url in settings["precache"]:
        assert status_of(client, url) == 200, url


def test_worker_imports_and_precaches_other_features_scripts(database_uri, tmp_path):
    plain = make_app(database_uri, tmp_path / "a")
    extended = make_app(database_uri, tmp_path / "b")
    extended.config["WORKER_SCRIPTS"].append("/static/js/app.js")
    before = settings_of(plain.test_client().get("/sw.js").get_data(as_text=True))
    after = settings_of(extended.test_client().get("/sw.js").get_data(as_text=True))
    app_js = hashed_static_url(extended, "/static/js/app.js")
    assert after["imports"] == [*before["imports"], app_js]
    assert app_js in after["precache"]
    # Another feature's script is part of the shell: a new list is a new version.
    assert before["version"] != after["version"]


def test_worker_never_caches_exports_share_links_or_the_api(client):
    settings = settings_of(client.get("/sw.js").get_data(as_text=True))
    assert {"/api/", "/export/", "/s/"} <= set(settings["neverCached"])
    assert "/logout" in settings["forgetPagesOn"]


def test_offline_page_holds_no_session_and_no_data(client, logged_in, entry_factory, user):
    entry_factory(user, notes="Hill repeats")
    response = client.get("/offline")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "You are offline" in html
    assert "csrf" not in html.lower()
    assert "runner@example.com" not in html and "Hill repeats" not in html
    assert "Set-Cookie" not in response.headers


def test_csrf_token_endpoint_lets_a_replay_post_an_entry(app, client, logged_in):
    response = client.get("/api/csrf-token")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = response.get_json()["csrf_token"]
    entry = {"id": str(uuid.uuid4()), "date": "2026-11-20", "pain": 4}
    first = client.post("/api/entries", json=entry, headers={"X-CSRFToken": token})
    again = client.post("/api/entries", json=entry, headers={"X-CSRFToken": token})
    assert (first.status_code, again.status_code) == (201, 200)
    assert count_entries(app) == 1


def test_csrf_token_endpoint_needs_a_session(client):
    response = client.get("/api/csrf-token")
    assert response.status_code == 401
    assert "csrf_token" not in response.get_data(as_text=True)


def test_queue_owner_tag_differs_per_person_and_is_on_their_pages(app, client, logged_in):
    mine = client.get("/api/csrf-token").get_json()["owner"]
    assert f'data-queue-owner="{mine}"' in client.get("/today").get_data(as_text=True)
    other = create_user(app, email="other@example.com")
    assert mine != str(other.id)
    logged_in.logout()
    logged_in.login("other@example.com")
    theirs = client.get("/api/csrf-token").get_json()["owner"]
    assert theirs and theirs != mine


def test_signed_out_pages_tell_the_script_to_forget(client):
    html = client.get("/login").get_data(as_text=True)
    assert "data-signed-out" in html and "data-queue-owner" not in html
    assert 'id="entry-format"' not in html


def test_logged_in_pages_carry_the_entry_format_for_the_queue(client, logged_in):
    html = client.get("/today").get_data(as_text=True)
    block = re.search(r'<script type="application/json" id="entry-format">(.*?)</script>', html)
    assert block
    fmt = json.loads(block.group(1))
    assert "locations" in fmt["lists"] and "numbness" in fmt["booleans"]
    assert fmt["integers"] == ["pain"]


@pytest.mark.parametrize("path", ["/manifest.webmanifest", "/sw.js", "/offline"])
def test_pwa_files_need_no_login(client, path):
    assert client.get(path).status_code == 200


def test_racing_replays_store_an_entry_once(app, user):
    """Two uploads of one queued entry at the same moment (two tabs, or a tab and the worker)."""
    clients = [app.test_client() for _ in range(2)]
    tokens = []
    for c in clients:
        token = csrf_of(c, "/login")
        c.post(
            "/login",
            data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
        )
        tokens.append(c.get("/api/csrf-token").get_json()["csrf_token"])
    entry = {"id": str(uuid.uuid4()), "date": "2026-11-21", "pain": 5}
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def upload(index: int) -> None:
        barrier.wait()
        response = clients[index].post(
            "/api/entries", json=entry, headers={"X-CSRFToken": tokens[index]}
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 201]
    assert count_entries(app) == 1


def test_every_script_and_stylesheet_of_a_page_is_in_the_shell(client, logged_in):
    # A page's own files must open offline too: the shell list and base.html agree.
    precache = set(settings_of(client.get("/sw.js").get_data(as_text=True))["precache"])
    page = client.get("/today").get_data(as_text=True)
    assets = re.findall(r'<script src="([^"]+)"', page)
    assets += re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert assets
    assert {url.split("?")[0] for url in assets} <= precache
