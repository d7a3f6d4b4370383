"""The pure renderers and rules of the share feature, without Flask or a database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid

import pytest
from fhir.resources.R4B.bundle import Bundle
from pypdf import PdfReader

from webapp.diary import format as diary_format
from webapp.share import links, report_pdf
from webapp.share.csv_export import render_diary_csv
from webapp.share.fhir_export import render_fhir_bundle
from webapp.share.summary import Period, parse_period, summarise

TODAY = dt.date(2026, 11, 26)
GENERATED = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)

FINDINGS = {
    "today": "2026-11-20",
    "urgency": "see_professional",
    "urgency_text": "See a healthcare professional.",
    "red_flags": [
        {
            "code": "lump_growing",
            "urgency": "see_professional",
            "title": "A lump behind the knee",
            "advice": "Have it looked at.",
            "passage": "",
            "evidence": [
                {
                    "date": "2026-11-04",
                    "entry_id": None,
                    "field": "lump",
                    "value": True,
                    "note": "",
                },
                {
                    "date": "2026-11-09",
                    "entry_id": None,
                    "field": "lump",
                    "value": True,
                    "note": "",
                },
            ],
        }
    ],
    "causes": [
        {
            "code": "bakers_cyst",
            "name": "Popliteal (Baker's) cyst",
            "score": 2.0,
            "confidence": "possible",
            "evidence_for": [
                {"date": "2026-11-04", "entry_id": None, "field": "lump", "value": True, "note": ""}
            ],
            "evidence_against": [
                {
                    "date": "2026-11-09",
                    "entry_id": None,
                    "field": "swelling",
                    "value": "none",
                    "note": "",
                }
            ],
            "passage": "",
        }
    ],
    "factors": [
        {
            "code": "load",
            "name": "A sudden jump in training",
            "passage": "",
            "evidence": [
                {
                    "date": "2026-11-02",
                    "entry_id": None,
                    "field": "load_change",
                    "value": "big_increase",
                    "note": "",
                }
            ],
        }
    ],
    "advice": [],
    "next_questions": [],
    "enough_to_go_on": True,
    "disclaimer": "Not a diagnosis.",
    "entries_considered": 3,
}


def entry(day: str, pain: int, **answers):
    return {"id": str(uuid.uuid4()), "date": day, "pain": pain, **answers}


def diary():
    return [
        entry("2026-11-02", 2, side="left", activity="running", load_change="big_increase"),
        entry(
            "2026-11-04",
            6,
            side="left",
            activity="running",
            lump=True,
            locations=["center", "calf"],
            notes="=SUM(A1) ünïcödé ✓",
        ),
        entry("2026-11-09", 0, side="both", activity="none", swelling="none"),
    ]


def pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


def test_period_defaults_to_the_last_90_days():
    period, errors = parse_period(None, "", TODAY)
    assert errors == {}
    assert period == Period(dt.date(2026, 8, 29), TODAY)
    assert period.days == 90


def test_summary_figures():
    summary = summarise(diary(), Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10)))
    assert summary.days_logged == 3
    assert summary.worst.worst == 6 and summary.worst.day == dt.date(2026, 11, 4)
    assert summary.typical == 2
    assert summary.pain_free_days == 1
    assert summary.knee_text() == "Left (2 entries), Both (1 entry)"
    assert [(a.label, a.painful, a.entries) for a in summary.activities] == [("Running", 2, 2)]


def test_pdf_renders_findings_from_a_findings_dict():
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    data = report_pdf.render_report_pdf(
        summary=summarise(diary(), period),
        entries=diary(),
        findings=FINDINGS,
        generated_at=GENERATED,
        patient_name="Zoë Müller",
        paper="letter",
    )
    text = pdf_text(data)
    assert "Knee pain diary: Zoë Müller" in text
    assert "Zoë Müller (self-entered)" in text
    assert "A lump behind the knee — raised 4 and 9 Nov 2026" in text
    assert "Advice given: Have it looked at." in text
    # The fit in the words of the patient's page and the doctor view, the evidence
    # summarised by answer (the day table below has the dates).
    assert "Popliteal (Baker's) cyst (fits partly; the most likely of these)" in text
    assert "(possible)" not in text and "(likely)" not in text
    assert "For: A lump or fullness behind the knee: yes" in text
    assert "Against: Swelling: none, once" in text
    assert "Contributing factors: A sudden jump in training." in text
    assert "generated 26 Nov 2026" in text
    assert "ünïcödé ✓" in text
    assert "Page 2 of 2" in text


def test_pdf_without_unicode_font_falls_back_to_latin1(monkeypatch):
    monkeypatch.setattr(report_pdf, "FONT_DIRS", ())
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    data = report_pdf.render_report_pdf(
        summary=summarise(diary(), period),
        entries=diary(),
        findings=None,
        generated_at=GENERATED,
    )
    text = pdf_text(data)
    assert "ünïcödé ?" in text  # ✓ is not Latin-1; the rest survives
    assert "Red flags" not in text  # no findings given, no findings shown


def test_pdf_refuses_unknown_paper():
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    with pytest.raises(ValueError, match="paper"):
        report_pdf.render_report_pdf(
            summary=summarise([], period),
            entries=[],
            findings=None,
            generated_at=GENERATED,
            paper="a5",
        )


def read_csv(text: str) -> list[dict]:
    """The inverse of render_diary_csv, for the round trip."""
    rows = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    entries = []
    for row in rows:
        answers = {}
        for field, value in row.items():
            if value == "":
                continue
            if field in diary_format.BOOLEANS:
                answers[field] = value == "yes"
            elif field in diary_format.LISTS:
                answers[field] = value.split("; ")
            elif field == "pain":
                answers[field] = int(value)
            elif field == "notes" and value.startswith("'"):
                answers[field] = value[1:]
            else:
                answers[field] = value
        entries.append(answers)
    return entries


def test_csv_round_trip_gives_back_every_answer():
    original = diary()
    text = render_diary_csv(original)
    assert read_csv(text) == original
    for raw in read_csv(text):
        assert diary_format.validate_entry(raw, today=TODAY).ok


def test_csv_keeps_a_note_from_running_as_a_formula():
    text = render_diary_csv(diary())
    assert ",'=SUM(A1)" in text


def test_fhir_bundle_validates_and_carries_every_answer():
    data = render_fhir_bundle(diary(), generated_at=GENERATED, subject_name="Zoë")
    bundle = Bundle.model_validate(data)
    second = bundle.entry[1].resource
    assert second.valueInteger == 6
    assert second.subject.display == "Zoë"
    codes = [c.code.coding[0].code for c in second.component]
    assert codes == ["locations", "locations", "activity", "lump", "notes"]
    assert second.bodySite.coding[0].code == "left"
    assert bundle.timestamp.isoformat().startswith("2026-11-26T09:30")


@pytest.mark.parametrize(
    ("body", "clean"),
    [
        ({}, {"days": 14, "label": None}),
        ({"days": 1, "label": "  Dr Weber "}, {"days": 1, "label": "Dr Weber"}),
        ({"days": "30", "label": ""}, {"days": 30, "label": None}),
    ],
)
def test_link_settings_that_are_fine(body, clean):
    assert links.validate_link_request(body) == (clean, {})


def test_label_must_be_one_line():
    _clean, errors = links.validate_link_request({"label": "Dr\nWeber"})
    assert errors == {"label": ["The label must be a single line of text."]}


def test_token_has_at_least_128_bits_and_only_its_hash_is_kept():
    token = links.new_token()
    assert len(token) * 6 >= 128
    assert links.plausible_token(token)
    assert links.hash_token(token) != token and len(links.hash_token(token)) == 64


@pytest.mark.parametrize(
    ("agent", "family"),
    [
        ("Mozilla/5.0 (iPhone) AppleWebKit Version/17.0 Mobile Safari/604.1", "Safari"),
        ("Mozilla/5.0 (Linux; Android 14) Chrome/130.0 Mobile Safari/537.36", "Chrome"),
        ("Mozilla/5.0 Chrome/130.0 Safari/537.36 Edg/130.0", "Edge"),
        ("Mozilla/5.0 Gecko/20100101 Firefox/131.0", "Firefox"),
        ("", "Unknown"),
    ],
)
def test_browser_family(agent, family):
    assert links.browser_family(agent) == family


def test_link_states():
    now = dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC)
    later = now + dt.timedelta(days=1)
    assert links.link_state(later, None, now) == "active"
    assert links.link_state(now, None, now) == "expired"
    assert links.link_state(later.replace(tzinfo=None), now, now) == "revoked"


def test_pdf_fonts_are_cut_once_and_the_full_face_is_used_for_rarer_scripts():
    if report_pdf._find_font() is None:
        pytest.skip("DejaVu is not installed here")
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    entries = diary()

    def render(name: str) -> bytes:
        return report_pdf.render_report_pdf(
            summary=summarise(entries, period),
            entries=entries,
            findings=FINDINGS,
            generated_at=GENERATED,
            patient_name=name,
        )

    common = render("Zoë Müller")
    # Armenian is in DejaVu but not in the cut faces: the full faces draw it.
    rare = render("Անի Zoë")
    assert "Zoë Müller" in pdf_text(common)
    assert "Անի Zoë" in pdf_text(rare)
    assert "Ελένη Zoë" in pdf_text(render("Ελένη Zoë"))
    regular, bold = report_pdf._find_font()
    everyday, small_cover, _ = report_pdf._subset_of(regular, "everyday")
    wide, cover, full_cover = report_pdf._subset_of(regular, "wide")
    assert everyday.stat().st_size < wide.stat().st_size / 3
    assert wide.stat().st_size < regular.stat().st_size / 2
    assert ord("ë") in small_cover and ord("✓") in small_cover and ord("Ω") not in small_cover
    assert ord("Ω") in cover and ord("Ա") not in cover
    assert ord("Ա") in full_cover
    # The smallest face that holds the text: everyday, then wide, then DejaVu whole.
    assert report_pdf._fonts_for((regular, bold), "Zoë ✓ – “fine”")[0] == everyday
    assert report_pdf._fonts_for((regular, bold), "Zoë Ωμέγα")[0] == wide
    assert report_pdf._fonts_for((regular, bold), "Անի")[0] == regular
    # A character no DejaVu face has does not force a bigger face either.
    assert report_pdf._fonts_for((regular, bold), "Zoë \U0001f9b5")[0] == everyday
    assert len(report_pdf._subsets) >= 4


def test_pdf_paragraphs_wrap_within_their_width_from_where_they_start():
    if report_pdf._find_font() is None:
        pytest.skip("DejaVu is not installed here")
    pdf = report_pdf._ReportPDF("a4", "footer", unicode_font=True)
    regular, bold = report_pdf._find_font()
    pdf.add_loaded_font("DejaVu", "", regular)
    pdf.add_loaded_font("DejaVu", "B", bold)
    pdf.set_font("DejaVu", "", 9)
    pdf.add_page()
    writer = report_pdf._Writer(pdf)
    words = "Tight after the long downhill run, eased with a walk; stairs fine. " * 6
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 10)
    writer.wrap(60, 4, words + "\nA line of its own.")
    lines = int(round((pdf.get_y() - top) / 4))
    inner = 60 - 2 * pdf.c_margin
    wrapped = report_pdf._Wrapper(pdf).lines(words, inner)
    assert len(wrapped) > 5
    assert all(pdf.get_string_width(line) <= inner for line in wrapped)
    assert lines == len(wrapped) + 1  # the newline starts a line of its own
    assert pdf.get_x() == pdf.l_margin  # like multi_cell(new_x=LMARGIN)
    text = pdf_text(bytes(pdf.output()))
    assert "A line of its own." in text and "stairs fine." in text


def test_page_one_names_each_place_in_a_word_so_the_line_is_not_cut():
    from webapp import labels

    assert labels.places_in_short(["inner", "calf"]) == "Inner, calf"
    assert labels.places_in_short("center") == "Centre"
    assert labels.places_in_short(None) == ""
    # Every place has its word: the knee map shows the same ones.
    assert set(diary_format.LOCATIONS_SHORT) == set(diary_format.LOCATIONS)
    if report_pdf._find_font() is None:
        pytest.skip("DejaVu is not installed here")
    entries = [
        {
            "id": str(uuid.uuid4()),
            "date": "2026-11-10",
            "pain": 3,
            "side": "left",
            "locations": ["inner", "calf", "thigh"],
            "activity": "downhill_running",
        },
    ]
    period = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 10))
    data = report_pdf.render_report_pdf(
        summary=summarise(entries, period),
        entries=entries,
        findings=FINDINGS,
        generated_at=GENERATED,
    )
    page_one = PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert "Inner, calf, thigh" in page_one
