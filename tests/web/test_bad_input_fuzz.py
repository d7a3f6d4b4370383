"""Generated bad input never makes the server answer 500 and never writes a row."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import count_entries, htmx
from webapp.diary import format as diary_format

FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

junk = st.one_of(
    st.text(max_size=30),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", "11", "-1", "1e3", "NaN", "\x00", "2026-02-30", "9999-12-31"]),
)
# A bad pain value makes every generated form invalid, whatever else it holds.
bad_pain = st.one_of(
    st.integers(min_value=11, max_value=10**6).map(str),
    st.integers(max_value=-1).map(str),
    st.text(alphabet="abcxyz .,", min_size=1, max_size=10),
)
form_fields = st.sampled_from(
    [*diary_format.ENUMS, *diary_format.LISTS, *diary_format.BOOLEANS, "date", "notes", "id"]
)


@FUZZ
@given(pain=bad_pain, extra=st.dictionaries(form_fields, junk, max_size=6))
def test_form_with_generated_bad_input_never_500s_or_saves(app, client, logged_in, pain, extra):
    data = {
        "csrf_token": logged_in.csrf,
        "date": dt.date.today().isoformat(),
        **extra,
        "pain": pain,
    }
    response = client.post("/entries", data=data, headers=htmx(logged_in.headers))
    assert response.status_code == 422
    assert count_entries(app) == 0


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)


@FUZZ
@given(
    body=st.one_of(
        json_values,
        st.dictionaries(st.sampled_from(diary_format.FIELD_ORDER), json_values, max_size=8).map(
            lambda d: {**d, "pain": 42}
        ),
    )
)
def test_api_with_generated_bad_json_never_500s_or_saves(app, client, logged_in, body):
    response = client.post("/api/entries", json=body, headers=logged_in.headers)
    assert response.status_code in (400, 422)
    assert "errors" in response.get_json()
    assert count_entries(app) == 0


@FUZZ
@given(raw=st.binary(max_size=200))
def test_api_with_generated_bytes_never_500s(app, client, logged_in, raw):
    response = client.post(
        "/api/entries", data=raw, headers={**logged_in.headers, "Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert count_entries(app) == 0
