"""The emergency interrupt's endpoint (acknowledge) and what every page needs of it.

Templates get ``emergency_number()`` (the tel: link's number) and
``open_emergencies()`` (for the interrupt on /today and the badge on Insights)
as callables, so a page that shows neither pays nothing.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.emergency import numbers
from webapp.emergency.store import acknowledge, open_emergencies_now

bp = Blueprint("emergency", __name__)


@bp.app_context_processor
def emergency_helpers() -> dict[str, Any]:
    def emergency_number() -> str:
        if not current_user.is_authenticated:
            return numbers.FALLBACK
        return numbers.number_for(current_user.emergency_number, current_user.timezone)

    def open_emergencies() -> list[Any]:
        if not current_user.is_authenticated:
            return []
        return open_emergencies_now(current_user)

    return {"emergency_number": emergency_number, "open_emergencies": open_emergencies}


@bp.post("/emergency/acknowledge")
@login_required
def acknowledge_emergency() -> ResponseReturnValue:
    """The person has seen the warning: it leaves /today (the history keeps it)."""
    code = request.form.get("code", "").strip()
    raised_by = [key.strip() for key in request.form.getlist("raised_by") if key.strip()]
    if not code or not raised_by or len(raised_by) > 50:
        message = "Something was missing from that form: reload the page and try again."
        return render_template("errors/error.html", code=422, message=message), 422
    acknowledge(current_user, code, raised_by)
    # Acknowledging twice (two tabs) is fine: the warning is acknowledged either way.
    return redirect(url_for("diary.today"), code=303)
