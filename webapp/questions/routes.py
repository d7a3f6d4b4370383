"""Answer endpoints of Fossa's questions: forms (htmx and plain) and JSON.

POST /questions/answer and /questions/skip take ``code``, ``entry_id`` (the entry
the question is about, when it has one), ``option`` (one or more option numbers)
and ``from`` ("today" or "insights": which fragment an htmx request gets back,
and where a plain form returns). The JSON twins under /api/questions/ answer with
the questions Fossa asks next. Bad input answers 422 with the reason; an entry
that is not the person's answers 404.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.diary import store as diary_store
from webapp.htmx import render_page_or_fragment, wants_fragment
from webapp.insights import ADVICE_PREAMBLE, NOT_ENOUGH_TEXT, URGENCY_HEADLINES
from webapp.insights.from_diary import findings_for
from webapp.questions import asking
from webapp.questions.answers import AnswerError

bp = Blueprint("questions", __name__)
api = Blueprint("questions_api", __name__, url_prefix="/api/questions")

AFTER_SAVING = 3  # questions shown right after saving an entry


def _origin() -> str:
    return "insights" if request.form.get("from") == "insights" else "today"


def _entry_id() -> str | None:
    value = (request.form.get("entry_id") or "").strip()
    return value or None


def _after_saving() -> str | None:
    """The entry just saved, when the questions are shown under it on /today."""
    value = (request.form.get("saved") or "").strip()
    return value if value and diary_store.get_entry(current_user, value) else None


def questions_context(origin: str, saved: str | None = None, **extra: Any) -> dict[str, Any]:
    """What templates/insights/_questions.html (and /insights around it) need."""
    today = diary_store.local_today(current_user)
    findings = findings_for(current_user, today)
    limit = AFTER_SAVING if origin == "today" else None
    return {
        "findings": findings,
        "questions": asking.questions_to_ask(current_user, findings, today, limit),
        "origin": origin,
        "saved_id": saved,
        "headlines": URGENCY_HEADLINES,
        "not_enough": NOT_ENOUGH_TEXT,
        "advice_preamble": ADVICE_PREAMBLE,
        **extra,
    }


def _respond(origin: str, status: int = 200, **extra: Any) -> ResponseReturnValue:
    saved = _after_saving()
    context = questions_context(origin, saved, **extra)
    if origin == "insights":
        return render_page_or_fragment(
            "insights/index.html", "insights/_findings.html", status=status, **context
        )
    return render_page_or_fragment(
        "questions/page.html", "questions/_after_answer.html", status=status, **context
    )


def _back(origin: str) -> ResponseReturnValue:
    if origin == "insights":
        return redirect(url_for("insights.index") + "#questions", code=303)
    saved = _after_saving()
    target = url_for("diary.today", saved=saved) if saved else url_for("diary.today")
    return redirect(target + "#questions", code=303)


@bp.post("/questions/answer")
@login_required
def answer() -> ResponseReturnValue:
    origin = _origin()
    code = request.form.get("code", "").strip()
    try:
        stored = asking.answer(
            current_user,
            diary_store.local_today(current_user),
            code,
            _entry_id(),
            request.form.getlist("option"),
        )
    except asking.EntryNotFound:
        abort(404)
    except AnswerError as error:
        return _respond(origin, 422, error=str(error), error_code=code)
    if not wants_fragment():
        flash("Thank you: saved.", "success")
        return _back(origin)
    return _respond(origin, answered=stored.question["question"])


@bp.post("/questions/skip")
@login_required
def skip() -> ResponseReturnValue:
    origin = _origin()
    code = request.form.get("code", "").strip()
    try:
        asking.skip(current_user, diary_store.local_today(current_user), code, _entry_id())
    except asking.EntryNotFound:
        abort(404)
    except AnswerError as error:
        return _respond(origin, 422, error=str(error), error_code=code)
    if not wants_fragment():
        return _back(origin)
    return _respond(origin)


# ------------------------------------------------------------ JSON
def _json_body() -> dict[str, Any] | None:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _json_next() -> dict[str, Any]:
    today = diary_store.local_today(current_user)
    findings = findings_for(current_user, today)
    return {
        "urgency": findings["urgency"],
        "next_questions": asking.questions_to_ask(current_user, findings, today),
    }


def _json_fields(body: dict[str, Any]) -> tuple[str, str | None]:
    code = body.get("code")
    entry_id = body.get("entry_id")
    if not isinstance(code, str) or (entry_id is not None and not isinstance(entry_id, str)):
        raise AnswerError("Send the question's code (and entry_id) as text.")
    return code.strip(), (entry_id or None)


@api.post("/answer")
@login_required
def answer_json() -> ResponseReturnValue:
    """{code, entry_id?, options: [n, ...]} -> 200 {stored, scope, urgency, next_questions}."""
    body = _json_body()
    if body is None:
        return jsonify({"errors": {"answer": ["Send one answer as a JSON object."]}}), 400
    options = body.get("options")
    try:
        code, entry_id = _json_fields(body)
        if not isinstance(options, list):
            raise AnswerError("Send the picked options as a list of numbers.")
        stored = asking.answer(
            current_user, diary_store.local_today(current_user), code, entry_id, options
        )
    except asking.EntryNotFound:
        abort(404)
    except AnswerError as error:
        return jsonify({"errors": {"answer": [str(error)]}}), 422
    return jsonify(
        {
            "stored": stored.values,
            "scope": stored.question.get("scope"),
            "entry_id": stored.entry.id if stored.entry else None,
            **_json_next(),
        }
    )


@api.post("/skip")
@login_required
def skip_json() -> ResponseReturnValue:
    """{code, entry_id?} -> 200 {urgency, next_questions}."""
    body = _json_body()
    if body is None:
        return jsonify({"errors": {"answer": ["Send the question as a JSON object."]}}), 400
    try:
        code, entry_id = _json_fields(body)
        asking.skip(current_user, diary_store.local_today(current_user), code, entry_id)
    except asking.EntryNotFound:
        abort(404)
    except AnswerError as error:
        return jsonify({"errors": {"answer": [str(error)]}}), 422
    return jsonify(_json_next())
