"""The one labelling layer: every value Fossa shows a person goes through here.

Pure Python (no Flask). Diary answers, finding codes (causes, factors, red flags),
lists of either and the engine's evidence become plain words, so no internal code,
Python list or letter-by-letter join ever reaches a page, the doctor's view or the
PDF. Templates reach it as the ``say`` global and the ``words``/``evidence_line``
filters (registered in webapp/app.py); the PDF and the share summary call it directly.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from webapp.diary import format as diary_format

# Short wording of single answers for an entry's one-line summary (a row in the
# diary, a cell in a table): "Left knee", "Mild swelling", "No swelling".
_SWELLING_SHORT = {
    "none": "No swelling",
    "mild": "Mild swelling",
    "moderate": "Moderate swelling",
    "severe": "Severe swelling",
}
_SIDE_SHORT = {"left": "Left knee", "right": "Right knee", "both": "Both knees"}


def _finding_names() -> dict[str, str]:
    # Imported late: the insights package imports diary.format, not this module,
    # and the names are read once per call site, so a new cause needs no change here.
    from webapp.insights import CAUSE_NAMES, FACTOR_NAMES, RED_FLAG_TITLES

    return {**RED_FLAG_TITLES, **FACTOR_NAMES, **CAUSE_NAMES}


def humanize(code: str) -> str:
    """Last resort for a code no table knows: "load_spike" -> "Load spike"."""
    text = code.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def field_name(field: str) -> str:
    """The question an answer belongs to, e.g. "provoked_by" -> "Brought on by"."""
    return diary_format.FIELD_LABELS.get(field) or humanize(field)


def answer(field: str, value: Any) -> str:
    """One recorded answer in words. A list field takes a list or one of its values."""
    if value is None:
        return ""
    if field == "pain" and isinstance(value, int) and not isinstance(value, bool):
        return f"{value}/10"
    if field == "date":
        return day_text(value)
    if field in diary_format.LISTS:
        choices = diary_format.LISTS[field]
        items = [value] if isinstance(value, str) else list(value)
        return join_words([choices.get(v) or humanize(str(v)) for v in items])
    if field in diary_format.ENUMS:
        return diary_format.ENUMS[field].get(value) or humanize(str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list | tuple):
        return join_words([answer(field, v) for v in value])
    return str(value)


def code_name(code: str) -> str:
    """A cause, factor, red flag or diary field named by its code, in words."""
    names = _finding_names()
    if code in names:
        return names[code]
    if code in diary_format.FIELD_LABELS:
        return diary_format.FIELD_LABELS[code]
    return humanize(code)


def join_words(items: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"; empty items are left out."""
    words = [str(i) for i in items if i]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


def words(value: Any) -> str:
    """Any value a template is about to print, as words: lists joined, codes named."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return code_name(value) if _looks_like_code(value) else value
    if isinstance(value, Mapping):
        return join_words(f"{code_name(str(k))}: {words(v)}" for k, v in value.items())
    if isinstance(value, Iterable):
        return join_words(words(v) for v in value)
    return str(value)


def _looks_like_code(text: str) -> bool:
    return bool(text) and "_" in text and " " not in text


def evidence_line(item: Mapping[str, Any]) -> str:
    """One piece of a finding's evidence, without its day: the answer, then the note.

    The engine's note often repeats the answer ("Swelling: Moderate"); it is said once.
    """
    parts: list[str] = []
    field = item.get("field")
    value = item.get("value")
    if field:
        shown = field_name(field)
        if value is not None:
            shown = f"{shown}: {answer(field, value)}"
        parts.append(shown)
    note = str(item.get("note") or "").strip()
    if note and _looks_like_code(note):
        note = humanize(note)
    if note:
        said = _plain(parts[0]) if parts else ""
        if said and said in _plain(note):
            parts = [note]  # the note says the answer and more
        elif not said or _plain(note) not in said:
            parts.append(note)
    return " · ".join(parts)


def _plain(text: str) -> str:
    return " ".join(text.replace(":", " ").lower().split())


def day_text(value: Any) -> str:
    """A day as a person reads it, e.g. "Thu 26 Nov 2026"."""
    day = dt.date.fromisoformat(value) if isinstance(value, str) else value
    return f"{day:%a %-d %b %Y}"


def _get(entry: Any, field: str) -> Any:
    if isinstance(entry, Mapping):
        return entry.get(field)
    return getattr(entry, field, None)


def entry_answers(entry: Any) -> list[tuple[str, str, str]]:
    """Every answer an entry has except its day, pain and notes: (field, question, answer).

    In the format's order, so the whole entry reads the same on every page.
    """
    rows = []
    for field in diary_format.ANSWER_FIELDS:
        if field in {"pain", "notes"}:
            continue
        value = _get(entry, field)
        if value is None or (isinstance(value, list | tuple) and not value):
            continue
        rows.append((field, field_name(field), answer(field, value)))
    return rows


def entry_facts(entry: Any, *, swelling: bool = True) -> list[str]:
    """The entry's short summary after its pain: knee, activity (and swelling), in words."""
    facts = []
    side = _get(entry, "side")
    if side:
        facts.append(_SIDE_SHORT.get(side) or answer("side", side))
    activity = _get(entry, "activity")
    if activity:
        facts.append(answer("activity", activity))
    swelled = _get(entry, "swelling") if swelling else None
    if swelled:
        facts.append(_SWELLING_SHORT.get(swelled) or answer("swelling", swelled))
    return facts


