"""The doctor's PDF report, drawn with fpdf2: a one-page summary, then every entry.

Pure Python (no Flask): it takes the period's summary, the entries (fossa-diary/1
dicts) and the insights findings dict, and returns the PDF's bytes. The chart is
vector (lines and circles), so it prints sharp on paper.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos

from webapp.diary import format as diary_format
from webapp.diary.chart import build_pain_chart
from webapp.share.summary import ReportSummary, evidence_dates, evidence_text, format_pain

PAPERS = {"a4": "A4", "letter": "Letter"}
NOT_A_DIAGNOSIS = "Suggested from the patient's log by Fossa, not a diagnosis"
# Debian's DejaVu covers every character the diary can hold; without it the report
# falls back to a core PDF font and Latin-1 text.
FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/local/share/fonts/dejavu"),
)
MAIN_COLUMNS = ("date", "side", "pain", "locations", "activity", "timing", "swelling")
TEAL = (15, 110, 102)
GREY = (110, 110, 110)
LIGHT = (225, 225, 225)
RED = (170, 30, 30)


# Parsing DejaVu whole (about 6,000 glyphs a face) took a third of a report's time.
# Once per process (and file), each face is cut down to the scripts a diary is
# written in, without the layout tables fpdf does not use; a report whose text
# needs another glyph DejaVu has falls back to the full faces, so nothing is lost.
SUBSET_RANGES = (
    (0x0020, 0x036F),  # Latin, Latin-1, Latin Extended A/B, IPA, modifiers, combining marks
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x22FF),  # punctuation, super/subscripts, currency, letterlike, arrows, maths
    (0x25A0, 0x27BF),  # geometric shapes, miscellaneous symbols, dingbats
)
SUBSET_VERSION = "1"
_subset_lock = threading.Lock()
_subsets: dict[Path, tuple[Path, frozenset[int], frozenset[int]]] = {}


def _find_font() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def _subset_of(font: Path) -> tuple[Path, frozenset[int], frozenset[int]]:
    """(the cut-down face's file, the code points it covers, those the full face covers).

    Made once per process; the file is keyed by the source's identity, written
    atomically under the temp folder, so workers and restarts share it.
    """
    with _subset_lock:
        if font in _subsets:
            return _subsets[font]
        stat = font.stat()
        key = f"{font}:{stat.st_size}:{stat.st_mtime_ns}:{SUBSET_VERSION}"
        name = f"fossa-{font.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ttf"
        target = Path(tempfile.gettempdir()) / name
        with TTFont(font, lazy=True) as full:
            full_cover = frozenset(full.getBestCmap())
        wanted = [c for low, high in SUBSET_RANGES for c in range(low, high + 1)]
        if not target.exists():
            options = font_subset.Options()
            options.layout_features = []
            options.notdef_outline = True
            options.recommended_glyphs = True
            options.glyph_names = True
            options.name_IDs = ["*"]
            options.drop_tables += ["GSUB", "GPOS", "GDEF", "kern", "FFTM", "hdmx", "MATH"]
            subsetter = font_subset.Subsetter(options)
            subsetter.populate(unicodes=wanted)
            handle, temporary = tempfile.mkstemp(suffix=".ttf", dir=target.parent)
            with TTFont(font) as cut, os.fdopen(handle, "wb") as out:
                subsetter.subset(cut)
                cut.save(out)
            os.replace(temporary, target)
        with TTFont(target, lazy=True) as cut:
            cover = frozenset(cut.getBestCmap())
        _subsets[font] = (target, cover, full_cover)
        return _subsets[font]


def _fonts_for(fonts: tuple[Path, Path], text: str) -> tuple[Path, Path]:
    """The cut-down faces when they hold every character of ``text`` DejaVu has."""
    chosen = []
    for font in fonts:
        cut, cover, full_cover = _subset_of(font)
        needed = {ord(c) for c in set(text)}
        chosen.append(font if (needed - cover) & full_cover else cut)
    return chosen[0], chosen[1]


def _text_of_report(*parts: Any) -> str:
    """Every character the report may draw, from its inputs (a cheap over-estimate)."""
    return json.dumps(parts, ensure_ascii=False, default=repr)


class _ReportPDF(FPDF):
    """FPDF with Fossa's footer: page n of N and the generation date on every page."""

    def __init__(self, paper: str, footer_text: str, unicode_font: bool) -> None:
        super().__init__(orientation="portrait", unit="mm", format=PAPERS[paper])
        self.footer_text = footer_text
        self.unicode_font = unicode_font
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)

    def text_of(self, text: str) -> str:
        if self.unicode_font:
            return text
        swapped = text.replace("–", "-").replace("—", "-").replace("’", "'").replace("…", "...")
        return swapped.encode("latin-1", "replace").decode("latin-1")

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.font_family, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.text_of(self.footer_text), align="L")
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(0, 0, 0)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class _Writer:
    """Small drawing vocabulary over FPDF, so the report reads top to bottom."""

    def __init__(self, pdf: _ReportPDF) -> None:
        self.pdf = pdf

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def heading(self, text: str, size: float = 12, colour: tuple[int, int, int] = TEAL) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.page_break_trigger - 20:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(pdf.font_family, "B", size)
        pdf.set_text_color(*colour)
        pdf.multi_cell(self.width, size * 0.5, pdf.text_of(text), new_x=XPos.LMARGIN, align="L")
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def para(self, text: str, size: float = 9.5, bold: bool = False, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.font_family, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        pdf.multi_cell(
            self.width - indent, size * 0.5, pdf.text_of(text), new_x=XPos.LMARGIN, align="L"
        )

    def fact(self, name: str, value: str) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.font_family, "B", 9.5)
        pdf.cell(48, 5.2, pdf.text_of(name))
        pdf.set_font(pdf.font_family, "", 9.5)
        pdf.multi_cell(self.width - 48, 5.2, pdf.text_of(value), new_x=XPos.LMARGIN, align="L")

    def bullet(self, text: str, indent: float = 3, size: float = 9) -> None:
        self.para("• " + text if self.pdf.unicode_font else "- " + text, size=size, indent=indent)


