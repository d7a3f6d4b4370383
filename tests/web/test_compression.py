"""Compressed answers and long-cached, content-hashed static files."""

from __future__ import annotations

import gzip
import re
import uuid

import brotli
from flask import Flask, url_for

from webapp.static_files import IMMUTABLE, hashed_name, scan


def _assets_of(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


def test_pages_load_hashed_static_names_cached_for_a_year(client, logged_in):
    html = client.get("/today").get_data(as_text=True)
    assets = _assets_of(html)
    assert any(a.endswith(".css") for a in assets) and any(a.endswith(".js") for a in assets)
    for asset in assets:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", asset), asset
        with client.get(asset) as response:
            assert response.status_code == 200, asset
            assert response.headers["Cache-Control"] == IMMUTABLE
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_static_text_is_served_precompressed_brotli_else_gzip(app: Flask, client):
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
    with client.get(css) as response:
        plain = response.get_data()
    with client.get(css, headers={"Accept-Encoding": "gzip, deflate, br"}) as response:
        assert response.headers["Content-Encoding"] == "br"
        assert "Accept-Encoding" in response.headers["Vary"]
        assert brotli.decompress(response.get_data()) == plain
    with client.get(css, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(response.get_data()) == plain
    assert len(plain) > 3 * len(brotli.compress(plain))


def test_unhashed_static_names_still_answer_but_revalidate(client):
    with client.get("/static/icons/icon-192.png") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
    with client.get("/static/js/nothing-here.js") as response:
        assert response.status_code == 404


def test_pages_and_json_are_compressed_only_when_accepted(client, logged_in):
    plain = client.get("/today")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/today", headers={"Accept-Encoding": "br;q=1, gzip;q=0.8"})
    assert packed.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in packed.headers["Vary"]
    page = brotli.decompress(packed.get_data()).decode()
    assert "<form" in page and len(packed.get_data()) < len(plain.get_data()) / 3
    # Security headers survive compression.
    assert packed.headers["Content-Security-Policy"] == plain.headers["Content-Security-Policy"]

    entry = {"id": str(uuid.uuid4()), "date": "2026-11-20", "pain": 3, "notes": "stairs " * 200}
    token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    client.post("/api/entries", json=entry, headers={"X-CSRFToken": token})
    listed = client.get("/api/entries", headers={"Accept-Encoding": "gzip"})
    assert listed.headers["Content-Encoding"] == "gzip"
    assert entry["id"] in gzip.decompress(listed.get_data()).decode()


def test_hashed_names_follow_the_content(tmp_path):
    (tmp_path / "css").mkdir()
    sheet = tmp_path / "css" / "app.css"
    sheet.write_text("body { color: teal }")
    digest, files = scan(tmp_path)
    first = hashed_name("css/app.css", files["css/app.css"][1])
    assert re.fullmatch(r"css/app\.[0-9a-f]{12}\.css", first)
    sheet.write_text("body { color: navy }")
    digest_after, files = scan(tmp_path)
    assert hashed_name("css/app.css", files["css/app.css"][1]) != first
    assert digest_after != digest
    assert hashed_name("LICENSE", "abc") == "LICENSE.abc"
