"""What Fossa asks next: one ordered list, most important first.

Pure Python, generic over the knowledge tables. The order is fixed:

1. ``safety``: the unanswered safety screens (``knowledge.SAFETY_SCREENS``) that the
   log makes relevant, most urgent first. They are asked whatever the causes say,
   and not asked once the flag they screen for is raised by recorded answers (it is
   known) or once their fields are answered for the entry they belong to (the
   newest entry that made them relevant) or, for an episode question, for the episode.
2. ``confirm_note``: a sign Fossa read in a note, put to the person ("Your note
   says '...': ..."). First those that raise a red flag or belong to a safety screen
   (their answer is the only thing that withdraws the flag), then others whose
   field moves a cause.
3. ``separate``: the questions that best separate the leading causes, by expected
   information: the cause scores are read as odds (softmax at
   ``SCORING["temperature"]``), each possible answer as evidence with the same
   weights, and a question is worth asking when its mutual information with the
   cause reaches ``SCORING["min_information_bits"]``. Not asked during an emergency.
4. ``factor``: a contributing factor not yet recorded, when the advice for a
   leading cause depends on it.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from webapp.diary.format import BOOLEANS, ENUMS, LISTS
from webapp.insights import knowledge as kb
from webapp.insights.conditions import Judge, compile_condition, fields_of
from webapp.insights.findings import Cause, NextQuestion, RedFlag

Entry = dict[str, Any]
# field -> [(answer, {cause: how far that answer moves its score})]
MoveTable = Mapping[str, list[tuple[Any, Mapping[str, float]]]]

_URGENCY_RANK = {level: rank for rank, level in enumerate(kb.URGENCY_ORDER)}
_FLAGS = {flag["code"]: flag for flag in kb.RED_FLAGS}
_ONLY_IF: dict[str, Judge] = {f: compile_condition(c) for f, c in kb.QUESTION_ONLY_IF.items()}
_FLAG_FIELDS = frozenset(
    f
    for flag in kb.RED_FLAGS
    for key in ("when", "first", "then")
    if key in flag["trigger"]
    for f in fields_of(flag["trigger"][key])
)


@dataclass(frozen=True)
class _Screen:
    code: str
    flag: str
    urgency: str
    fields: tuple[str, ...]
    question: str
    why: str
    multiple: bool
    chips: Mapping[str, str]
    scope: str
    when: Judge
    pain_rise_at_least: int | None
    unanswered_in_episode: bool
    window_days: int
    passage: str


_SCREENS = sorted(
    (
        _Screen(
            code=s["code"],
            flag=s["flag"],
            urgency=_FLAGS[s["flag"]]["urgency"],
            fields=tuple(s["fields"]),
            question=s["question"],
            why=s["why"],
            multiple=bool(s["multiple"]),
            chips=s.get("chips", {}),
            scope=s["scope"],
            when=compile_condition(s["when"]),
            pain_rise_at_least=s.get("pain_rise_at_least"),
            unanswered_in_episode=bool(s.get("unanswered_in_episode")),
            window_days=_FLAGS[s["flag"]]["window_days"],
            passage=s["passage"],
        )
        for s in kb.SAFETY_SCREENS
    ),
    key=lambda s: -_URGENCY_RANK[s.urgency],
)
_SCREEN_OF_FIELD = {f: screen for screen in _SCREENS for f in screen.fields}


@dataclass(frozen=True)
class Situation:
    """What the engine knows when it decides what to ask."""

    today: dt.date
    flag_view: list[Entry]  # the red flags' window: answers, notes and episode facts
    episode: list[Entry]  # the current episode: answers, notes and episode facts
    recorded: list[Entry]  # the current episode: recorded answers only
    stored_episode: Mapping[str, Any]
    red_flags: list[RedFlag]
    answered_flags: set[str]
    urgency: str
    causes: list[Cause]
    scores: Mapping[str, tuple[float, bool, list, list]]
    moves: MoveTable = field(default_factory=dict)


# ------------------------------------------------------------ wording and options
def question_text(name: str) -> str:
    """The question that asks one field."""
    return kb.FIELD_QUESTIONS.get(name) or kb.QUESTIONS.get(name) or f"{name}?"


def _label(name: str, value: Any) -> str:
    if name in ENUMS:
        return ENUMS[name][value]
    if name in LISTS:
        return LISTS[name][value]
    return "Yes" if value else "No"


def options_for(fields: tuple[str, ...] | list[str], chips: Mapping[str, str]) -> list[dict]:
    """What each tap stores: Yes/No for one yes/no field, a chip per sign for a group."""
    fields = list(fields)
    if len(fields) > 1:
        options = [{"label": chips.get(f, BOOLEANS.get(f, f)), "set": {f: True}} for f in fields]
        options.append({"label": kb.NONE_OF_THESE, "set": dict.fromkeys(fields, False)})
        return options
    (name,) = fields
    if name in ENUMS:
        return [{"label": label, "set": {name: value}} for value, label in ENUMS[name].items()]
    if name in LISTS:
        options = [{"label": label, "set": {name: [value]}} for value, label in LISTS[name].items()]
        options.append({"label": kb.NONE_OF_THESE, "set": {name: []}})
        return options
    return [{"label": "Yes", "set": {name: True}}, {"label": "No", "set": {name: False}}]


def _multiple(fields: list[str], screen: _Screen | None) -> bool:
    if len(fields) > 1:
        return screen.multiple if screen else True
    return fields[0] in LISTS


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def client_safety_screens() -> list[dict[str, Any]]:
    """The safety screens as the browser judges them (see engine.client_safety_screens)."""
    screens = []
    for raw in sorted(
        kb.SAFETY_SCREENS, key=lambda s: -_URGENCY_RANK[_FLAGS[s["flag"]]["urgency"]]
    ):
        fields = list(raw["fields"])
        screens.append(
            {
                "code": f"safety:{raw['code']}",
                "flag": raw["flag"],
                "when": raw["when"],
                "question": raw["question"],
                "why": raw["why"],
                "fields": fields,
                "field_questions": {f: question_text(f) for f in fields},
                "options": options_for(fields, raw.get("chips", {})),
                "multiple": bool(raw["multiple"]) if len(fields) > 1 else False,
                "scope": raw["scope"],
                "urgency": _FLAGS[raw["flag"]]["urgency"],
                "passage": raw["passage"],
            }
        )
    return screens


# ------------------------------------------------------------ what is answered
def _own(entry: Entry, name: str) -> bool:
    """The entry holds its own recorded answer to `name` (not a note's, not the episode's)."""
    return name in entry and name not in entry.get("_from", {})


def _from_note(entry: Entry, name: str):
    source = entry.get("_from", {}).get(name)
    return source if source is not None and source.source == "note" else None


def _episode_answered(sit: Situation, name: str) -> bool:
    return name in sit.stored_episode or any(name in e for e in sit.recorded)


def _answered(sit: Situation, entry: Entry, name: str, scope: str) -> bool:
    if scope == "episode" or name in kb.EPISODE_FIELDS:
        return _episode_answered(sit, name)
    return _own(entry, name)


def _pain_rose(entries: list[Entry], index: int, by: int | None) -> bool:
    """A sudden worsening: `by` or more above the previous logged day with pain."""
    if by is None or "pain" not in entries[index]:
        return False
    day = entries[index]["date"]
    for earlier in reversed(entries[:index]):
        if earlier["date"] < day and earlier.get("pain", 0) > 0:
            return entries[index]["pain"] - earlier["pain"] >= by
    return False


# ------------------------------------------------------------ building questions
def _ask(
    sit: Situation,
    *,
    code: str,
    kind: str,
    fields: list[str],
    question: str,
    why: str,
    entry: Entry | None,
    scope: str,
    urgency: str | None = None,
    separates: list[str] | None = None,
    passage: str = "",
    screen: _Screen | None = None,
) -> NextQuestion:
    chips = screen.chips if screen else {}
    return NextQuestion(
        code=code,
        kind=kind,
        field=fields[0] if len(fields) == 1 else None,
        fields=list(fields),
        question=question,
        why=why,
        options=options_for(fields, chips),
        multiple=_multiple(fields, screen),
        scope=scope,
        entry_id=entry.get("id") if entry is not None and scope == "entry" else None,
        date=entry["date"].isoformat() if entry is not None and scope == "entry" else None,
        urgency=urgency,
        separates=separates or [],
        passage=passage,
    )


def _screen_question(
    sit: Situation, screen: _Screen, entry: Entry, missing: list[str]
) -> NextQuestion:
    """The screen's question for the fields still unanswered, or a confirm if a note spoke."""
    text = screen.question if len(missing) > 1 else question_text(missing[0])
    noted = [f for f in missing if _noted_source(sit, entry, f, screen.scope) is not None]
    if noted:
        source = _noted_source(sit, entry, noted[0], screen.scope)
        return _ask(
            sit,
            code=f"confirm_note:{noted[0]}",
            kind="confirm_note",
            fields=missing,
            question=f"Your note says '{source.quote}': {_lower_first(text)}",
            why=f"{screen.why} Fossa read this in your note; your answer is what counts.",
            entry=_entry_of(sit, source, entry),
            scope=screen.scope,
            urgency=screen.urgency,
            passage=screen.passage,
            screen=screen,
        )
    return _ask(
        sit,
        code=f"safety:{screen.code}",
        kind="safety",
        fields=missing,
        question=text,
        why=screen.why,
        entry=entry,
        scope=screen.scope,
        urgency=screen.urgency,
        passage=screen.passage,
        screen=screen,
    )


