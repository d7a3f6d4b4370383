"""What the engine returns: plain dataclasses that turn into JSON-ready dicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One answer on one day that raised (or weighed against) a finding.

    ``source`` says where the value came from: ``"answer"`` (a recorded answer, or an
    episode fact) or ``"note"`` (read from the entry's free text; ``quote`` then holds
    the words of the note, and ``note`` reads "from your note of <day>: '<words>'").
    """

    date: str
    entry_id: str | None
    field: str
    value: Any
    note: str
    source: str = "answer"  # "answer" | "note"
    quote: str | None = None


@dataclass(frozen=True)
class RedFlag:
    code: str
    urgency: str
    title: str
    advice: str
    passage: str
    evidence: list[Evidence]


@dataclass(frozen=True)
class Cause:
    code: str
    name: str
    score: float
    confidence: str  # "likely" | "possible" | "weak"
    evidence_for: list[Evidence]
    evidence_against: list[Evidence]
    passage: str


@dataclass(frozen=True)
class Factor:
    code: str
    name: str
    evidence: list[Evidence]
    passage: str


@dataclass(frozen=True)
class Advice:
    code: str
    text: str
    passage: str
    # Codes of the causes and factors (or the entry field) that made this advice fit.
    because: list[str]


@dataclass(frozen=True)
class NextQuestion:
    """One thing Fossa asks, with what each tap stores.

    ``code`` is stable ("safety:dvt_calf_signs", "confirm_note:calf_swelling",
    "separate:onset", "factor:load_change"); ``kind`` is "safety", "confirm_note",
    "separate" or "factor". ``fields`` is never empty; ``field`` is set only when the
    question asks one field (then ``fields == [field]``). Each option is
    ``{"label": str, "set": {field: value}}``: what one tap stores (Yes / No for a
    yes/no field, a chip per value for a choice, a chip per sign plus "None of these"
    for a group). ``multiple``: the chips may be combined; a group field left unpicked
    is stored as false, and for a list field (``provoked_by``) the picked chips' lists
    are joined ("None of these" stores ``[]``).
    ``scope`` "entry" means the answer belongs to the entry ``entry_id`` of ``date``
    (the newest entry that made the question relevant); "episode" means it belongs
    to the injury and counts for every entry of the current episode. ``urgency`` is
    the urgency of the red flag a safety or confirm question screens for.
    """

    code: str
    kind: str  # "safety" | "confirm_note" | "separate" | "factor"
    field: str | None
    fields: list[str]
    question: str
    why: str = ""
    options: list[dict[str, Any]] = field(default_factory=list)
    multiple: bool = False
    scope: str = "entry"  # "entry" | "episode"
    entry_id: str | None = None
    date: str | None = None
    urgency: str | None = None
    separates: list[str] = field(default_factory=list)
    passage: str = ""


@dataclass(frozen=True)
class Findings:
    """The engine's reading of a diary on one day; `to_dict()` is the JSON form."""

    today: str
    urgency: str
    urgency_text: str
    red_flags: list[RedFlag] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    advice: list[Advice] = field(default_factory=list)
    next_questions: list[NextQuestion] = field(default_factory=list)
    enough_to_go_on: bool = False
    disclaimer: str = ""
    entries_considered: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: only str, int, float, bool, None, lists and dicts."""
        return asdict(self)
