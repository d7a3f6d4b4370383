"""Storing an answer to one of Fossa's questions, or a skip, for one person.

The question must be one the engine asks this person now (``next_questions`` of
their findings): a form can never store a value Fossa did not offer. Answers of
scope "entry" go into that entry, those of scope "episode" into the current
episode (started when needed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from webapp.diary import format as diary_format
from webapp.diary import store as diary_store
from webapp.extensions import db
from webapp.insights.from_diary import findings_for
from webapp.models import Entry, User
from webapp.questions import episodes
from webapp.questions.answers import (
    AnswerError,
    check_episode_values,
    find_question,
    is_none_of_these,
    merged_entry,
    not_skipped,
    parse_picks,
    skip_key,
    values_for,
)

GONE = "This question has been answered already, or no longer applies."


class EntryNotFound(LookupError):
    """The entry named is not one of this person's (answers 404)."""


@dataclass
class Stored:
    question: dict[str, Any]
    values: dict[str, Any]
    entry: Entry | None


def questions_to_ask(
    user: User, findings: dict[str, Any], today: dt.date, limit: int | None = None
) -> list[dict[str, Any]]:
    """The engine's next questions the person has not skipped, most important first."""
    skipped = episodes.skipped_of(episodes.current_episode(user, today))
    asked = []
    for question in not_skipped(findings.get("next_questions") or [], skipped)[:limit]:
        options = [{**o, "none": is_none_of_these(o)} for o in question.get("options") or []]
        asked.append({**question, "options": options})
    return asked


def _asked_now(user: User, today: dt.date, code: str, entry_id: str | None) -> dict[str, Any]:
    if entry_id is not None and diary_store.get_entry(user, entry_id) is None:
        raise EntryNotFound(entry_id)
    if not code:
        raise AnswerError("Something was missing from that form: reload the page and try again.")
    question = find_question(findings_for(user, today)["next_questions"], code, entry_id)
    if question is None:
        raise AnswerError(GONE)
    return dict(question)


def answer(
    user: User, today: dt.date, code: str, entry_id: str | None, raw_picks: list[Any]
) -> Stored:
    """Store the picked options of question ``code``; raises AnswerError or EntryNotFound."""
    question = _asked_now(user, today, code, entry_id)
    values = values_for(question, parse_picks(raw_picks, question))
    if question.get("scope") == "episode":
        episode = episodes.episode_for_answers(user, today)
        episodes.set_facts(episode, check_episode_values(values))
        db.session.commit()
        return Stored(question, values, None)
    entry = diary_store.get_entry(user, question.get("entry_id") or "")
    if entry is None:
        raise AnswerError(GONE)
    checked = diary_format.validate_entry(merged_entry(entry.to_diary(), values), today=today)
    if not checked.ok:
        message = next(iter(checked.errors.values()))[0]
        raise AnswerError(f"That answer could not be stored: {message}")
    diary_store.update_entry(entry, checked.entry)
    return Stored(question, values, entry)


def skip(user: User, today: dt.date, code: str, entry_id: str | None) -> dict[str, Any]:
    """Remember that the person skipped question ``code`` (see answers.skip_key)."""
    question = _asked_now(user, today, code, entry_id)
    episode = episodes.episode_for_answers(user, today)
    episodes.remember_skip(episode, skip_key(question))
    db.session.commit()
    return question
