"""The insights page and its JSON twin: what the diary suggests, and when to see a doctor."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.diary.store import local_today
from webapp.htmx import render_page_or_fragment
from webapp.insights import ADVICE_PREAMBLE, NOT_ENOUGH_TEXT, URGENCY_HEADLINES
from webapp.insights.cards import (
    FIT_STEPS,
    cause_cards,
    evidence_by_day,
    summarise_evidence,
    urgency_card,
)
from webapp.insights.from_diary import findings_for, story_for
from webapp.insights.knowledge import CAUSE_PLAIN_NAMES
from webapp.insights.story import Story
from webapp.questions.asking import questions_to_ask

bp = Blueprint("insights", __name__)


@bp.get("/insights")
@login_required
def index() -> ResponseReturnValue:
    today = local_today(current_user)
    findings = findings_for(current_user, today)
    return render_page_or_fragment(
        "insights/index.html",
        "insights/_findings.html",
        findings=findings,
        # Asked in place, answerable with one tap (webapp/questions/).
        questions=questions_to_ask(current_user, findings, today),
        origin="insights",
        headlines=URGENCY_HEADLINES,
        not_enough=NOT_ENOUGH_TEXT,
        advice_preamble=ADVICE_PREAMBLE,
    )


@bp.get("/api/insights")
@login_required
def api() -> ResponseReturnValue:
    return jsonify(findings_for(current_user))


# Template globals, not view arguments: insights/_findings.html is rendered by this
# view and by the answer to a question (webapp/questions/routes.py), and each must
# show the same cards and story without either having to remember to pass them.
@bp.app_template_global()
def insight_cards(findings: dict[str, Any]) -> dict[str, Any]:
    """The urgency card and the cause cards of /insights (webapp/insights/cards.py)."""
    return {
        "urgency": urgency_card(findings),
        "causes": cause_cards(findings),
        "factors": {
            f["code"]: summarise_evidence(f.get("evidence") or [])
            for f in findings.get("factors") or []
        },
        "fit_steps": FIT_STEPS,
        # The advice's "because" names causes as their cards do: plain words first.
        "plain_names": CAUSE_PLAIN_NAMES,
    }


bp.add_app_template_global(evidence_by_day, "evidence_by_day")


@bp.app_template_global()
def episode_story() -> Story | None:
    """The signed-in person's current episode in words and a mini chart."""
    return story_for(current_user, local_today(current_user))
