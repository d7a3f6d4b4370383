"""Share links: made, listed, opened by the doctor, revoked, expired, guarded."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.support import AuthActions, csrf_of, htmx, make_entry
from tests.web.share_support import create_link, token_path
from webapp.extensions import db
from webapp.models import ShareAccess, ShareLink
from webapp.share import links


def test_new_link_answers_201_with_its_url_and_stores_only_a_hash(app, client, logged_in):
    before = dt.datetime.now(dt.UTC)
    body = create_link(client, logged_in.csrf, days=14, label="Dr Weber")
    assert set(body) >= {"id", "url", "expires_at"}
    token = body["url"].rsplit("/", 1)[1]
    assert len(token) >= 43  # 32 random bytes, base64url
    expires = dt.datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00"))
    assert dt.timedelta(days=13, hours=23) < expires - before < dt.timedelta(days=14, minutes=1)
    with app.app_context():
        link = db.session.get(ShareLink, body["id"])
        assert link.token_hash == links.hash_token(token)
        assert token not in (link.token_hash, link.label)


def test_tokens_are_different_every_time(client, logged_in):
    urls = {create_link(client, logged_in.csrf)["url"] for _ in range(5)}
    assert len(urls) == 5


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"days": 0}, "days"),
        ({"days": 31}, "days"),
        ({"days": "two weeks"}, "days"),
        ({"days": True}, "days"),
        ({"days": 7, "label": "x" * 81}, "label"),
        ({"days": 7, "label": 12}, "label"),
        ({"days": 7, "colour": "red"}, "colour"),
    ],
)
def test_bad_link_settings_get_422_with_field_errors(client, logged_in, body, field):
    response = client.post("/api/share-links", json=body, headers=logged_in.headers)
    assert response.status_code == 422
    assert response.get_json()["errors"][field]


def test_link_api_needs_the_csrf_header(client, logged_in):
    assert client.post("/api/share-links", json={"days": 3}).status_code == 400


def test_doctor_view_shows_the_summary_without_login_and_with_private_headers(
    app, client, user, logged_in
):
    today = dt.date.today()
    make_entry(app, user, date=today - dt.timedelta(days=2), pain=7, side="left", notes="Stairs")
    make_entry(app, user, date=today - dt.timedelta(days=1), pain=3, side="left")
    url = create_link(client, logged_in.csrf)["url"]
    doctor = app.test_client()
    response = doctor.get(token_path(url), headers={"User-Agent": "Mozilla/5.0 Firefox/130.0"})
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "7/10 on" in html
    assert "Stairs" in html
    assert "2 of 90" in html
    for account_path in ('href="/today"', 'href="/diary"', 'href="/account"', "/logout"):
        assert account_path not in html
    assert "csrf" not in html.lower()


def test_doctor_downloads_work_through_the_link_and_are_logged(app, client, user, logged_in):
    make_entry(app, user, date=dt.date.today(), pain=4)
    body = create_link(client, logged_in.csrf)
    doctor = app.test_client()
    path = token_path(body["url"])
    pdf = doctor.get(f"{path}/report.pdf?paper=letter", headers={"User-Agent": "curl/8.5"})
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Referrer-Policy"] == "no-referrer"
    assert doctor.get(f"{path}/diary.csv").status_code == 200
    listed = client.get("/api/share-links").get_json()["links"][0]
    assert [a["path"] for a in listed["accesses"]] == ["diary.csv", "report.pdf"]
    assert listed["accesses"][1]["browser_family"] == "curl"


def test_accesses_are_shown_to_the_owner(app, client, logged_in):
    url = create_link(client, logged_in.csrf, days=3, label="Physio Anna")["url"]
    app.test_client().get(token_path(url), headers={"User-Agent": "Mozilla/5.0 Chrome/130.0"})
    page = client.get("/share").get_data(as_text=True)
    assert "Physio Anna" in page
    assert "Opened 1 time" in page
    assert "Chrome" in page


def test_wrong_token_answers_404(app, client):
    assert client.get("/s/" + links.new_token()).status_code == 404
    assert client.get("/s/short").status_code == 404
    assert client.get("/s/" + links.new_token() + "/report.pdf").status_code == 404


def test_revoking_works_at_once(app, client, logged_in):
    body = create_link(client, logged_in.csrf)
    doctor = app.test_client()
    assert doctor.get(token_path(body["url"])).status_code == 200
    response = client.delete(f"/api/share-links/{body['id']}", headers=logged_in.headers)
    assert response.status_code == 200
    assert response.get_json()["state"] == "revoked"
    gone = doctor.get(token_path(body["url"]))
    assert gone.status_code == 410
    assert "revoked" in gone.get_data(as_text=True)
    assert doctor.get(token_path(body["url"]) + "/diary.csv").status_code == 410


def test_expired_link_answers_410(app, client, logged_in):
    body = create_link(client, logged_in.csrf, days=1)
    with app.app_context():
        link = db.session.get(ShareLink, body["id"])
        link.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
        db.session.commit()
    response = app.test_client().get(token_path(body["url"]))
    assert response.status_code == 410
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/api/share-links").get_json()["links"][0]["state"] == "expired"


def test_another_persons_link_cannot_be_seen_or_revoked(app, client, user, other_user):
    AuthActions(client).login(email=other_user.email)
    theirs = create_link(client, csrf_of(client, "/account"))
    client.post("/logout", data={"csrf_token": csrf_of(client, "/account")})
    auth = AuthActions(client)
    auth.login()
    assert client.get("/api/share-links").get_json() == {"links": []}
    assert (
        client.delete(f"/api/share-links/{theirs['id']}", headers=auth.headers).status_code == 404
    )
    revoke = client.post(f"/share/links/{theirs['id']}/revoke", data={"csrf_token": auth.csrf})
    assert revoke.status_code == 404
    with app.app_context():
        assert db.session.get(ShareLink, theirs["id"]).revoked_at is None


def test_guessing_tokens_is_rate_limited(limited_app):
    client = limited_app.test_client()
    # Guesses at the view and at the downloads count together.
    codes = [
        client.get("/s/" + links.new_token() + ("/report.pdf" if n % 2 else "")).status_code
        for n in range(11)
    ]
    assert codes[:10] == [404] * 10
    assert codes[10] == 429


def test_a_real_link_is_not_limited_by_its_own_use(limited_app):
    from tests.support import create_user

    create_user(limited_app)
    client = limited_app.test_client()
    auth = AuthActions(client)
    auth.login()
    url = create_link(client, auth.csrf)["url"]
    doctor = limited_app.test_client()
    assert {doctor.get(token_path(url)).status_code for _ in range(12)} == {200}


def test_link_page_makes_a_link_with_qr_and_share_buttons(client, logged_in):
    page = client.post(
        "/share/links", data={"days": "10", "label": "Dr Weber", "csrf_token": logged_in.csrf}
    )
    assert page.status_code == 201
    html = page.get_data(as_text=True)
    assert "data:image/svg+xml" in html
    assert 'data-share-url="http://localhost/s/' in html
    assert "data-copy-url" in html
    assert "Dr Weber" in html
    assert page.headers["Cache-Control"] == "no-store"


def test_link_form_keeps_input_and_explains_errors(client, logged_in):
    page = client.post(
        "/share/links",
        data={"days": "45", "label": "Dr Weber"},
        headers=htmx(logged_in.headers),
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "A link lasts from 1 to 30 days." in html
    assert 'value="45"' in html and 'value="Dr Weber"' in html
    assert "<html" not in html  # an htmx fragment


def test_revoke_form_redirects_and_htmx_gets_the_fragment(app, client, logged_in):
    first = create_link(client, logged_in.csrf)
    second = create_link(client, logged_in.csrf)
    plain = client.post(f"/share/links/{first['id']}/revoke", data={"csrf_token": logged_in.csrf})
    assert plain.status_code == 303
    fragment = client.post(f"/share/links/{second['id']}/revoke", headers=htmx(logged_in.headers))
    assert fragment.status_code == 200
    assert 'id="share-manage"' in fragment.get_data(as_text=True)
    with app.app_context():
        states = db.session.scalars(select(ShareLink.revoked_at)).all()
        assert all(states)


def test_access_log_keeps_the_latest_openings_only(app, client, logged_in):
    from webapp.share import store

    url = create_link(client, logged_in.csrf)["url"]
    doctor = app.test_client()
    for _ in range(store.ACCESSES_KEPT + 3):
        doctor.get(token_path(url) + "/diary.json")
    with app.app_context():
        count = db.session.scalar(db.select(db.func.count()).select_from(ShareAccess))
    assert count == store.ACCESSES_KEPT


@pytest.mark.parametrize(
    "query",
    ["from=%00", "to=" + "9" * 500, "from=2026-13-01", "paper=%ff%fe", "from=&to=&paper="],
)
def test_odd_export_queries_never_fail_with_500(client, logged_in, query):
    for kind in ("report.pdf", "diary.csv", "diary.json", "fhir.json"):
        assert client.get(f"/export/{kind}?{query}").status_code in (200, 422)
    assert client.get(f"/export?{query}").status_code in (200, 422)


@pytest.mark.parametrize("body", [[1, 2], "14", None, {"days": 10**30}, {"days": -3}])
def test_odd_link_bodies_answer_422(client, logged_in, body):
    response = client.post(
        "/api/share-links",
        data="" if body is None else json.dumps(body),
        content_type="application/json",
        headers=logged_in.headers,
    )
    assert response.status_code == (201 if body is None else 422)


def test_odd_link_ids_and_tokens_answer_404(client, logged_in):
    assert client.delete("/api/share-links/abc", headers=logged_in.headers).status_code == 404
    assert client.delete("/api/share-links/99999", headers=logged_in.headers).status_code == 404
    assert client.get("/s/" + "x" * 5000).status_code == 404
    assert client.get("/s/%00%01").status_code == 404


def test_the_first_report_asks_for_the_patients_name(client, logged_in, user):
    page = client.get("/export").get_data(as_text=True)
    assert "Whose diary is this?" in page
    empty = client.post(
        "/report-name",
        data={"csrf_token": logged_in.csrf, "display_name": "  ", "next": "share.export_page"},
    )
    assert empty.status_code == 422
    assert "Type your name" in empty.get_data(as_text=True)
    saved = client.post(
        "/report-name",
        data={
            "csrf_token": logged_in.csrf,
            "display_name": " Sam Weber ",
            "next": "https://evil.example",
        },
    )
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/export")
    page = client.get("/export").get_data(as_text=True)
    assert "Whose diary is this?" not in page
    assert "Sam Weber" in page  # the flash
    pdf = client.get("/export/report.pdf")
    import io

    from pypdf import PdfReader

    assert "Knee pain diary: Sam Weber" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Whose diary is this?" not in client.get("/share").get_data(as_text=True)
