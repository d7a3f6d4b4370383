"""Exports build only what they write, and the CSV and FHIR downloads stream."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.web.share_support import make_known_diary
from webapp.share import report

RANGE = "from=2026-11-01&to=2026-11-20"


@pytest.fixture
def diary(app, user, logged_in):
    make_known_diary(app, user)
    return logged_in


@pytest.fixture
def nothing_but_the_entries(monkeypatch):
    """Summary, chart and findings raise: an export that needs none of them still works."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("this export computed what it never writes")

    for name in ("summarise", "build_pain_chart", "evaluate", "period_findings"):
        monkeypatch.setattr(report, name, refuse)


@pytest.mark.parametrize("kind", ["diary.csv", "diary.json", "fhir.json"])
def test_data_exports_never_compute_summary_chart_or_findings(
    client, diary, nothing_but_the_entries, kind
):
    response = client.get(f"/export/{kind}?{RANGE}")
    assert response.status_code == 200
    assert response.get_data()


def test_csv_and_fhir_stream_and_match_what_was_built_whole(client, diary):
    csv_response = client.get(f"/export/diary.csv?{RANGE}", buffered=False)
    assert csv_response.is_streamed
    text = csv_response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 5 and rows[0]["date"] == "2026-11-02"

    fhir_response = client.get(f"/export/fhir.json?{RANGE}", buffered=False)
    assert fhir_response.is_streamed
    bundle = json.loads(fhir_response.get_data(as_text=True))
    assert [e["resource"]["effectiveDateTime"] for e in bundle["entry"]] == [
        r["date"] for r in rows
    ]


def test_streamed_exports_are_compressed_chunk_by_chunk(client, diary):
    import gzip

    response = client.get(f"/export/diary.csv?{RANGE}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response.headers
    assert gzip.decompress(response.get_data()).decode().startswith("\ufeffid,date")
