"""The doctor's PDF report, drawn with fpdf2: a one-page summary, then every entry.

Pure Python (no Flask): it takes the period's summary, the entries (fossa-diary/1
dicts) and the insights findings dict, and returns the PDF's bytes. The chart is
vector (lines and circles), so it prints sharp on paper.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fontTools import subset as font_subset
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont

from webapp import labels
from webapp.diary.chart import build_pain_chart, fitted_start, flag_days_of
from webapp.insights.cards import cause_cards
from webapp.share.summary import ReportSummary, format_pain

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


# Parsing DejaVu whole (about 6,000 glyphs a face) took a third of a report's time,
# and writing the PDF parses the face again to cut it to the glyphs drawn: the bigger
# the face, the slower. So each face is cut, once per process (and file), to two
# sizes without the layout tables fpdf does not use: the everyday one (Latin-1 and
# the punctuation and symbols reports draw, about 300 glyphs) and a wide one (the
# scripts a diary is written in). A report takes the smallest that holds all its
# text; one that needs a glyph only DejaVu's full faces have uses those, so nothing
# is lost.
EVERYDAY_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x017F),  # Latin-1, Latin Extended-A
    (0x2010, 0x2044),  # dashes, quotes, bullets, ellipsis, primes, fraction slash
    (0x20AC, 0x20AC),  # euro
    (0x2190, 0x2195),  # arrows
    (0x2212, 0x2212),  # minus
    (0x2264, 0x2265),  # less- and greater-than-or-equal
    (0x25A0, 0x25CF),  # squares, triangles, circles
    (0x2713, 0x2717),  # ticks and crosses
)
WIDE_RANGES = (
    (0x0020, 0x036F),  # Latin, Latin-1, Latin Extended A/B, IPA, modifiers, combining marks
    (0x0370, 0x04FF),  # Greek, Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0x2000, 0x22FF),  # punctuation, super/subscripts, currency, letterlike, arrows, maths
    (0x25A0, 0x27BF),  # geometric shapes, miscellaneous symbols, dingbats
)
SUBSET_SIZES = {"everyday": EVERYDAY_RANGES, "wide": WIDE_RANGES}
SUBSET_VERSION = "2"
_subset_lock = threading.Lock()
_subsets: dict[tuple[Path, str], tuple[Path, frozenset[int], frozenset[int]]] = {}


_faces: dict[tuple[Path, str], TTFFont] = {}
_faces_lock = threading.Lock()


def _loaded_face(path: Path, style: str) -> TTFFont:
    """The face parsed once per process: building its width table from the font's
    tables cost about 10 ms a face per report. Each document takes a copy."""
    with _faces_lock:
        face = _faces.get((path, style))
        if face is None:
            face = TTFFont(FPDF(), path, f"dejavu{style}", style)
            face.ttfont.close()
            _faces[(path, style)] = face
        return face


def _find_font() -> tuple[Path, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            return regular, bold
    return None


def _subset_of(font: Path, size: str = "wide") -> tuple[Path, frozenset[int], frozenset[int]]:
    """(the cut-down face's file, the code points it covers, those the full face covers).

    ``size`` is a key of SUBSET_SIZES. Made once per process; the file is keyed by the
    source's identity, written atomically under the temp folder, so workers and
    restarts share it.
    """
    with _subset_lock:
        if (font, size) in _subsets:
            return _subsets[(font, size)]
        stat = font.stat()
        key = f"{font}:{stat.st_size}:{stat.st_mtime_ns}:{size}:{SUBSET_VERSION}"
        name = f"fossa-{font.stem}-{size}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ttf"
        target = Path(tempfile.gettempdir()) / name
        with TTFont(font, lazy=True) as full:
            full_cover = frozenset(full.getBestCmap())
        wanted = [c for low, high in SUBSET_SIZES[size] for c in range(low, high + 1)]
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
        _subsets[(font, size)] = (target, cover, full_cover)
        return _subsets[(font, size)]


def _fonts_for(fonts: tuple[Path, Path], text: str) -> tuple[Path, Path]:
    """The smallest cut-down faces that hold every character of ``text`` DejaVu has."""
    needed = {ord(c) for c in set(text)}
    chosen = []
    for font in fonts:
        face = font
        for size in SUBSET_SIZES:
            cut, cover, full_cover = _subset_of(font, size)
            if not (needed - cover) & full_cover:
                face = cut
                break
        chosen.append(face)
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

    def add_loaded_font(self, family: str, style: str, path: Path) -> None:
        """``add_font`` from a face parsed once per process (see _loaded_face)."""
        fontkey = f"{family.lower()}{style}"
        face = copy.copy(_loaded_face(path, style))
        face.i = len(self.fonts) + 1
        face.fontkey = fontkey
        # What one document changes: its own glyph subset, missing glyphs, sizes, and
        # the fontTools object, which writing the PDF cuts down in place. Opening it
        # lazily reads only the table directory; the widths and cmap stay shared.
        face.ttfont = TTFont(path, recalcTimestamp=False, lazy=True)
        face.missing_glyphs = []
        face.biggest_size_pt = 0
        face.subset = SubsetMap(face)
        self.fonts[fontkey] = face

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


def _in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    """``moment`` on the patient's clock (UTC when the zone is unknown)."""
    try:
        return moment.astimezone(ZoneInfo(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return moment.astimezone(dt.UTC)


def _day(value: Any) -> dt.date:
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


class _Writer:
    """Small drawing vocabulary over FPDF, so the report reads top to bottom."""

    def __init__(self, pdf: _ReportPDF) -> None:
        self.pdf = pdf
        self._wrappers: dict[tuple[str, str, float], _Wrapper] = {}

    @property
    def width(self) -> float:
        return self.pdf.w - self.pdf.l_margin - self.pdf.r_margin

    def wrap(self, width: float, line_height: float, text: str) -> None:
        """``multi_cell(width, line_height, text, new_x=LMARGIN)``, left-aligned, from
        where the cursor is, in the current font: fpdf's line breaking measures every
        character one by one, which was a fifth of page 1; this measures each word
        once per font (_Wrapper)."""
        pdf = self.pdf
        key = (pdf.font_family, pdf.font_style, pdf.font_size_pt)
        wrapper = self._wrappers.get(key)
        if wrapper is None:
            wrapper = self._wrappers[key] = _Wrapper(pdf)
        left = pdf.get_x()
        inner = width - 2 * pdf.c_margin
        for part in pdf.text_of(text).split("\n"):
            for line in wrapper.lines(part, inner):
                pdf.set_x(left)
                pdf.cell(width, line_height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def heading(self, text: str, size: float = 12, colour: tuple[int, int, int] = TEAL) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.page_break_trigger - 20:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(pdf.font_family, "B", size)
        pdf.set_text_color(*colour)
        self.wrap(self.width, size * 0.5, text)
        pdf.set_text_color(0, 0, 0)
        pdf.ln(1)

    def para(self, text: str, size: float = 9.5, bold: bool = False, indent: float = 0) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.font_family, "B" if bold else "", size)
        pdf.set_x(pdf.l_margin + indent)
        self.wrap(self.width - indent, size * 0.5, text)

    def fact(self, name: str, value: str) -> None:
        pdf = self.pdf
        pdf.set_font(pdf.font_family, "B", 9.5)
        pdf.cell(48, 5.2, pdf.text_of(name))
        pdf.set_font(pdf.font_family, "", 9.5)
        self.wrap(self.width - 48, 5.2, value)

    def bullet(self, text: str, indent: float = 3, size: float = 9) -> None:
        self.para("• " + text if self.pdf.unicode_font else "- " + text, size=size, indent=indent)


def _draw_chart(
    writer: _Writer,
    summary: ReportSummary,
    entries: list[dict[str, Any]],
    flag_days: set[dt.date],
    height: float = 40.0,
) -> None:
    """Worst pain per day, fitted to the logged days: a vector line with gaps for
    unlogged days, a mark for each activity day and a red triangle on flagged days."""
    pdf = writer.pdf
    period = summary.period
    start = fitted_start(entries, period.start, period.end)
    chart = build_pain_chart(
        entries, start, period.end, width=1000, height=1000, flag_days=flag_days
    )
    left = pdf.l_margin + 8
    right = pdf.l_margin + writer.width - 4
    top = pdf.get_y() + 5
    bottom = top + height - 12
    span = max((period.end - start).days, 1)

    def x_of(day: dt.date) -> float:
        return left + (right - left) * (day - start).days / span

    def y_of(pain: float) -> float:
        return bottom - (bottom - top) * pain / 10

    pdf.set_font(pdf.font_family, "", 6.5)
    pdf.set_line_width(0.15)
    pdf.set_draw_color(*LIGHT)
    pdf.set_text_color(*GREY)
    for value in (0, 2, 4, 6, 8, 10):
        y = y_of(value)
        pdf.line(left, y, right, y)
        pdf.set_xy(left - 8, y - 2)
        pdf.cell(6.5, 4, str(value), align="R")
    # One date label per 16 mm at most, so labels never collide.
    most = max(2, int((right - left) // 16) + 1)
    step = next(
        (s for s in (1, 2, 3, 7, 14, 21, 28, 42, 56, 91, 182) if span // s + 1 <= most), 364
    )
    tick = start
    while tick <= period.end:
        x = x_of(tick)
        pdf.line(x, bottom + 3.2, x, bottom + 4.2)
        pdf.set_xy(x - 10, bottom + 4.2)
        pdf.cell(20, 3.5, f"{tick:%-d %b}" if span <= 400 else f"{tick:%b %Y}", align="C")
        tick += dt.timedelta(days=step)
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(*RED)
    pdf.set_fill_color(*RED)
    for mark in chart.flag_marks:
        x = x_of(mark.day)
        pdf.set_line_width(0.15)
        pdf.set_dash_pattern(dash=0.8, gap=0.8)
        pdf.line(x, top - 1.5, x, bottom)
        pdf.set_dash_pattern()
        pdf.polygon([(x, top - 1.5), (x - 1.4, top - 4), (x + 1.4, top - 4)], style="F")
    pdf.set_draw_color(*TEAL)
    pdf.set_fill_color(*TEAL)
    lane = bottom + 1.8
    for mark in chart.activity_marks:
        x = x_of(mark.day)
        if mark.kind == "rest":
            pdf.set_line_width(0.2)
            pdf.circle(x, lane, 0.6, style="D")
        else:
            pdf.rect(x - 0.6, lane - 0.6, 1.2, 1.2, style="F")
    pdf.set_line_width(0.5 if span <= 120 else 0.3)
    for segment in chart.segments:
        if len(segment) > 1:
            pdf.polyline([(x_of(p.day), y_of(p.pain)) for p in segment])
    radius = 0.9 if span <= 45 else 0.65 if span <= 120 else 0.45
    for point in chart.points:
        pdf.circle(x_of(point.day), y_of(point.pain), radius, style="F")
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.2)
    pdf.set_xy(pdf.l_margin, bottom + 8)
    pdf.set_font(pdf.font_family, "", 7)
    pdf.set_text_color(*GREY)
    legend = (
        f"Worst pain of each logged day (0–10), {start:%-d %b} to {period.end:%-d %b %Y}; "
        "gaps: nothing logged. Squares under the line: exercise days, circles: rest days; "
        "red triangles: days a red flag was raised."
    )
    writer.wrap(writer.width, 3.2, legend)
    pdf.set_text_color(0, 0, 0)


def _for_the_doctor(line: str) -> str:
    """A summary line as the clinician reads it: the notes are the patient's."""
    return line.replace("read from your notes", "read from the patient's notes")


def _one_line(pdf: _ReportPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` in the current font."""
    text = pdf.text_of(text)
    if pdf.get_string_width(text) <= width:
        return text
    dots = "…" if pdf.unicode_font else "..."
    # The longest prefix that fits with the dots, found by halving (a width only grows
    # with more characters): a few measurements instead of one per character cut.
    fits, too_long = 0, len(text)
    while too_long - fits > 1:
        middle = (fits + too_long) // 2
        if pdf.get_string_width(text[:middle] + dots) > width:
            too_long = middle
        else:
            fits = middle
    return text[:fits].rstrip(" ;,") + dots


def _facts_grid(writer: _Writer, facts: list[tuple[str, str]], columns: int = 3) -> None:
    pdf = writer.pdf
    width = writer.width / columns
    for row in range(0, len(facts), columns):
        top = pdf.get_y()
        for col, (name, value) in enumerate(facts[row : row + columns]):
            x = pdf.l_margin + col * width
            pdf.set_xy(x, top)
            pdf.set_font(pdf.font_family, "", 7)
            pdf.set_text_color(*GREY)
            pdf.cell(width - 2, 3.4, pdf.text_of(name))
            pdf.set_xy(x, top + 3.4)
            pdf.set_font(pdf.font_family, "B", 9)
            pdf.set_text_color(0, 0, 0)
            pdf.cell(width - 2, 4.4, _one_line(pdf, value, width - 3))
        pdf.set_y(top + 9.2)


def _short_period(period: Any) -> str:
    """ "3 Sep – 1 Dec 2026" (the year once when both days share it)."""
    if period.start.year == period.end.year:
        return f"{period.start:%-d %b} – {period.end:%-d %b %Y}"
    return f"{period.start:%-d %b %Y} – {period.end:%-d %b %Y}"


def _summary_page(
    writer: _Writer,
    summary: ReportSummary,
    entries: list[dict[str, Any]],
    findings: dict[str, Any] | None,
    patient_name: str | None,
    generated_at: dt.datetime,
    zone: str,
) -> None:
    """Page 1: who and when, red flags first, the chart, the causes, then a day table
    that takes the rest of the page (every entry follows on page 2)."""
    pdf = writer.pdf
    period = summary.period
    pdf.set_auto_page_break(auto=False, margin=18)
    pdf.set_font(pdf.font_family, "B", 14)
    pdf.set_text_color(*TEAL)
    title = "Knee pain diary" + (f": {patient_name}" if patient_name else "")
    pdf.cell(writer.width, 7, _one_line(pdf, title, writer.width), new_x=XPos.LMARGIN, new_y="NEXT")
    pdf.set_text_color(*GREY)
    pdf.set_font(pdf.font_family, "", 7.5)
    pdf.cell(
        writer.width,
        4,
        pdf.text_of(
            "Self-reported daily log kept by the patient in Fossa. "
            f"Generated {generated_at:%-d %b %Y, %H:%M} ({zone})."
        ),
        new_x=XPos.LMARGIN,
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    completeness = (
        f"{summary.days_logged} of {period.days} days"
        f" ({round(100 * summary.days_logged / period.days)} %)"
    )
    facts = [
        ("Patient", f"{patient_name} (self-entered)" if patient_name else "Name not given"),
        ("Period", f"{_short_period(period)} ({period.days} days)"),
        ("Days logged", completeness),
        (
            "Entries",
            f"{summary.entries} ({summary.pain_free_days} pain-free "
            f"{'day' if summary.pain_free_days == 1 else 'days'})",
        ),
        (
            "Worst pain",
            f"{summary.worst.worst}/10 on {summary.worst.day:%-d %b %Y}"
            if summary.worst
            else "Nothing logged",
        ),
        (
            "Typical pain",
            f"{format_pain(summary.typical)}/10 (median of daily worst)" if summary.worst else "–",
        ),
    ]
    _facts_grid(writer, facts)
    pdf.set_font(pdf.font_family, "", 8)
    writer.wrap(writer.width, 3.8, f"Side: {summary.knee_text()}")

    red_flags = (findings or {}).get("red_flags") or []
    flag_days = flag_days_of(red_flags)
    if findings is not None:
        writer.heading(f"Red flags ({len(red_flags)})", size=10.5, colour=RED)
        if not red_flags:
            writer.para("None raised in this period.", size=8.5)
        for flag in red_flags:
            dates = labels.day_list(
                (i["date"] for i in flag.get("evidence") or [] if i.get("date")), shown=6
            )
            pdf.set_font(pdf.font_family, "B", 8.5)
            title = str(flag.get("title") or labels.code_name(str(flag.get("code", ""))))
            line = f"{title} — raised {dates}" if dates else title
            pdf.cell(
                writer.width,
                4,
                _one_line(pdf, line, writer.width),
                new_x=XPos.LMARGIN,
                new_y="NEXT",
            )
            if flag.get("advice"):
                action = labels.advice_action(flag["advice"])
                pdf.set_font(pdf.font_family, "", 7.5)
                pdf.set_x(pdf.l_margin + 3)
                pdf.cell(
                    writer.width - 3,
                    3.6,
                    _one_line(pdf, f"Advice given: {action}.", writer.width - 3),
                    new_x=XPos.LMARGIN,
                    new_y="NEXT",
                )

    writer.heading("Pain over the period", size=10.5)
    _draw_chart(writer, summary, entries, flag_days)

    if findings is not None:
        causes = (findings.get("causes") or [])[:3]
        writer.heading("Possible causes", size=10.5)
        pdf.set_font(pdf.font_family, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.cell(
            writer.width, 3.6, pdf.text_of(NOT_A_DIAGNOSIS + "."), new_x=XPos.LMARGIN, new_y="NEXT"
        )
        pdf.set_text_color(0, 0, 0)
        if not causes:
            writer.para("The log does not point to any cause from Fossa's list yet.", size=8.5)
        # The same fit words and summaries as the patient's /insights and the doctor
        # view: "likely" only for the leader when there is enough to go on, and the
        # evidence by answer and count, not one line per day.
        for card in cause_cards({**findings, "causes": causes}):
            pdf.set_font(pdf.font_family, "B", 8.5)
            leading = "; the most likely of these" if card.leading else ""
            head = f"{card.medical_name} ({card.fit.lower()}{leading})"
            pdf.cell(
                writer.width,
                4,
                _one_line(pdf, head, writer.width),
                new_x=XPos.LMARGIN,
                new_y="NEXT",
            )
            fits = [_for_the_doctor(line) for line in card.summary_for[:4]]
            against = [_for_the_doctor(line) for line in card.summary_against[:2]]
            pdf.set_font(pdf.font_family, "", 7.5)
            for prefix, items in (("For", fits), ("Against", against)):
                if items:
                    # Wrapped, never cut: the doctor reads every reason (the recent
                    # entries below take the room that is left).
                    pdf.set_x(pdf.l_margin + 3)
                    writer.wrap(writer.width - 3, 3.5, f"{prefix}: " + "; ".join(items))
        factors = findings.get("factors") or []
        if factors:
            pdf.set_font(pdf.font_family, "", 8)
            names = labels.join_words(str(f.get("name") or f.get("code")) for f in factors)
            pdf.ln(1)
            writer.wrap(writer.width, 3.8, f"Contributing factors: {names}.")

    painful = [a for a in summary.activities if a.painful]
    pdf.set_font(pdf.font_family, "", 8)
    pdf.ln(1)
    if painful:
        text = "Activities with pain: " + "; ".join(
            f"{a.label} {a.painful} of {a.entries} (worst {a.worst}/10)" for a in painful
        )
    else:
        text = "No activity was logged with pain in this period."
    if summary.provoked_by:
        text += ". Brought on by: " + ", ".join(
            f"{label} ({n}×)" for label, n in summary.provoked_by
        )
    writer.wrap(writer.width, 3.8, text)

    _day_table(writer, entries)
    pdf.set_auto_page_break(auto=True, margin=18)


DAY_HEADINGS = ("Date", "Pain", "Knee", "Activity", "Where", "Swelling", "When", "Signs recorded")
DAY_FRACTIONS = (12, 5, 6, 14, 15, 9, 13, 34)


def _day_table(writer: _Writer, entries: list[dict[str, Any]]) -> None:
    """The newest entries, one line each, as many as page 1 has room for."""
    pdf = writer.pdf
    writer.heading("Recent entries", size=10.5)
    if not entries:
        writer.para("No entries in this period.", size=8.5)
        return
    total = sum(DAY_FRACTIONS)
    widths = [writer.width * f / total for f in DAY_FRACTIONS]
    line = 3.7
    room = pdf.page_break_trigger - pdf.get_y() - line - 4.5  # heading row and the note
    fits = max(0, int(room // line))
    shown = list(reversed(entries))[:fits]

    def row(cells: list[str], bold: bool) -> None:
        pdf.set_font(pdf.font_family, "B" if bold else "", 7)
        top = pdf.get_y()
        x = pdf.l_margin
        for text, width in zip(cells, widths, strict=True):
            pdf.set_xy(x, top)
            pdf.cell(width, line, _one_line(pdf, text, width - 1))
            x += width
        pdf.set_draw_color(*LIGHT)
        pdf.set_line_width(0.1)
        pdf.line(pdf.l_margin, top + line, pdf.l_margin + writer.width, top + line)
        pdf.set_draw_color(0, 0, 0)
        pdf.set_y(top + line)

    row(list(DAY_HEADINGS), True)
    for entry in shown:
        row(
            [
                f"{_day(entry['date']):%a %-d %b}",
                str(entry["pain"]),
                labels.answer("side", entry.get("side")),
                labels.answer("activity", entry.get("activity")),
                labels.places_in_short(entry.get("locations")),
                labels.answer("swelling", entry.get("swelling")),
                labels.answer("timing", entry.get("timing")),
                ", ".join(labels.notable_signs(entry)),
            ],
            False,
        )
    pdf.set_font(pdf.font_family, "", 7)
    pdf.set_text_color(*GREY)
    rest = len(entries) - len(shown)
    note = "Every entry, with every answer, follows from page 2."
    if rest:
        note = f"{rest} earlier {'entry' if rest == 1 else 'entries'} not shown here. " + note
    pdf.cell(writer.width, 4.5, pdf.text_of(note), new_x=XPos.LMARGIN, new_y="NEXT")
    pdf.set_text_color(0, 0, 0)


def _other_answers(entry: dict[str, Any], shown: tuple[str, ...] = MAIN_COLUMNS) -> str:
    """Everything the table's own columns do not show, as "label: answer" pairs."""
    parts = []
    for field, question, text in labels.entry_answers(entry):
        if field not in shown:
            parts.append(f"{question}: {text}")
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
        labels.answer("side", entry.get("side")),
        str(entry["pain"]),
        labels.answer("locations", entry.get("locations")),
        labels.answer("activity", entry.get("activity")),
        labels.answer("timing", entry.get("timing")),
        labels.answer("swelling", entry.get("swelling")),
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
    timezone: str = "UTC",
) -> bytes:
    """The report as PDF bytes; ``paper`` is "a4" or "letter"; times in ``timezone``."""
    if paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}")
    fonts = _find_font()
    generated_at = _in_zone(generated_at, timezone)
    footer = f"Fossa report · {summary.period.describe()} · generated {generated_at:%-d %b %Y}"
    pdf = _ReportPDF(paper, footer, unicode_font=fonts is not None)
    if fonts:
        text = _text_of_report(summary, entries, findings, patient_name, footer, NOT_A_DIAGNOSIS)
        fonts = _fonts_for(fonts, text)
        pdf.add_loaded_font("DejaVu", "", fonts[0])
        pdf.add_loaded_font("DejaVu", "B", fonts[1])
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
    _summary_page(writer, summary, inside, findings, patient_name, generated_at, timezone)
    _entry_table(writer, inside)
    return bytes(pdf.output())
