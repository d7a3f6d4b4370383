"""What one answer to one of Fossa's questions stores (pure: no Flask, no database).

A question (``NextQuestion.to_dict()`` form) lists its options, each
``{"label", "set": {field: value}}``. A tap picks one option; a question with
``multiple`` lets several signs combine, and its fields left unpicked are stored
as false (the person saw them and did not pick them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from webapp.diary import format as diary_format
from webapp.insights.knowledge import EPISODE_FIELDS

MAX_PICKS = 20


class AnswerError(ValueError):
    """An answer that cannot be stored; the message is for the person."""


def find_question(
    questions: Iterable[Mapping[str, Any]], code: str, entry_id: str | None = None
) -> Mapping[str, Any] | None:
    """The question with this code that Fossa asks now (for this entry, when given)."""
    for question in questions:
        if question.get("code") != code:
            continue
        if entry_id and question.get("scope") == "entry" and question.get("entry_id") != entry_id:
            continue
        return question
    return None


def parse_picks(raw: Iterable[Any], question: Mapping[str, Any]) -> list[int]:
    """The option numbers a form or JSON body picked, checked against the question."""
    picks: list[int] = []
    for value in raw:
        if isinstance(value, bool):
            raise AnswerError("Choose one of the answers shown.")
        try:
            number = int(str(value).strip())
        except ValueError as error:
            raise AnswerError("Choose one of the answers shown.") from error
        if not 0 <= number < len(question.get("options") or []):
            raise AnswerError("Choose one of the answers shown.")
        if number not in picks:
            picks.append(number)
    if not picks:
        raise AnswerError("Choose an answer, or skip the question.")
    if len(picks) > 1 and not question.get("multiple"):
        raise AnswerError("Choose one answer.")
    if len(picks) > MAX_PICKS:
        raise AnswerError("Choose fewer answers.")
    options = question["options"]
    if len(picks) > 1 and any(is_none_of_these(options[p]) for p in picks):
        raise AnswerError('"None of these" cannot go with another answer.')
    return picks


def is_none_of_these(option: Mapping[str, Any]) -> bool:
    """The one chip of a group that answers "no" to every field of it."""
    values = list((option.get("set") or {}).values())
    return bool(values) and all(v is False for v in values)


def values_for(question: Mapping[str, Any], picks: list[int]) -> dict[str, Any]:
    """The field values the picked options store."""
    values: dict[str, Any] = {}
    if question.get("multiple"):
        values = {field: False for field in question.get("fields") or []}
    for number in picks:
        values.update(question["options"][number].get("set") or {})
    return values


def check_episode_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Episode facts, each a field of the episode with a value it may hold."""
    clean: dict[str, Any] = {}
    for field, value in values.items():
        if field not in EPISODE_FIELDS:
            raise AnswerError("That answer does not belong to the injury as a whole.")
        if field in diary_format.ENUMS:
            if value not in diary_format.ENUMS[field]:
                raise AnswerError("Choose one of the answers shown.")
        elif not isinstance(value, bool):
            raise AnswerError("Answer yes or no.")
        clean[field] = value
    return clean


def merged_entry(entry: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """An entry (fossa-diary/1 dict) with the answered fields set (lists: the value added)."""
    merged = dict(entry)
    for field, value in values.items():
        if field in diary_format.LISTS and not isinstance(value, list | tuple):
            current = list(merged.get(field) or [])
            merged[field] = current if value in current else [*current, value]
        else:
            merged[field] = value
    return merged


def skip_key(question: Mapping[str, Any]) -> str:
    """What a skip remembers: a safety question about one entry is skipped for that
    entry only (a new entry that makes it relevant asks again); any other question
    for the rest of the episode."""
    if question.get("kind") == "safety" and question.get("scope") == "entry":
        return f"{question['code']}@{question.get('entry_id') or ''}"
    return str(question["code"])


def not_skipped(
    questions: Iterable[Mapping[str, Any]], skipped: Iterable[str]
) -> list[Mapping[str, Any]]:
    """The questions the person has not skipped, in the engine's order."""
    gone = set(skipped)
    return [q for q in questions if skip_key(q) not in gone]
