"""What the engine returns: plain dataclasses that turn into JSON-ready dicts."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One answer on one day that raised (or weighed against) a finding."""

    date: str
    entry_id: str | None
    field: str
    value: Any
    note: str


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
    field: str
    question: str
    separates: list[str]


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