def because_text(codes: Iterable[str], names: Mapping[str, str] | None = None) -> str:
    """Why a piece of advice is shown, from the codes the engine gives as its reasons.

    ``names`` overrides the findings' names (/insights passes the causes' plain titles).
    """
    names = {**_finding_names(), **(names or {})}
    codes = list(codes)
    findings = [in_sentence(names[c]) for c in codes if c in names]
    fields = [field_name(c) for c in codes if c not in names]
    parts = []
    if findings:
        parts.append("Shown because your log fits " + join_words(findings))
    if fields:
        said = join_words(f"“{in_sentence(f)}”" for f in fields)
        parts.append(("and" if findings else "Shown because of") + f" what you logged for {said}")
    return " ".join(parts) + "." if parts else ""


def in_sentence(name: str) -> str:
    """A name as it reads inside a sentence: "Popliteus tendinopathy" -> "popliteus …"."""
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


# What a clinician scans for in a one-line row: the notable answers, in few words.
# Most are notable when yes; standing on the leg and warming up are notable when no.
_NOTABLE_SIGNS: dict[str, tuple[bool, str]] = {
    "numbness": (True, "numbness"),
    "weakness": (True, "weakness"),
    "clicking": (True, "clicking"),
    "locking": (True, "locking"),
    "giving_way": (True, "giving way"),
    "lump": (True, "lump"),
    "tender_spot": (True, "tender spot"),
    "popping": (True, "pop"),
    "cramping": (True, "cramping"),
    "back_pain": (True, "back pain"),
    "calf_swelling": (True, "calf swollen"),
    "calf_redness": (True, "calf red"),
    "calf_tenderness": (True, "calf tender"),
    "knee_redness_warmth": (True, "knee red or warm"),
    "can_bear_weight": (False, "cannot bear weight"),
    "eases_with_rest": (True, "eases with rest"),
    "warm_up": (False, "no warm-up"),
    "worn_footwear": (True, "worn shoes"),
}


def places_in_short(value: Any) -> str:
    """Where behind the knee in a word a place ("Inner, calf"), for a one-line cell."""
    if not value:
        return ""
    items = [value] if isinstance(value, str) else list(value)
    short = [diary_format.LOCATIONS_SHORT.get(v) or humanize(str(v)) for v in items]
    return ", ".join(short[:1] + [word.lower() for word in short[1:]])


def notable_signs(entry: Any) -> list[str]:
    """The entry's notable yes/no answers, in a few words each ("numbness", "calf red")."""
    return [
        words_ for field, (when, words_) in _NOTABLE_SIGNS.items() if _get(entry, field) is when
    ]


def day_list(days: Iterable[Any], shown: int = 8) -> str:
    """Days grouped by month, short: "9, 13 and 17 Nov 2026", "30 Nov, 2 and 4 Dec 2026"."""
    unique = sorted({dt.date.fromisoformat(d) if isinstance(d, str) else d for d in days})
    rest = len(unique) - shown
    unique = unique[:shown]
    groups: list[tuple[tuple[int, int], list[int]]] = []
    for day in unique:
        key = (day.year, day.month)
        if groups and groups[-1][0] == key:
            groups[-1][1].append(day.day)
        else:
            groups.append((key, [day.day]))
    parts = []
    for index, ((year, month), numbers) in enumerate(groups):
        month_name = dt.date(year, month, 1).strftime("%b")
        last_of_year = index == len(groups) - 1 or groups[index + 1][0][0] != year
        parts.append(
            f"{join_words(str(n) for n in numbers)} {month_name}"
            + (f" {year}" if last_of_year else "")
        )
    text = ", ".join(parts)
    return text + (f" and {rest} more days" if rest > 0 else "")


def moment_text(moment: dt.datetime | None, zone: str | None) -> str:
    """A moment on the person's own clock: "1 Dec 2026, 10:49" (naive means UTC)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        moment = moment.astimezone(ZoneInfo(zone or "UTC"))
    except (ZoneInfoNotFoundError, ValueError):
        moment = moment.astimezone(dt.UTC)
    return f"{moment:%-d %b %Y, %H:%M}"


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def weekdays_text(mask: int) -> str:
    """The reminder's days in words: "every day", "on weekdays", "on Mon, Wed and Fri"."""
    days = [i for i in range(7) if mask & (1 << i)]
    if len(days) == 7:
        return "every day"
    if days == [0, 1, 2, 3, 4]:
        return "on weekdays"
    if days == [5, 6]:
        return "at weekends"
    if not days:
        return "on no day (choose at least one)"
    return "on " + join_words(_WEEKDAYS[i] for i in days)


def advice_action(advice: str) -> str:
    """What a piece of advice asks for ("See a healthcare professional"), without its
    reason: the clinician reads the reason in the flag's own title."""
    first = re.split(r"[:.]", advice, maxsplit=1)[0].strip()
    return first or advice