def _noted_source(sit: Situation, entry: Entry, name: str, scope: str):
    if scope == "episode" or name in kb.EPISODE_FIELDS:
        for e in reversed(sit.episode):
            source = _from_note(e, name)
            if source is not None:
                return source
        return None
    return _from_note(entry, name)


def _entry_of(sit: Situation, source, fallback: Entry) -> Entry:
    for e in sit.flag_view:
        if e.get("id") == source.entry_id and e["date"].isoformat() == source.date:
            return e
    return fallback


def _never_answered_target(sit: Situation, screen: _Screen, first: dt.date) -> Entry | None:
    """The newest painful entry, while no entry of the episode answers the screen at all."""
    if any(f in e for e in sit.recorded for f in screen.fields):
        return None
    painful = [e for e in sit.episode if e.get("pain", 1) > 0 and e["date"] >= first]
    return painful[-1] if painful else None


def _key(screen: _Screen, entry: Entry) -> tuple[str, str | None, str | None]:
    # An episode question is asked once for the episode, whichever entry raised it.
    if screen.scope == "episode":
        return screen.code, None, None
    return screen.code, entry.get("id"), entry["date"].isoformat()


def _worth_asking(sit: Situation, screen: _Screen) -> bool:
    """During an emergency only what bears on the emergency is asked: go now, answer later."""
    return sit.urgency != "emergency" or screen.urgency == "emergency"


