"""Every form, JSON endpoint and the import, fed the inputs that once caused 500s.

The strategies are the ones the security review used: Unicode digits ("²", "٣"),
"--5", numbers of thousands of digits, lone surrogates, NUL bytes, JSON nested
100,000 deep, zone names that are directories or too long, URLs urlsplit refuses,
and extreme dates. Each request must answer below 500, and a refused request
(4xx) must leave every table exactly as it was. The figures (requests, 5xx, rows
written by refused requests) are written to test-output/ for the closing note.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import AuthActions, csrf_from, make_entry
from webapp.diary import format as diary_format
from webapp.extensions import db

FUZZ = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
FIGURES: dict[str, int] = {"requests": 0, "5xx": 0, "rows_written_by_refused": 0}
ENTRY_ID = "7c4f0a52-9d1b-4c11-8e2b-1d3a4b5c6d7e"

NASTY_FIXED = [
    "",
    "²",
    "٣",
    "５",
    "--5",
    "-0",
    "9" * 5000,
    "1e3",
    "NaN",
    "\x00",
    "a\x00b",
    "\ud800",
    "note \udfff end",
    "Europe",
    "Europe/",
    "x" * 70,
    "../../../etc/passwd",
    "Europe/Berlin\x00",
    "https://[::1",
    "http://host:99999/x",
    "//evil.example/x",
    "/\\evil.example",
    "0001-01-01",
    "9999-12-31",
    "1899-12-31",
    "2026-02-30",
    "-0001-01-01",
    "20261201",
    "25:99",
    "delete",
    "yes",
    "left",
    "true",
]
nasty_text = st.one_of(
    st.sampled_from(NASTY_FIXED),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.tuples(st.text(max_size=10), st.sampled_from(["\x00", "\ud800", "²"])).map("".join),
)
nasty_json = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | nasty_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(nasty_text, children, max_size=3)
    ),
    max_leaves=6,
)
DEEP = ["[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000, "9" * 5000]

ENTRY_FIELDS = list(diary_format.FIELD_ORDER)
FORMS: dict[str, list[str]] = {
    "/entries": ENTRY_FIELDS,
    f"/entries/{ENTRY_ID}": ENTRY_FIELDS,
    f"/entries/{ENTRY_ID}/delete": ["next"],
    "/account/profile": ["profile-display_name", "profile-timezone"],
    "/account/password": [
        "password-current",
        "password-password",
        "password-confirm",
        "password-revoke_links",
        "password-revoke_calendar",
    ],
    "/account/email": ["email-email", "email-password"],
    "/account/delete": ["delete-password", "delete-confirm"],
    "/share/links": ["days", "label"],
    "/reminders": ["enabled", "time", "timezone", "days", "skip_if_logged"],
}
ANONYMOUS_FORMS: dict[str, list[str]] = {
    "/login": ["email", "password", "remember", "next"],
    "/register": ["email", "password", "confirm"],
    "/forgot": ["email"],
    "/reset/{token}": ["password", "confirm", "revoke_links", "revoke_calendar"],
}
QUERIES: dict[str, list[str]] = {
    "/export": ["from", "to", "paper"],
    "/export/diary.json": ["from", "to", "paper"],
    "/diary": ["before", "range"],
    "/api/entries": ["since"],
    "/today": ["saved", "detail"],
}
JSON_ENDPOINTS: dict[tuple[str, str], list[str]] = {
    ("POST", "/api/entries"): ENTRY_FIELDS,
    ("POST", "/api/share-links"): ["days", "label"],
    ("PUT", "/api/reminder"): ["enabled", "time", "timezone", "days", "skip_if_logged"],
    ("POST", "/api/push/subscriptions"): ["endpoint", "keys"],
    ("DELETE", "/api/push/subscriptions"): ["endpoint"],
}


def _form_body(data: dict[str, Any]) -> bytes:
    """URL-encode as a browser would, lone surrogates included (as raw UTF-8 bytes)."""
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            raw = str(item).encode("utf-8", "surrogatepass")
            pairs.append(f"{quote(key)}={quote(raw)}")
    return "&".join(pairs).encode("ascii")


def _state(app: Any) -> str:
    """A digest of every row of every table (the rate-limit counters aside)."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            if table.name == "rate_limit":
                continue
            rows = db.session.execute(table.select()).all()
            digest.update(table.name.encode())
            digest.update(repr(sorted(map(repr, rows))).encode())
        db.session.remove()
    return digest.hexdigest()


