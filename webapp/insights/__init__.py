"""The insights engine: reads a fossa-diary/1 log and says what fits, why, and how urgent.

Pure Python (no Flask, no SQLAlchemy), so the web views, the CLI and tests share it.
"""

from __future__ import annotations

from webapp.insights.engine import (
    client_note_phrases,
    client_red_flag_rules,
    client_safety_screens,
    evaluate,
    red_flags_between,
    red_flags_by_day,
)
from webapp.insights.episode import (
    clean_episode_facts,
    current_episode,
    episode_facts_for,
    episodes_from_diary,
    episodes_to_diary,
)
from webapp.insights.findings import (
    Advice,
    Cause,
    Evidence,
    Factor,
    Findings,
    NextQuestion,
    RedFlag,
)
from webapp.insights.knowledge import (
    ADVICE_PREAMBLE,
    CAUSE_NAMES,
    DISCLAIMER,
    EPISODE_FIELDS,
    FACTOR_NAMES,
    NOT_ENOUGH_TEXT,
    QUESTIONS,
    RED_FLAG_TITLES,
    URGENCY_HEADLINES,
    URGENCY_ORDER,
    URGENCY_WORDING,
)

__all__ = [
    "ADVICE_PREAMBLE",
    "CAUSE_NAMES",
    "DISCLAIMER",
    "EPISODE_FIELDS",
    "FACTOR_NAMES",
    "NOT_ENOUGH_TEXT",
    "QUESTIONS",
    "RED_FLAG_TITLES",
    "URGENCY_HEADLINES",
    "URGENCY_ORDER",
    "URGENCY_WORDING",
    "Advice",
    "Cause",
    "Evidence",
    "Factor",
    "Findings",
    "NextQuestion",
    "RedFlag",
    "clean_episode_facts",
    "client_note_phrases",
    "client_red_flag_rules",
    "client_safety_screens",
    "current_episode",
    "episode_facts_for",
    "episodes_from_diary",
    "episodes_to_diary",
    "evaluate",
    "red_flags_between",
    "red_flags_by_day",
]
