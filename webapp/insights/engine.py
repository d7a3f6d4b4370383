"""The rules engine: weighs a diary against the knowledge tables and says why.

Generic code only: every cause, flag, factor and piece of advice, and every
threshold, comes from ``knowledge.py``. Red flags are judged first and alone;
cause scores never lower or hide them. Missing answers are unknown: conditions are
three-valued (see ``conditions.py``), and only a recorded answer counts against.
"""

from __future__ import annotations

import copy
import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from webapp.diary.format import BOOLEANS, ENUMS, FIELD_LABELS, LISTS, label
from webapp.insights import asking
from webapp.insights import knowledge as kb
from webapp.insights.conditions import Judge, Match, compile_condition, fields_of
from webapp.insights.diary import prepare
from webapp.insights.episode import (
    Source,
    clean_episode_facts,
    episode_facts,
    episode_start,
    fill_episode_facts,
    read_notes,
)
from webapp.insights.findings import (
    Advice,
    Cause,
    Evidence,
    Factor,
    Findings,
    RedFlag,
)
from webapp.insights.notes import phrase_data

Entry = dict[str, Any]

_URGENCY_RANK = {level: rank for rank, level in enumerate(kb.URGENCY_ORDER)}
_DVT = "dvt_suspected"


# ------------------------------------------------------------ compiled knowledge
@dataclass(frozen=True)
class _Sign:
    id: str
    label: str
    when: Judge | None
    weight: float
    against: Judge | None
    against_label: str
    against_weight: float
    when_fields: frozenset[str]
    against_fields: frozenset[str]
    specific: bool


def _compile_sign(sign: Mapping[str, Any]) -> _Sign:
    when, against = sign.get("when"), sign.get("against")
    return _Sign(
        id=sign["id"],
        label=sign.get("label", ""),
        when=compile_condition(when) if when else None,
        weight=float(sign.get("weight", 0.0)),
        against=compile_condition(against) if against else None,
        against_label=sign.get("against_label", ""),
        against_weight=float(sign.get("against_weight", 0.0)),
        when_fields=frozenset(fields_of(when)) if when else frozenset(),
        against_fields=frozenset(fields_of(against)) if against else frozenset(),
        specific=bool(sign.get("specific", True)),
    )


def _compile_trigger(trigger: Mapping[str, Any]) -> dict[str, Any]:
    compiled = dict(trigger)
    for key in ("when", "first", "then"):
        if key in trigger:
            compiled[key] = compile_condition(trigger[key])
    return compiled


_FLAGS = [(flag, _compile_trigger(flag["trigger"])) for flag in kb.RED_FLAGS]
_CAUSES = [(cause, [_compile_sign(s) for s in cause["signs"]]) for cause in kb.CAUSES]
_FACTORS = [(factor, compile_condition(factor["when"])) for factor in kb.FACTORS]
_ADVICE = [
    (item, compile_condition(item["when"]["entries"]) if "entries" in item["when"] else None)
    for item in kb.ADVICE
]


def _not_recorded_fields(cond: Mapping[str, Any]) -> set[str]:
    if "all" in cond or "any" in cond:
        parts = cond.get("all", cond.get("any", []))
        return set().union(*(_not_recorded_fields(c) for c in parts))
    return {cond["field"]} if "not_recorded_as" in cond else set()


# Fields a red flag reads as "could be" while unrecorded: an episode fact from
# another day must never stand in for them and so clear a flag (a gradual start
# of the knee pain says nothing about a sudden calf pain today).
_FLAG_UNFILLED = frozenset(
    field
    for flag in kb.RED_FLAGS
    for key in ("when", "first", "then")
    if key in flag["trigger"]
    for field in _not_recorded_fields(flag["trigger"][key])
)
_LOOKBACK_DAYS = max(
    kb.EPISODE_WINDOW_DAYS,
    *(flag["window_days"] for flag in kb.RED_FLAGS),
    *(flag["trigger"].get("span_days", 0) for flag in kb.RED_FLAGS),
)


