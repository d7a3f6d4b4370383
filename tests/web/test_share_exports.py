"""The person's own exports: PDF, CSV, JSON and FHIR for a chosen range."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pypdfium2
import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from tests.web.share_support import KNOWN_DAYS, make_known_diary
from webapp.diary import format as diary_format

RANGE = "from=2026-11-01&to=2026-11-20"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "share"


@pytest.fixture
def diary(app, user, logged_in):
    make_known_diary(app, user)
    return logged_in


def test_pdf_report_holds_the_figures_and_dates(client, diary):
    response = client.get(f"/export/report.pdf?{RANGE}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    reader = PdfReader(io.BytesIO(response.data))
    first = " ".join(reader.pages[0].extract_text().split())
    # Page 1 is the whole summary: who, when, how complete, red flags first, the chart,
    # the causes and the newest days; every entry follows from page 2.
    assert "1 Nov – 20 Nov 2026 (20 days)" in first
    assert "5 of 20 days (25 %)" in first
    assert "8/10 on 10 Nov 2026" in first
    assert "4/10 (median of daily worst)" in first  # median of 2, 3, 4, 5, 8
    assert "Left (3 entries), Right (1 entry)" in first
    assert first.index("Red flags") < first.index("Pain over the period")
    assert (
        "Signs of a deep vein thrombosis (DVT) in the calf or thigh — raised 18 Nov 2026" in first
    )
    assert "Advice given: Seek emergency care now." in first
    assert "Suggested from the patient's log by Fossa, not a diagnosis" in first
    assert "Popliteus tendinopathy" in first
    assert "Recent entries" in first and "Tue 10 Nov 8 Left Downhill running" in first
    assert "Page 1 of 2" in first
    assert "your pain" not in flat.lower()
    assert "Hill reps – ouch" in flat
    # The pages as pictures, for a person to look at (test-output/ is gitignored),
    # rendered with pypdfium2 so nothing outside pip is needed.
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for old in OUTPUT.glob("report-page-*.png"):
        old.unlink()
    (OUTPUT / "report.pdf").write_bytes(response.data)
    document = pypdfium2.PdfDocument(response.data)
    try:
        for number, pdf_page in enumerate(document, start=1):
            pdf_page.render(scale=1).to_pil().save(OUTPUT / f"report-page-{number}.png")
    finally:
        document.close()
    assert len(list(OUTPUT.glob("report-page-*.png"))) == len(reader.pages)


def test_pdf_times_are_in_the_patients_zone(client, diary, user, app):
    response = client.get(f"/export/report.pdf?{RANGE}")
    first = " ".join(PdfReader(io.BytesIO(response.data)).pages[0].extract_text().split())
    assert "(Europe/Berlin)" in first  # the test user's zone
    assert "UTC" not in first


@pytest.mark.parametrize(("paper", "width_pt"), [("a4", 595), ("letter", 612)])
def test_pdf_comes_in_a4_and_letter(client, diary, paper, width_pt):
    response = client.get(f"/export/report.pdf?{RANGE}&paper={paper}")
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    assert round(float(page.mediabox.width)) == width_pt


def test_csv_has_a_header_and_one_row_per_entry_with_every_field(client, diary):
    response = client.get(f"/export/diary.csv?{RANGE}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(rows[0].keys()) == list(diary_format.FIELD_ORDER)
    assert [r["date"] for r in rows] == [d.isoformat() for d in sorted(KNOWN_DAYS)]
    assert [int(r["pain"]) for r in rows] == [2, 5, 8, 3, 4]
    assert rows[1]["provoked_by"] == "deep_flexion"
    assert rows[1]["numbness"] == "no"
    assert rows[2]["notes"] == "Hill reps – ouch"


def test_json_export_is_the_diary_format_for_the_range(client, diary):
    response = client.get("/export/diary.json?from=2026-11-04&to=2026-11-10")
    document = response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert document["format"] == "fossa-diary/1"
    assert [e["date"] for e in document["entries"]] == ["2026-11-05", "2026-11-10"]


def test_fhir_export_is_a_valid_r4_bundle_of_pain_observations(client, diary):
    response = client.get(f"/export/fhir.json?{RANGE}")
    assert response.headers["Cache-Control"] == "no-store"
    bundle = Bundle.model_validate_json(response.data)
    assert bundle.type == "collection"
    observations = [item.resource for item in bundle.entry]
    assert [o.valueInteger for o in observations] == [2, 5, 8, 3, 4]
    assert all(o.code.coding[0].code == "72514-3" for o in observations)
    assert observations[0].code.coding[0].system == "http://loinc.org"
    assert str(observations[2].effectiveDateTime) == "2026-11-10"
    assert observations[3].bodySite.text == "Back of the right knee"
    assert observations[4].bodySite.text == "Back of the knee"
    swelling = [c for c in observations[2].component if c.code.coding[0].code == "swelling"]
    assert swelling[0].valueCodeableConcept.coding[0].code == "mild"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("from=yesterday", "from", "Use a date like"),
        ("from=2026-11-20&to=2026-11-01", "from", "must not be after"),
        ("to=2999-01-01", "to", "in the future"),
        ("from=2026-02-30", "from", "Use a date like"),
    ],
)
def test_bad_range_gets_a_clear_message(client, diary, query, field, message):
    page = client.get(f"/export/report.pdf?{query}")
    assert page.status_code == 422
    assert message in page.get_data(as_text=True)
    assert 'value="' in page.get_data(as_text=True)
    api = client.get(f"/export/fhir.json?{query}")
    assert api.status_code == 422
    assert message in api.get_json()["errors"][field][0]


def test_unknown_paper_is_refused_with_a_message(client, diary):
    page = client.get("/export/report.pdf?paper=a5")
    assert page.status_code == 422
    assert "Choose A4 or Letter." in page.get_data(as_text=True)


def test_exports_need_login_and_show_only_own_entries(app, client, user, other_user):
    from tests.support import AuthActions, make_entry

    make_entry(app, other_user, date="2026-11-03", pain=9)
    assert client.get("/export/diary.csv").status_code == 302
    AuthActions(client).login()
    text = client.get(f"/export/diary.csv?{RANGE}").data.decode()
    assert "2026-11-03" not in text


def test_export_page_shows_the_default_range_and_the_formats(client, diary):
    page = client.get("/export")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for kind in ("report.pdf", "diary.csv", "diary.json", "fhir.json"):
        assert f"/export/{kind}" in html
    assert "Exports for my doctor" in client.get("/account").get_data(as_text=True)


def test_the_report_lists_every_flag_of_the_period_not_only_those_still_open(client, diary):
    # Pain 8 on 10 Nov is more than 14 days before the period's end: the findings of
    # 25 Nov no longer hold it, but the doctor must still read it, with its date.
    response = client.get("/export/report.pdf?from=2026-11-01&to=2026-11-25")
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    flat = " ".join(text.split())
    assert "Severe pain, or pain that stops you bearing weight" in flat
    assert "Severe pain, or pain that stops you bearing weight — raised 10 Nov 2026" in flat


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_summary_fits_on_page_one_even_for_a_busy_diary(app, client, user, logged_in, paper):
    from tests.web.test_no_codes_shown import every_value_diary

    every_value_diary(app, user)  # six red flags, three causes, every answer
    response = client.get(f"/export/report.pdf?paper={paper}")
    pages = [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages]
    first = pages[0]
    for part in ("Red flags (6)", "Pain over the period", "Possible causes", "Recent entries"):
        assert part in first, part
    assert "follows from page 2" in first
    assert pages[1].startswith("All entries")
