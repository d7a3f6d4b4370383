"""No internal code reaches a person: every page and the PDF, from a diary that uses
every field and every value, read as the person sees them (visible text only)."""

from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from tests.support import make_entry
from tests.web.share_support import create_link, token_path
from webapp import labels
from webapp.diary import format as diary_format

# What a code looks like when it leaks: a Python list, a snake_case value, a string
# joined letter by letter, a Python literal.
LEAKS = {
    "Python list syntax": re.compile(r"\[\s*['\"]|['\"]\s*\]"),
    "snake_case code": re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b"),
    "letter-joined run": re.compile(r"\b(?:\w, ){3,}\w\b"),
    # ("None of these" is the chip of a question group: English, not a literal.)
    "Python literal": re.compile(r"\b(?:True|False)\b|\bNone (?!of these\b)[a-z]"),
    "phrase said twice": re.compile(r"(\w[^·]{3,}) · \1\b"),
}
SKIPPED_TAGS = {"script", "style", "template"}
SPOKEN_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


class VisibleText(HTMLParser):
    """The text a person sees or hears: element text and the spoken attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        values = dict(attrs)
        self.parts.extend(values[a] for a in SPOKEN_ATTRIBUTES if values.get(a))
        if tag == "input" and values.get("type") in {"submit", "button"}:
            self.parts.append(values.get("value") or "")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skipping:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def leaks_in(text: str) -> dict[str, list[str]]:
    found = {}
    for name, pattern in LEAKS.items():
        hits = [m.group(0) for m in pattern.finditer(text)]
        if hits:
            found[name] = sorted(set(hits))[:10]
    return found


def every_value_diary(app, user) -> list:
    """Entries that, between them, use every field and every value of fossa-diary/1."""
    today = dt.date.today()
    longest = max(len(v) for v in [*diary_format.ENUMS.values(), *diary_format.LISTS.values()])
    entries = []
    for i in range(longest):
        answers = {"date": today - dt.timedelta(days=2 * (longest - i)), "pain": i % 11}
        for field, values in diary_format.ENUMS.items():
            answers[field] = list(values)[i % len(values)]
        for field, values in diary_format.LISTS.items():
            codes = list(values)
            # One entry holds every choice, the others one each (a single-value list).
            answers[field] = codes if i == 0 else [codes[i % len(codes)]]
        for field in diary_format.BOOLEANS:
            answers[field] = i % 2 == 0
        if i % 3 == 0:
            answers["notes"] = "Long run, 18 km; sore on the stairs after."
        entries.append(make_entry(app, user, **answers))
    return entries


@pytest.fixture
def full_diary(app, user, logged_in):
    entries = every_value_diary(app, user)
    return logged_in, entries


def test_the_test_diary_uses_every_field_and_value(app, full_diary):
    _auth, entries = full_diary
    used = {f: set() for f in diary_format.ANSWER_FIELDS}
    for entry in entries:
        for field, value in entry.to_diary().items():
            if field in used:
                used[field].update(value if isinstance(value, list) else [value])
    assert all(used.values()), [f for f, v in used.items() if not v]
    for field, values in {**diary_format.ENUMS, **diary_format.LISTS}.items():
        assert used[field] == set(values), field
    for field in diary_format.BOOLEANS:
        assert used[field] == {True, False}, field


def test_no_page_shows_a_code(app, client, user, full_diary):
    auth, entries = full_diary
    link = create_link(client, auth.csrf, days=14)
    paths = [
        "/",
        "/today",
        f"/today?saved={entries[-1].id}",
        "/diary",
        "/diary?range=90",
        "/insights",
        "/account",
        "/reminders",
        "/share",
        "/export",
        token_path(link["url"]),
        *[f"/entries/{e.id}" for e in entries],
        *[f"/entries/{e.id}/edit" for e in entries[:3]],
    ]
    problems = {}
    for path in paths:
        response = client.get(path, follow_redirects=True)
        assert response.status_code == 200, path
        found = leaks_in(visible_text(response.get_data(as_text=True)))
        if found:
            problems[path] = found
    assert not problems, problems
    # The findings this diary gives are not empty: the pages above had something to say.
    insights = visible_text(client.get("/insights").get_data(as_text=True))
    assert "Because your log shows" in insights and "What your log fits" in insights


def test_advice_cards_name_their_reasons(app, client, user, logged_in):
    """An emergency hides the self-care advice, so the advice cards get their own diary."""
    today = dt.date.today()
    for back, load in [(9, "none"), (6, "increase"), (3, "big_increase"), (1, "big_increase")]:
        make_entry(
            app,
            user,
            date=today - dt.timedelta(days=back),
            pain=3 + back % 3,
            side="right",
            locations=["thigh"],
            activity="running",
            onset="gradual",
            provoked_by=["hamstring_stretch"],
            load_change=load,
            warm_up=False,
        )
    text = visible_text(client.get("/insights").get_data(as_text=True))
    assert not leaks_in(text), leaks_in(text)
    assert "What helps" in text
    assert "Shown because your log fits" in text


@pytest.mark.parametrize("via", ["export", "share link"])
def test_the_pdf_shows_no_code(app, client, user, full_diary, via):
    auth, _entries = full_diary
    if via == "export":
        response = client.get("/export/report.pdf")
    else:
        link = create_link(client, auth.csrf, days=14)
        response = client.get(token_path(link["url"]) + "/report.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    text = " ".join(text.split())
    assert "Brought on by" in text
    assert not leaks_in(text), leaks_in(text)


def test_the_leak_patterns_catch_what_the_issue_saw():
    """The checks above can fail: each of the four bugs of issue 14 trips one."""
    assert leaks_in("What helps ['distal_hamstring_tendinopathy', 'load_spike']")
    assert leaks_in("Brought on by: r, e, s, i, s, t, e, d")
    assert leaks_in("None swelling")
    assert leaks_in("Why: Swelling: Moderate · Swelling: Moderate")
    assert not leaks_in("Swelling: None · Brought on by: Twisting, Stretching the hamstrings")


TWO_CHOICES = "Twisting and Pointing the foot or rising on tiptoe"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("provoked_by", "resisted_flexion", "Bending the knee against resistance"),
        ("provoked_by", ["twisting", "tiptoe"], TWO_CHOICES),
        ("swelling", "none", "None"),
        ("warm_up", False, "No"),
        ("pain", 7, "7/10"),
        ("activity", "a_new_code", "A new code"),
    ],
)
def test_answer_wording(field, value, expected):
    assert labels.answer(field, value) == expected


def test_evidence_says_an_answer_once():
    item = {"field": "swelling", "value": "moderate", "note": "Swelling: Moderate"}
    assert labels.evidence_line(item) == "Swelling: Moderate"
    item = {"field": "provoked_by", "value": "resisted_flexion", "note": ""}
    assert labels.evidence_line(item) == "Brought on by: Bending the knee against resistance"
    item = {"field": "load_change", "value": "big_increase", "note": "a sudden jump this week"}
    said = labels.evidence_line(item)
    assert said == "Training this week: A sudden jump · a sudden jump this week"


def test_advice_reasons_are_named_not_coded():
    text = labels.because_text(["popliteus_tendinopathy", "load_spike", "onset"])
    assert "popliteus tendinopathy" in text
    assert "sudden increase in volume or intensity" in text
    assert "“how it began”" in text
    assert not leaks_in(text)


def test_entry_summary_reads_as_words(app, user):
    entry = make_entry(app, user, side="left", activity="running", swelling="none")
    assert labels.entry_facts(entry) == ["Left knee", "Running", "No swelling"]


def test_an_entry_says_each_answer_once(app, client, user, logged_in):
    entry = make_entry(app, user, side="left", activity="running", swelling="none", onset="gradual")
    page = client.get(f"/entries/{entry.id}").get_data(as_text=True)
    assert "Left knee · Running · No swelling" in page  # the card's head
    assert "<dt>Activity</dt>" not in page and "<dt>How it began</dt>" in page
    # In the diary the row's line says day, pain, knee and activity; opened, it lists all.
    diary = client.get("/diary").get_data(as_text=True)
    row = diary.split(f'id="row-{entry.id}"', 1)[1]
    assert "Left knee · Running" in row.split("</summary>")[0]
    assert "<dt>Activity</dt>" in row and "<dt>Swelling</dt>" in row