# ------------------------------------------------------------ public API
def evaluate(
    entries: Iterable[Any],
    today: dt.date,
    episode: Mapping[str, Any] | None = None,
    *,
    lang: str = "en",
) -> Findings:
    """Read a diary (fossa-diary/1 dicts or objects with .to_diary()) as of `today`.

    `episode` holds the answers stored for the current injury rather than a day
    (``knowledge.EPISODE_FIELDS``); they count for every entry of the current
    episode (insights/episode.py says which entries that is). Notes are read in
    the language `lang` (a table under insights/phrases/).
    """
    if isinstance(today, dt.datetime):  # a datetime is a date too, but compares apart
        today = today.date()
    recorded = prepare(entries, today, _LOOKBACK_DAYS)
    read = read_notes(recorded, lang)
    start = episode_start(read, today)
    in_episode = [e for e in read if start is not None and e["date"] >= start]
    answered_episode = [e for e in recorded if start is not None and e["date"] >= start]
    facts = episode_facts(in_episode, episode)
    # Red flags from everything known, notes included; and from the recorded answers
    # alone, which says whether a flag still waits for the person's word.
    flag_view = _flag_view(read, start, episode)
    answer_view = _flag_view(recorded, start, episode)
    red_flags = _judge_red_flags(flag_view, today)
    # Notes and episode facts only add to what the answers raise (never a field a flag
    # reads as "could be"), so with no flag raised there is nothing to tell apart.
    answered_flags = (
        {flag.code for flag in _judge_red_flags(answer_view, today)} if red_flags else set()
    )
    urgency = max(
        (flag.urgency for flag in red_flags), key=_URGENCY_RANK.__getitem__, default="self_care"
    )
    episode_view = fill_episode_facts(in_episode, facts)
    scores = _score_causes(episode_view)
    causes = _rank_causes(episode_view, scores)
    factors = _find_factors(episode_view)
    enough = _enough_to_go_on(causes)
    questions = asking.next_questions(
        asking.Situation(
            today=today,
            flag_view=flag_view,
            episode=episode_view,
            recorded=answered_episode,
            stored_episode=clean_episode_facts(episode),
            red_flags=red_flags,
            answered_flags=answered_flags,
            urgency=urgency,
            causes=causes,
            scores=scores,
            moves=_MOVES,
        )
    )
    # The management advice is for "once serious conditions are ruled out": during an
    # emergency the only advice is the flag's own.
    advice = [] if urgency == "emergency" else _pick_advice(episode_view, causes, factors)

    return Findings(
        today=today.isoformat(),
        urgency=urgency,
        urgency_text=kb.URGENCY_WORDING[urgency],
        red_flags=red_flags,
        causes=causes,
        factors=factors,
        advice=advice,
        next_questions=questions,
        enough_to_go_on=enough,
        disclaimer=kb.DISCLAIMER,
        entries_considered=len(in_episode),
    )


def _flag_view(
    entries: list[Entry], start: dt.date | None, stored: Mapping[str, Any] | None
) -> list[Entry]:
    """What the red flags read: the entries, those of the episode with its facts filled in
    (never a field a flag reads as "could be", and a fact only from the day it was logged)."""
    entries = [_without_note_values(e, _FLAG_UNFILLED) for e in entries]
    before = [e for e in entries if start is None or e["date"] < start]
    episode = [e for e in entries if start is not None and e["date"] >= start]
    facts = episode_facts(episode, stored)
    return before + fill_episode_facts(episode, facts, skip=_FLAG_UNFILLED, forward_only=True)


def _without_note_values(entry: Entry, fields: frozenset[str]) -> Entry:
    """The entry without what a note said about `fields`: a note may raise a flag, never
    clear one ("came on gradually" must not stand in for the person's answer)."""
    sources = entry.get("_from")
    if not sources or not any(f in fields and s.source == "note" for f, s in sources.items()):
        return entry
    copy = {k: v for k, v in entry.items() if not (k in fields and sources.get(k))}
    copy["_from"] = {f: s for f, s in sources.items() if f not in fields}
    return copy


def client_safety_screens() -> list[dict[str, Any]]:
    """The safety screens a browser can judge from the answers of ONE entry being filled in.

    Each is ``{code, flag, when, question, why, fields, field_questions, options,
    multiple, scope, urgency, passage}``: ``when`` is a condition in the grammar of
    ``client_red_flag_rules()`` (judged by static/js/live-flags.js); while it holds and
    a field of ``fields`` is unanswered, the page asks ``question`` (or, with one field
    left, ``field_questions[field]``), and each option's ``set`` is what one tap stores.
    Built from ``knowledge.SAFETY_SCREENS``; cues of several days (a sudden
    worsening) stay with the server. Most urgent first.
    """
    return asking.client_safety_screens()