def _safety_and_confirm(sit: Situation) -> tuple[list[NextQuestion], list[NextQuestion]]:
    safety: list[NextQuestion] = []
    confirm: list[NextQuestion] = []
    asked: set[tuple[str, str | None, str | None]] = set()  # (screen, entry id, date)
    taken: set[str] = set()  # a field is asked once in one list

    def ask(screen: _Screen, entry: Entry) -> None:
        key = _key(screen, entry)
        missing = [f for f in screen.fields if not _answered(sit, entry, f, screen.scope)]
        missing = [f for f in missing if f not in taken]
        if key in asked or not missing:
            return
        asked.add(key)
        taken.update(missing)
        # A note may have spoken of a field already answered, or of an episode fact:
        # then it is the screen's own question, and it goes with the other safety ones.
        question = _screen_question(sit, screen, entry, missing)
        (confirm if question.kind == "confirm_note" else safety).append(question)

    # A flag that a note raised: ask about the very entry whose note raised it.
    for flag in sit.red_flags:
        if flag.code in sit.answered_flags:
            continue
        for item in flag.evidence:
            if item.source != "note":
                continue
            screen = _SCREEN_OF_FIELD.get(item.field)
            entry = next(
                (
                    e
                    for e in sit.flag_view
                    if e.get("id") == item.entry_id and e["date"].isoformat() == item.date
                ),
                None,
            )
            if screen is None or entry is None:
                continue
            if _worth_asking(sit, screen):
                ask(screen, entry)
    for screen in _SCREENS:
        if screen.flag in sit.answered_flags or not _worth_asking(sit, screen):
            continue
        first = sit.today - dt.timedelta(days=screen.window_days - 1)
        entries = sit.episode if screen.scope == "episode" else sit.flag_view
        target = None
        for index in range(len(entries) - 1, -1, -1):
            entry = entries[index]
            if entry["date"] < first:
                break
            relevant = (
                screen.when(entry)[0]
                or _pain_rose(entries, index, screen.pain_rise_at_least)
                or any(_from_note(entry, f) for f in screen.fields)
            )
            if relevant:
                target = entry
                break
        if target is None and screen.unanswered_in_episode:
            target = _never_answered_target(sit, screen, first)
        if target is not None:
            ask(screen, target)
    by_urgency = lambda q: -_URGENCY_RANK[q.urgency or "self_care"]  # noqa: E731
    return sorted(safety, key=by_urgency), sorted(confirm, key=by_urgency)