@pytest.fixture(scope="module", autouse=True)
def write_figures(database_uri: str) -> Any:
    yield
    OUTPUT.mkdir(exist_ok=True)
    dialect = database_uri.split(":", 1)[0].split("+", 1)[0]
    (OUTPUT / f"fuzz-figures-{dialect}.json").write_text(json.dumps(FIGURES, indent=2))
    print(f"\nfuzz figures ({dialect}): {FIGURES}")  # noqa: T201 - the closing note's numbers


@pytest.fixture
def fuzz_client(app: Any, client: Any, user: Any) -> tuple[Any, AuthActions]:
    make_entry(app, user, id=ENTRY_ID, notes="the entry the edit forms aim at")
    auth = AuthActions(client)
    assert auth.login().status_code == 302
    return client, auth


def _send(app: Any, client: Any, method: str, path: str, **kwargs: Any) -> int:
    before = _state(app)
    response = client.open(path, method=method, **kwargs)
    FIGURES["requests"] += 1
    status = response.status_code
    if status >= 500:
        FIGURES["5xx"] += 1
    if 400 <= status < 500 and _state(app) != before:
        FIGURES["rows_written_by_refused"] += 1
        pytest.fail(f"{method} {path} answered {status} but changed the database")
    assert status < 500, f"{method} {path} answered {status}: {kwargs}"
    return status


def _open_path(app: Any, user: Any, path: str) -> str:
    """The path with a fresh, real reset token, so the reset form itself is reached."""
    if "{token}" not in path:
        return path
    from webapp.auth import reset_tokens
    from webapp.models import User

    with app.app_context():
        token = reset_tokens.issue(db.session.get(User, user.id))
        db.session.remove()
    return path.format(token=token)


def _ensure_fixtures(app: Any, auth: AuthActions, user: Any) -> None:
    """Put back what a successful fuzzed request took away (the entry, the login)."""
    with app.app_context():
        from webapp.models import Entry

        present = db.session.scalar(db.select(Entry.pk).filter_by(id=ENTRY_ID))
        db.session.remove()
    if present is None:
        make_entry(app, user, id=ENTRY_ID)
    if auth.refresh_csrf() == "" or auth._client.get("/account").status_code != 200:
        auth.login()


@pytest.mark.parametrize("path", list(FORMS))
def test_forms_never_500_nor_write_when_refusing(app, user, fuzz_client, path):
    client, auth = fuzz_client

    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(FORMS[path]), nasty_text, max_size=6))
    def run(values: dict[str, str]) -> None:
        _ensure_fixtures(app, auth, user)
        body = _form_body({"csrf_token": auth.csrf, **values})
        headers = {"HX-Request": "true"} if len(values) % 2 else {}
        _send(
            app,
            client,
            "POST",
            path,
            data=body,
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )

    run()


@pytest.mark.parametrize("path", list(ANONYMOUS_FORMS))
def test_logged_out_forms_never_500_nor_write_when_refusing(app, user, path):
    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(ANONYMOUS_FORMS[path]), nasty_text, max_size=4))
    def run(values: dict[str, str]) -> None:
        client = app.test_client()
        auth = AuthActions(client)
        page = client.get("/login")
        auth.csrf = csrf_from(page.get_data(as_text=True))
        body = _form_body({"csrf_token": auth.csrf, **values})
        target = _open_path(app, user, path)
        _send(
            app, client, "POST", target, data=body, content_type="application/x-www-form-urlencoded"
        )

    run()


@pytest.mark.parametrize("path", list(QUERIES))
def test_query_strings_never_500(app, user, fuzz_client, path):
    client, _auth = fuzz_client

    @FUZZ
    @given(values=st.dictionaries(st.sampled_from(QUERIES[path]), nasty_text, max_size=3))
    def run(values: dict[str, str]) -> None:
        query = _form_body(values).decode("ascii")
        _send(app, client, "GET", f"{path}?{query}")

    run()