def client_note_phrases(lang: str = "en") -> dict[str, Any]:
    """The phrase table static/js/note-signs.js reads notes with (the server's own).

    With two keys the browser needs to merge a note's signs into the form's answers
    as the server does (``FossaNotes.withSigns``): ``list_fields`` (a sign of a list
    field joins the note's other values of it) and ``flag_unfilled``, the fields a red
    flag reads as "could be" while unrecorded, which a note must never fill, so that
    a note can raise a flag and never clear one.
    """
    table = phrase_data(lang)
    table["list_fields"] = sorted(LISTS)
    table["flag_unfilled"] = sorted(_FLAG_UNFILLED)
    return table


def client_red_flag_rules() -> list[dict[str, Any]]:
    """Red-flag rules a browser can judge from the answers of ONE entry being filled in.

    Each rule is ``{code, urgency, headline, title, advice, passage, when}``; ``when`` is a
    condition in the grammar documented in ``webapp.insights.conditions``:
    ``{"field": F, "is"|"in"|"has"|"has_any"|"at_least"|"not_recorded_as": ...}``,
    ``{"all": [...]}``, ``{"any": [...]}``,
    ``{"count_of": [F, ...], "is": V, "at_least": N}``. An unanswered field is
    unknown, so the rule must not fire on it, except ``not_recorded_as`` which is
    true for an unanswered field. Rules are listed most urgent first.

    Built from the same knowledge the engine uses: a rule that needs a later day
    ("popping, followed by swelling") is given in its one-day form (both on the
    same entry); a rule that needs several days (persistent pain) is left out.
    """
    rules = []
    for flag in _by_urgency(kb.RED_FLAGS):
        trigger = flag["trigger"]
        if trigger["kind"] == "entry":
            when = trigger["when"]
        elif trigger["kind"] == "followed_by":
            when = {"all": [trigger["first"], trigger["then"]]}
        else:
            continue
        rules.append(
            {
                "code": flag["code"],
                "urgency": flag["urgency"],
                "headline": kb.URGENCY_HEADLINES[flag["urgency"]],
                "title": flag["title"],
                "advice": flag["advice"],
                "passage": flag["passage"],
                "when": copy.deepcopy(when),
            }
        )
    return rules


def red_flags_by_day(
    entries: Iterable[Any],
    first: dt.date,
    last: dt.date,
    episode: Mapping[str, Any] | None = None,
    *,
    lang: str = "en",
) -> list[tuple[dt.date, RedFlag]]:
    """The red flags raised on each logged day from ``first`` to ``last``, with the day.

    Each day is judged as of itself, as ``evaluate`` judged it then (notes and
    episode facts included), and a flag counts on that day only when the day's own
    entries are part of its evidence: so a flag once raised stays visible in the
    history (diary-schema.md), and a flag still open from an earlier day is not
    raised again by a quiet day.
    """
    diary = read_notes(prepare(entries, last, (last - first).days + _LOOKBACK_DAYS), lang)
    dates = [entry["date"] for entry in diary]  # oldest first, as prepare sorts them
    # The stored facts are the current episode's: they count for its days only.
    current = episode_start(diary, last)
    raised = []
    for day in sorted({d for d in dates if d >= first}):
        window_start = day - dt.timedelta(days=_LOOKBACK_DAYS - 1)
        as_of_then = diary[bisect_left(dates, window_start) : bisect_right(dates, day)]
        start = episode_start(as_of_then, day)
        view = _flag_view(as_of_then, start, episode if start == current else None)
        for flag in _judge_red_flags(view, day):
            if any(item.date == day.isoformat() for item in flag.evidence):
                raised.append((day, flag))
    return raised


def red_flags_between(
    entries: Iterable[Any],
    first: dt.date,
    last: dt.date,
    episode: Mapping[str, Any] | None = None,
    *,
    lang: str = "en",
) -> list[RedFlag]:
    """Every red flag raised from ``first`` to ``last``, once each, with all its evidence."""
    by_code: dict[str, RedFlag] = {}
    for _day, flag in red_flags_by_day(entries, first, last, episode, lang=lang):
        seen = by_code.get(flag.code)
        evidence = flag.evidence if seen is None else [*seen.evidence, *flag.evidence]
        by_code[flag.code] = replace(flag, evidence=_sorted_evidence(evidence))
    return sorted(by_code.values(), key=lambda f: (-_URGENCY_RANK[f.urgency], f.code != _DVT))