def _note_questions(sit: Situation, taken: set[str]) -> list[NextQuestion]:
    """Other signs read in notes that move a cause: "Your note says '...': ...?"."""
    found = []
    seen: set[str] = set()
    for entry in reversed(sit.episode):
        for name, source in entry.get("_from", {}).items():
            if source.source != "note" or source.episode or name in seen or name in taken:
                continue
            if name in _SCREEN_OF_FIELD or name in _FLAG_FIELDS:
                continue  # asked with its safety screen
            seen.add(name)
            if _answered(sit, entry, name, "entry"):
                continue
            weight = max(
                (abs(m) for _a, moves in sit.moves.get(name, []) for m in moves.values()),
                default=0.0,
            )
            if weight <= 0:
                continue
            scope = "episode" if name in kb.EPISODE_FIELDS else "entry"
            found.append(
                (
                    -weight,
                    name,
                    _ask(
                        sit,
                        code=f"confirm_note:{name}",
                        kind="confirm_note",
                        fields=[name],
                        question=(
                            f"Your note says '{source.quote}': {_lower_first(question_text(name))}"
                        ),
                        why=(
                            "Fossa read this in your note; your answer is what counts, and it "
                            "helps tell the possible causes apart."
                        ),
                        entry=entry,
                        scope=scope,
                        passage=_passage_for(sit, name),
                    ),
                )
            )
    found.sort(key=lambda item: (item[0], item[1]))
    return [q for _w, _n, q in found[: int(kb.SCORING["max_note_questions"])]]


_CAUSE_PASSAGES = {cause["code"]: cause["passage"] for cause in kb.CAUSES}


def _passage_for(sit: Situation, name: str, among: list[str] | None = None) -> str:
    """The passage of the cause whose signs this field's answers move the most."""
    best, code = 0.0, None
    for _answer, moves in sit.moves.get(name, []):
        for cause, move in sorted(moves.items()):
            if (among is None or cause in among) and abs(move) > best:
                best, code = abs(move), cause
    return _CAUSE_PASSAGES.get(code, "")


def _entropy(p: list[float]) -> float:
    return -sum(x * math.log2(x) for x in p if x > 0)


def _softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]


def information(
    answers: list[tuple[Any, Mapping[str, float]]], causes: list[str], scores: list[float]
) -> float:
    """Expected information (bits) an answer gives about which of `causes` it is."""
    t = float(kb.SCORING["temperature"])
    prior = _softmax([s / t for s in scores])
    # P(answer | cause): the answers a cause's signs favour are the likely ones.
    likelihood = []
    for c in causes:
        likelihood.append(_softmax([moves.get(c, 0.0) / t for _a, moves in answers]))
    gain = _entropy(prior)
    for a in range(len(answers)):
        joint = [prior[i] * likelihood[i][a] for i in range(len(causes))]
        p_answer = sum(joint)
        if p_answer > 0:
            gain -= p_answer * _entropy([j / p_answer for j in joint])
    return gain