@pytest.mark.parametrize(("method", "path"), list(JSON_ENDPOINTS))
def test_json_endpoints_never_500_nor_write_when_refusing(app, user, fuzz_client, method, path):
    client, auth = fuzz_client
    fields = JSON_ENDPOINTS[(method, path)]

    @FUZZ
    @given(
        body=st.one_of(
            st.dictionaries(st.sampled_from(fields), nasty_json, max_size=6).map(json.dumps),
            nasty_json.map(json.dumps),
            st.binary(max_size=60).map(lambda raw: raw.decode("latin-1")),
        )
    )
    def run(body: str) -> None:
        _ensure_fixtures(app, auth, user)
        _send(
            app,
            client,
            method,
            path,
            data=body.encode("utf-8", "surrogatepass"),
            content_type="application/json",
            headers=auth.headers,
        )

    run()


def test_import_never_500s_nor_writes_when_refusing(app, user, fuzz_client):
    import io

    client, auth = fuzz_client
    entry = st.dictionaries(st.sampled_from(ENTRY_FIELDS), nasty_json, max_size=6)

    @FUZZ
    @given(
        document=st.one_of(
            st.builds(
                lambda entries: json.dumps({"format": diary_format.FORMAT, "entries": entries}),
                st.lists(entry, max_size=3),
            ),
            nasty_json.map(json.dumps),
        )
    )
    def run(document: str) -> None:
        _ensure_fixtures(app, auth, user)
        _send(
            app,
            client,
            "POST",
            "/account/import",
            data={
                "csrf_token": auth.csrf,
                "import-file": (io.BytesIO(document.encode("utf-8", "surrogatepass")), "d.json"),
            },
            content_type="multipart/form-data",
        )

    run()


def _every_field(fields: list[str], value: str) -> dict[str, str]:
    return dict.fromkeys(fields, value)


@pytest.mark.parametrize("value", NASTY_FIXED, ids=range(len(NASTY_FIXED)))
def test_each_known_bad_value_in_every_field_of_every_endpoint(app, user, fuzz_client, value):
    """The sweep: each value that once caused a 500, in all fields of every endpoint at once."""
    client, auth = fuzz_client
    for path, fields in FORMS.items():
        _ensure_fixtures(app, auth, user)
        body = _form_body({"csrf_token": auth.csrf, **_every_field(fields, value)})
        _send(
            app, client, "POST", path, data=body, content_type="application/x-www-form-urlencoded"
        )
    for path, fields in QUERIES.items():
        _send(app, client, "GET", f"{path}?{_form_body(_every_field(fields, value)).decode()}")
    for (method, path), fields in JSON_ENDPOINTS.items():
        _ensure_fixtures(app, auth, user)
        body = json.dumps(_every_field(fields, value)).encode()
        _send(
            app,
            client,
            method,
            path,
            data=body,
            content_type="application/json",
            headers=auth.headers,
        )
    anonymous = app.test_client()
    token = csrf_from(anonymous.get("/login").get_data(as_text=True))
    for path, fields in ANONYMOUS_FORMS.items():
        body = _form_body({"csrf_token": token, **_every_field(fields, value)})
        _send(
            app,
            anonymous,
            "POST",
            _open_path(app, user, path),
            data=body,
            content_type="application/x-www-form-urlencoded",
        )


@pytest.mark.parametrize("body", DEEP, ids=["array-100000-deep", "object-50000-deep", "huge-int"])
def test_deep_or_huge_json_is_refused_everywhere(app, user, fuzz_client, body):
    import io

    client, auth = fuzz_client
    for method, path in JSON_ENDPOINTS:
        status = _send(
            app,
            client,
            method,
            path,
            data=body,
            content_type="application/json",
            headers=auth.headers,
        )
        assert status in (400, 422)
    _send(
        app,
        client,
        "POST",
        "/account/import",
        data={"csrf_token": auth.csrf, "import-file": (io.BytesIO(body.encode()), "d.json")},
        content_type="multipart/form-data",
    )