def _draw_chart(writer: _Writer, summary: ReportSummary, entries: list[dict[str, Any]]) -> None:
    """Worst pain per day as a vector line chart with gaps for unlogged days."""
    pdf = writer.pdf
    period = summary.period
    height = 48.0
    if pdf.get_y() + height + 8 > pdf.page_break_trigger:
        pdf.add_page()
    chart = build_pain_chart(entries, period.start, period.end, width=1000, height=1000)
    left = pdf.l_margin + 8
    right = pdf.l_margin + writer.width - 2
    top = pdf.get_y() + 2
    bottom = top + height - 8
    span = max((period.end - period.start).days, 1)

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - period.start).days / span

    def y_of(pain: float) -> float:
        return bottom - (bottom - top) * pain / 10

    pdf.set_font(pdf.font_family, "", 7)
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*LIGHT)
    for value in (0, 2, 4, 6, 8, 10):
        y = y_of(value)
        pdf.line(left, y, right, y)
        pdf.set_xy(left - 8, y - 2)
        pdf.cell(6.5, 4, str(value), align="R")
    step = 7 if span <= 45 else 14 if span <= 120 else 30 if span <= 400 else 91
    tick = period.start
    while tick <= period.end:
        x = x_of(tick)
        pdf.line(x, bottom, x, bottom + 1.2)
        pdf.set_xy(x - 10, bottom + 1.2)
        pdf.cell(20, 4, f"{tick:%-d %b}" if span <= 400 else f"{tick:%b %Y}", align="C")
        tick += dt.timedelta(days=step)
    pdf.set_draw_color(*TEAL)
    pdf.set_line_width(0.5 if span <= 120 else 0.3)
    for segment in chart.segments:
        if len(segment) > 1:
            pdf.polyline([(x_of(p.day), y_of(p.pain)) for p in segment])
    pdf.set_fill_color(*TEAL)
    radius = 1.0 if span <= 45 else 0.7 if span <= 120 else 0.45
    for point in chart.points:
        pdf.circle(x_of(point.day), y_of(point.pain), radius, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_xy(pdf.l_margin, bottom + 6)
    pdf.set_font(pdf.font_family, "", 8)
    pdf.set_text_color(*GREY)
    pdf.multi_cell(
        writer.width,
        4,
        pdf.text_of("Worst pain of each logged day, 0 to 10. Gaps: days with nothing logged."),
        new_x=XPos.LMARGIN,
    )
    pdf.set_text_color(0, 0, 0)


def _summary_page(
    writer: _Writer,
    summary: ReportSummary,
    entries: list[dict[str, Any]],
    findings: dict[str, Any] | None,
    patient_name: str | None,
    generated_at: dt.datetime,
) -> None:
    pdf = writer.pdf
    period = summary.period
    writer.heading("Knee pain diary: summary for the clinician", size=16)
    writer.para(
        f"From the patient's own daily log in Fossa, generated {generated_at:%-d %b %Y %H:%M} UTC.",
        size=8.5,
    )
    pdf.ln(2)
    if patient_name:
        writer.fact("Patient", f"{patient_name} (as entered by the patient)")
    writer.fact("Period", f"{period.describe()} ({period.days} days)")
    writer.fact(
        "Days logged",
        f"{summary.days_logged} of {period.days} days ({summary.entries} "
        f"{'entry' if summary.entries == 1 else 'entries'}; "
        f"{summary.pain_free_days} without pain)",
    )
    if summary.worst:
        writer.fact("Worst pain", f"{summary.worst.worst}/10 on {summary.worst.day:%-d %b %Y}")
        typical = format_pain(summary.typical)
        writer.fact("Typical pain", f"{typical}/10 (median of each day's worst)")
    else:
        writer.fact("Pain", "Nothing was logged in this period.")
    writer.fact("Which knee", summary.knee_text())

    writer.heading("Pain over the period")
    _draw_chart(writer, summary, entries)

    writer.heading("Activities and pain")
    painful = [a for a in summary.activities if a.painful]
    if painful:
        for activity in painful:
            writer.bullet(
                f"{activity.label}: painful in {activity.painful} of {activity.entries} "
                f"{'entry' if activity.entries == 1 else 'entries'}, worst {activity.worst}/10"
            )
    else:
        writer.para("No activity was logged with pain in this period.")
    if summary.provoked_by:
        writer.para(
            "Brought on by: "
            + ", ".join(f"{label} ({count}×)" for label, count in summary.provoked_by)
        )

    if findings is None:
        return
    writer.heading("Red flags", colour=RED)
    red_flags = findings.get("red_flags") or []
    if findings.get("urgency_text"):
        writer.para(
            f"What Fossa told the patient: {findings['urgency_text']}", bold=bool(red_flags)
        )
    if not red_flags:
        writer.para("No red flag was raised in this period.")
    for flag in red_flags:
        writer.para(str(flag.get("title", flag.get("code", ""))), bold=True, indent=3)
        dates = evidence_dates(flag.get("evidence") or [])
        if dates:
            writer.para(f"Raised on: {dates}", indent=6, size=9)
        if flag.get("advice"):
            writer.para(f"Advice given: {flag['advice']}", indent=6, size=9)

    writer.heading("Possible causes")
    writer.para(f"{NOT_A_DIAGNOSIS}.", bold=True)
    causes = findings.get("causes") or []
    if not causes:
        writer.para("The log does not point to any cause from Fossa's list yet.")
    for cause in causes:
        writer.para(
            f"{cause.get('name', cause.get('code'))} ({cause.get('confidence', '')})",
            bold=True,
            indent=3,
        )
        for item in (cause.get("evidence_for") or [])[:6]:
            writer.bullet("For: " + evidence_text(item), indent=6, size=8.5)
        for item in (cause.get("evidence_against") or [])[:4]:
            writer.bullet("Against: " + evidence_text(item), indent=6, size=8.5)

    factors = findings.get("factors") or []
    if factors:
        writer.heading("Contributing factors")
        for factor in factors:
            dates = evidence_dates(factor.get("evidence") or [])
            name = str(factor.get("name", factor.get("code")))
            writer.bullet(name + (f" ({dates})" if dates else ""))
    if findings.get("disclaimer"):
        pdf.ln(2)
        writer.para(str(findings["disclaimer"]), size=8)


def _other_answers(entry: dict[str, Any]) -> str:
    """Everything the table's own columns do not show, as "label: answer" pairs."""
    parts = []
    for field in diary_format.ANSWER_FIELDS:
        if field in MAIN_COLUMNS or field == "notes":
            continue
        value = entry.get(field)
        if value is None:
            continue
        parts.append(f"{diary_format.FIELD_LABELS[field]}: {diary_format.label(field, value)}")
    if entry.get("notes"):
        parts.append(f"Notes: {entry['notes']}")
    return "; ".join(parts)


class _Wrapper:
    """Greedy word wrap with cached word widths.

    fpdf2's table() measures every cell character by character; a year of daily
    entries took seconds that way. Words repeat a lot in a diary, so caching their
    widths makes the whole table a few hundred milliseconds.
    """

    def __init__(self, pdf: _ReportPDF) -> None:
        self.pdf = pdf
        self._widths: dict[str, float] = {}
        self.space = self.width_of(" ")

    def width_of(self, word: str) -> float:
        width = self._widths.get(word)
        if width is None:
            width = self._widths[word] = self.pdf.get_string_width(word)
        return width

    def lines(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        current: list[str] = []
        used = 0.0
        for word in text.split():
            word_width = self.width_of(word)
            while word_width > width and len(word) > 1:
                # A single word wider than the column is cut where it must be.
                cut = max(1, int(len(word) * width / word_width))
                if current:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                lines.append(word[:cut])
                word = word[cut:]
                word_width = self.width_of(word)
            extra = word_width + (self.space if current else 0)
            if current and used + extra > width:
                lines.append(" ".join(current))
                current, used = [word], word_width
            else:
                current.append(word)
                used += extra
        if current:
            lines.append(" ".join(current))
        return lines or [""]


TABLE_HEADINGS = ("Date", "Knee", "Pain", "Where", "Activity", "When", "Swelling", "Other answers")
TABLE_FRACTIONS = (14, 6, 5, 14, 10, 10, 8.5, 32)


def _entry_row(entry: dict[str, Any]) -> list[str]:
    return [
        f"{_day(entry['date']):%a %-d %b %Y}",
        diary_format.label("side", entry.get("side")),
        str(entry["pain"]),
        diary_format.label("locations", entry.get("locations")),
        diary_format.label("activity", entry.get("activity")),
        diary_format.label("timing", entry.get("timing")),
        diary_format.label("swelling", entry.get("swelling")),
        _other_answers(entry),
    ]


def _entry_table(writer: _Writer, entries: list[dict[str, Any]]) -> None:
    """Every entry, one row each, the heading row repeated on each page."""
    pdf = writer.pdf
    pdf.add_page()
    writer.heading(f"All entries ({len(entries)})", size=13)
    if not entries:
        writer.para("No entries in this period.")
        return
    size, line_height, pad = 7.5, 3.3, 0.9
    total = sum(TABLE_FRACTIONS)
    widths = [writer.width * f / total for f in TABLE_FRACTIONS]
    lefts = [pdf.l_margin + sum(widths[:i]) for i in range(len(widths))]
    pdf.set_line_width(0.1)
    pdf.set_draw_color(*LIGHT)

    def draw_row(cells: list[list[str]], bold: bool) -> None:
        height = max(len(c) for c in cells) * line_height + 2 * pad
        if pdf.get_y() + height > pdf.page_break_trigger:
            pdf.add_page()
            draw_row(heading_cells, bold=True)
        pdf.set_font(pdf.font_family, "B" if bold else "", size)
        top = pdf.get_y()
        for left, lines in zip(lefts, cells, strict=True):
            for index, line in enumerate(lines):
                pdf.text(left + pad, top + pad + (index + 0.8) * line_height, line)
        pdf.line(pdf.l_margin, top + height, pdf.l_margin + writer.width, top + height)
        pdf.set_y(top + height)

    pdf.set_font(pdf.font_family, "B", size)
    wrapper_bold = _Wrapper(pdf)
    heading_cells = [
        wrapper_bold.lines(text, w - 2 * pad)
        for text, w in zip(TABLE_HEADINGS, widths, strict=True)
    ]
    pdf.set_font(pdf.font_family, "", size)
    wrapper = _Wrapper(pdf)
    draw_row(heading_cells, bold=True)
    pdf.set_font(pdf.font_family, "", size)  # the wrapper measures in the current font
    for entry in entries:
        texts = [pdf.text_of(text) for text in _entry_row(entry)]
        draw_row([wrapper.lines(t, w - 2 * pad) for t, w in zip(texts, widths, strict=True)], False)
    pdf.set_draw_color(0, 0, 0)


def render_report_pdf(
    *,
    summary: ReportSummary,
    entries: list[dict[str, Any]],
    findings: dict[str, Any] | None,
    generated_at: dt.datetime,
    patient_name: str | None = None,
    paper: str = "a4",
) -> bytes:
    """The report as PDF bytes; ``paper`` is "a4" or "letter"."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    fonts = _find_font()
    footer = f"Fossa report · {summary.period.describe()} · generated {generated_at:%-d %b %Y}"
    pdf = _ReportPDF(paper, footer, unicode_font=fonts is not None)
    if fonts:
        text = _text_of_report(summary, entries, findings, patient_name, footer, NOT_A_DIAGNOSIS)
        fonts = _fonts_for(fonts, text)
        pdf.add_font("DejaVu", "", str(fonts[0]))
        pdf.add_font("DejaVu", "B", str(fonts[1]))
        pdf.set_font("DejaVu", "", 10)
    else:
        pdf.set_font("Helvetica", "", 10)
    pdf.set_title("Knee pain diary report")
    pdf.set_author(patient_name or "Fossa user")
    pdf.set_creator("Fossa")
    pdf.set_creation_date(generated_at)
    pdf.add_page()
    writer = _Writer(pdf)
    inside = [e for e in entries if summary.period.start <= _day(e["date"]) <= summary.period.end]
    _summary_page(writer, summary, inside, findings, patient_name, generated_at)
    _entry_table(writer, inside)
    return bytes(pdf.output())