def _separating(sit: Situation, taken: set[str]) -> list[NextQuestion]:
    painful = [e for e in sit.episode if e.get("pain", 1) > 0]
    if not painful:
        return []  # nothing hurts: there is nothing to tell apart
    newest = painful[-1]
    shown = [c.code for c in sit.causes[: int(kb.SCORING["leading_causes"])]]
    leading = shown if len(shown) >= 2 else list(sit.scores)
    scores = [sit.scores[c][0] for c in leading]
    noted = {n for e in sit.episode for n, s in e.get("_from", {}).items() if s.source == "note"}
    scored = []
    for name in kb.QUESTIONS:
        if name in taken or name in noted or _episode_answered(sit, name):
            continue
        if any(name in e and name not in e.get("_from", {}) for e in sit.episode):
            continue
        only_if = _ONLY_IF.get(name)
        if only_if is not None and not any(only_if(e)[0] for e in sit.episode):
            continue
        answers = sit.moves.get(name, [])
        if not answers:
            continue
        bits = information(answers, leading, scores)
        if bits >= float(kb.SCORING["min_information_bits"]):
            moved = [c for c in leading if any(m.get(c, 0.0) for _a, m in answers)]
            scored.append((-bits, name, moved))
    scored.sort(key=lambda item: (item[0], item[1]))
    questions = []
    for _bits, name, moved in scored[: int(kb.SCORING["max_questions"])]:
        names = [kb.CAUSE_NAMES[c] for c in moved[:3]]
        why = (
            "Your answer helps tell apart " + ", ".join(names[:-1]) + " and " + names[-1] + "."
            if len(names) > 1
            else "Your answer helps tell whether the pain fits " + names[0] + "."
            if names
            else "Your answer helps tell the possible causes apart."
        )
        scope = "episode" if name in kb.EPISODE_FIELDS else "entry"
        questions.append(
            _ask(
                sit,
                code=f"separate:{name}",
                kind="separate",
                fields=[name],
                question=question_text(name),
                why=why,
                entry=newest,
                scope=scope,
                separates=moved,
                passage=_passage_for(sit, name, moved),
            )
        )
    return questions


def _factor_questions(sit: Situation, taken: set[str]) -> list[NextQuestion]:
    painful = [e for e in sit.episode if e.get("pain", 1) > 0]
    top = int(kb.SCORING["leading_causes"])
    leading = {c.code for c in sit.causes[:top] if c.confidence != "weak"}
    if not painful or not leading:
        return []
    questions = []
    for factor in kb.FACTORS:
        if factor["kind"] != "entry":
            continue
        advice_for = [
            a
            for a in kb.ADVICE
            if factor["code"] in a["when"].get("factors", ())
            and leading & set(a["when"].get("causes", ()))
        ]
        if not advice_for:
            continue
        for name in sorted(fields_of(factor["when"])):
            if name in taken or any(name in e for e in sit.episode):
                continue
            questions.append(
                _ask(
                    sit,
                    code=f"factor:{name}",
                    kind="factor",
                    fields=[name],
                    question=question_text(name),
                    why=(
                        f"{factor['name']} can add to this pain, and the advice for it "
                        "depends on your answer."
                    ),
                    entry=painful[-1],
                    scope="entry",
                    passage=factor["passage"],
                )
            )
    return questions[: int(kb.SCORING["max_factor_questions"])]


def next_questions(sit: Situation) -> list[NextQuestion]:
    """Everything Fossa should ask now, in the order of the module docstring."""
    safety, confirm = _safety_and_confirm(sit)
    taken = {f for q in safety + confirm for f in q.fields}
    confirm += _note_questions(sit, taken)
    taken |= {f for q in confirm for f in q.fields}
    if sit.urgency == "emergency":  # go now: only what bears on the emergency
        return [q for q in safety + confirm if q.urgency == "emergency"]
    separate = _separating(sit, taken)
    taken |= {f for q in separate for f in q.fields}
    return safety + confirm + separate + _factor_questions(sit, taken)