# ------------------------------------------------------------ helpers
def _since(entries: list[Entry], today: dt.date, days: int) -> list[Entry]:
    first = today - dt.timedelta(days=days - 1)
    return [e for e in entries if e["date"] >= first]


def _by_urgency(flags: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Stable sort: within one urgency the knowledge order holds (the DVT flag first).
    return sorted(flags, key=lambda f: -_URGENCY_RANK[f["urgency"]])


def _answer_note(field: str, value: Any) -> str:
    return f"{FIELD_LABELS.get(field, field)}: {label(field, value)}"


@lru_cache(maxsize=512)
def _day_words(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B}"


def _evidence(entry: Entry, matches: list[Match], note: str | None = None) -> list[Evidence]:
    """Evidence of matched answers; a value from a note or the episode says where it came from."""
    sources: Mapping[str, Source] = entry.get("_from", {})
    items = []
    for field, value in matches:
        source = sources.get(field)
        words = note if note is not None else _answer_note(field, value)
        if source is None:
            items.append(
                Evidence(
                    date=entry["date"].isoformat(),
                    entry_id=entry.get("id"),
                    field=field,
                    value=value,
                    note=words,
                )
            )
            continue
        if source.source == "note":
            said = f"from your note of {_day_words(source.date)}: '{source.quote}'"
            words = said if note is None else f"{note}, {said}"
        else:
            words = f"{words} (your answer for this injury)"
        items.append(
            Evidence(
                date=source.date,
                entry_id=source.entry_id,
                field=field,
                value=value,
                note=words,
                source=source.source,
                quote=source.quote,
            )
        )
    return items


def _sorted_evidence(items: list[Evidence]) -> list[Evidence]:
    unique = {
        (e.date, e.entry_id or "", e.field, repr(e.value), e.note, e.source): e for e in items
    }
    return [unique[key] for key in sorted(unique)]


def _is_painful(entry: Entry) -> bool:
    # An occasion logged with pain 0 provoked nothing; an unrecorded pain might have.
    return entry.get("pain", 1) > 0


# ------------------------------------------------------------ red flags
def _judge_red_flags(entries: list[Entry], today: dt.date) -> list[RedFlag]:
    raised = []
    for flag, trigger in _FLAGS:
        window = _since(entries, today, flag["window_days"])
        kind = trigger["kind"]
        if kind == "entry":
            evidence = _entry_trigger(window, trigger["when"])
        elif kind == "followed_by":
            evidence = _followed_by_trigger(window, trigger["first"], trigger["then"])
        elif kind == "persistent":
            evidence = _persistent_trigger(entries, today, trigger)
        else:
            raise ValueError(f"unknown trigger kind {kind!r} in red flag {flag['code']}")
        if evidence:
            raised.append(
                RedFlag(
                    code=flag["code"],
                    urgency=flag["urgency"],
                    title=flag["title"],
                    advice=flag["advice"],
                    passage=flag["passage"],
                    evidence=_sorted_evidence(evidence),
                )
            )
    raised.sort(key=lambda f: (-_URGENCY_RANK[f.urgency], f.code != _DVT))
    return raised


def _entry_trigger(window: list[Entry], when: Judge) -> list[Evidence]:
    evidence: list[Evidence] = []
    for entry in window:
        result, matches = when(entry)
        if result:
            evidence.extend(_evidence(entry, matches))
    return evidence


def _followed_by_trigger(window: list[Entry], first: Judge, then: Judge) -> list[Evidence]:
    # By date, not by position: "that day or in the days after" includes an entry of
    # the same day that happens to sort before the first one.
    firsts = [(entry, first(entry)) for entry in window]
    firsts = [(entry, matches) for entry, (result, matches) in firsts if result]
    if not firsts:
        return []
    start = firsts[0][0]["date"]
    thens = []
    for entry in window:
        if entry["date"] >= start:
            result, matches = then(entry)
            if result:
                thens.append((entry, matches))
    if not thens:
        return []
    return [item for entry, matches in firsts + thens for item in _evidence(entry, matches)]


def _daily_pain(entries: list[Entry]) -> dict[dt.date, int]:
    # A day's pain is its worst recorded occasion.
    days: dict[dt.date, int] = {}
    for entry in entries:
        if "pain" in entry:
            days[entry["date"]] = max(days.get(entry["date"], 0), entry["pain"])
    return days


def _mean(values: list[int]) -> float:
    return sum(values) / len(values)


def _persistent_trigger(
    entries: list[Entry], today: dt.date, rule: Mapping[str, Any]
) -> list[Evidence]:
    half = rule["half_days"]
    span_start = today - dt.timedelta(days=rule["span_days"] - 1)
    last_start = today - dt.timedelta(days=half - 1)
    first_start = last_start - dt.timedelta(days=half)
    pain_by_day = _daily_pain(entries)
    painful_days = sorted(day for day, pain in pain_by_day.items() if pain > 0)
    # Pain logged across the whole span: from its first day or earlier, into the last half.
    if not painful_days or painful_days[0] > span_start or painful_days[-1] < last_start:
        return []
    first_half = [p for d, p in pain_by_day.items() if first_start <= d < last_start]
    last_half = [p for d, p in pain_by_day.items() if d >= last_start]
    if not first_half or not any(p > 0 for p in first_half) or not last_half:
        return []
    rest_days = [
        e
        for e in entries
        if e["date"] >= last_start and e.get(rule["rest_field"]) == rule["rest_value"]
    ]
    rest_pain = [e["pain"] for e in rest_days if "pain" in e]
    if not rest_pain or _mean(rest_pain) < rule["rest_pain_at_least"]:
        return []
    first_mean, last_mean = _mean(first_half), _mean(last_half)
    if first_mean - last_mean >= rule["improvement_at_least"]:
        return []
    note = (
        f"Pain {{pain}} on a rest day; the last {half} days average {last_mean:.1f}, "
        f"the {half} days before {first_mean:.1f}"
    )
    return [
        Evidence(
            date=e["date"].isoformat(),
            entry_id=e.get("id"),
            field="pain",
            value=e["pain"],
            note=note.format(pain=e["pain"]),
        )
        for e in rest_days
        if "pain" in e
    ]


# ------------------------------------------------------------ causes
# What a sign matched, as (entry, matches, label): made into Evidence only for the
# causes that are shown (every cause is weighed, for the questions' sake).
_Hits = list[tuple[Entry, list[Match], str]]


def _weigh_sign(sign: _Sign, entries: list[Entry]) -> tuple[float, _Hits, _Hits]:
    support: _Hits = []
    if sign.when is not None:
        for entry in entries:
            if not _is_painful(entry):
                continue
            result, matches = sign.when(entry)
            if result:
                support.append((entry, matches, sign.label))
    if support:
        return sign.weight, support, []
    # Only a recorded answer counts against, and only when the sign never showed.
    against: _Hits = []
    if sign.against is not None:
        for entry in entries:
            result, matches = sign.against(entry)
            if result:
                against.append((entry, matches, sign.against_label))
    if against:
        return -sign.against_weight, [], against
    return 0.0, [], []


def _hits_evidence(hits: _Hits) -> list[Evidence]:
    return _sorted_evidence(
        [item for entry, matches, label in hits for item in _evidence(entry, matches, label)]
    )


def _confidence(score: float) -> str:
    scoring = kb.SCORING
    if score >= scoring["likely_at"]:
        return "likely"
    if score >= scoring["possible_at"]:
        return "possible"
    return "weak"


def _score_causes(entries: list[Entry]) -> dict[str, tuple[float, bool, list, list]]:
    """Every cause's (score, pointed at by a sign of its own, what matched for, against)."""
    weighed = {}
    for cause, signs in _CAUSES:
        score = 0.0
        pointed_at = False
        evidence_for: _Hits = []
        evidence_against: _Hits = []
        for sign in signs:
            delta, support, against = _weigh_sign(sign, entries)
            score += delta
            pointed_at = pointed_at or bool(support and sign.specific)
            evidence_for += support
            evidence_against += against
        weighed[cause["code"]] = (score, pointed_at, evidence_for, evidence_against)
    return weighed


def _rank_causes(
    entries: list[Entry], weighed: Mapping[str, tuple[float, bool, list, list]] | None = None
) -> list[Cause]:
    weighed = _score_causes(entries) if weighed is None else weighed
    ranked = []
    for cause, _signs in _CAUSES:
        score, pointed_at, evidence_for, evidence_against = weighed[cause["code"]]
        # A cause is shown only when a sign of its own in the log speaks for it.
        if pointed_at and score > 0:
            ranked.append(
                Cause(
                    code=cause["code"],
                    name=cause["name"],
                    score=round(score, 2),
                    confidence=_confidence(score),
                    evidence_for=_hits_evidence(evidence_for),
                    evidence_against=_hits_evidence(evidence_against),
                    passage=cause["passage"],
                )
            )
    ranked.sort(key=lambda c: (-c.score, c.code))
    return ranked


def _enough_to_go_on(causes: list[Cause]) -> bool:
    scoring = kb.SCORING
    if not causes or causes[0].score < scoring["enough_score"]:
        return False
    return len(causes) == 1 or causes[0].score - causes[1].score >= scoring["enough_margin"]


_SIGNS_OF = {cause["code"]: signs for cause, signs in _CAUSES}


def _answer_moves(signs: list[_Sign], answer: Entry) -> float:
    """How far one hypothetical answer would move a cause's score."""
    move = 0.0
    for sign in signs:
        if sign.when is not None and sign.when(answer)[0]:
            move += sign.weight
        elif sign.against is not None and sign.against(answer)[0]:
            move -= sign.against_weight
    return move


def _possible_answers(field: str) -> list[Any]:
    if field in BOOLEANS or field == "prior_injury":
        return [True, False]
    if field in ENUMS:
        return list(ENUMS[field])
    if field in LISTS:
        return [(value,) for value in LISTS[field]] + [()]
    return []


# How far each possible answer to each question moves each cause: the questions'
# expected information is arithmetic over this table (asking.information).
_MOVES = {
    field: [
        (answer, {code: _answer_moves(signs, {field: answer}) for code, signs in _SIGNS_OF.items()})
        for answer in _possible_answers(field)
    ]
    for field in kb.QUESTIONS
}


# ------------------------------------------------------------ factors and advice
def _find_factors(entries: list[Entry]) -> list[Factor]:
    found = []
    for factor, when in _FACTORS:
        if factor["kind"] == "entry":
            evidence = []
            for entry in entries:
                result, matches = when(entry)
                if result:
                    evidence.extend(_evidence(entry, matches, factor["note"]))
        elif factor["kind"] == "streak":
            evidence = _streak(entries, when, factor["days_at_least"], factor["note"])
        else:
            raise ValueError(f"unknown factor kind {factor['kind']!r}")
        if evidence:
            found.append(
                Factor(
                    code=factor["code"],
                    name=factor["name"],
                    evidence=_sorted_evidence(evidence),
                    passage=factor["passage"],
                )
            )
    return found


def _streak(entries: list[Entry], when: Judge, days_at_least: int, note: str) -> list[Evidence]:
    """Evidence of the longest run of consecutive logged days on which `when` held."""
    by_day: dict[dt.date, list[Evidence]] = defaultdict(list)
    failed: set[dt.date] = set()
    for entry in entries:
        result, matches = when(entry)
        if result:
            by_day[entry["date"]].extend(_evidence(entry, matches, note))
        elif result is False:
            failed.add(entry["date"])  # e.g. a rest day breaks the run
    days = sorted(d for d in by_day if d not in failed)
    best: list[dt.date] = []
    run: list[dt.date] = []
    for day in days:
        run = run + [day] if run and day - run[-1] == dt.timedelta(days=1) else [day]
        if len(run) > len(best):
            best = run
    if len(best) < days_at_least:
        return []
    return [item for day in best for item in by_day[day]]


def _pick_advice(entries: list[Entry], causes: list[Cause], factors: list[Factor]) -> list[Advice]:
    top = kb.SCORING["leading_causes"]
    leading = {c.code for c in causes[:top] if c.confidence != "weak"}
    found = {f.code for f in factors}
    picked = []
    for item, entry_condition in _ADVICE:
        when = item["when"]
        because = sorted(leading & set(when.get("causes", ()))) + sorted(
            found & set(when.get("factors", ()))
        )
        if entry_condition is not None and any(
            entry_condition(e)[0] for e in entries if _is_painful(e)
        ):
            because += sorted(fields_of(when["entries"]))
        if because:
            picked.append(
                Advice(
                    code=item["code"], text=item["text"], passage=item["passage"], because=because
                )
            )
    return picked
