"""Diary pages: the quick log on /today, editing, deleting with undo, and the history.

Every page works as a plain form post; htmx makes the same URLs swap fragments.
"""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.diary import store
from webapp.diary.chart import build_pain_chart, flag_days_of
from webapp.diary.forms import DETAIL_GROUPS, EntryForm
from webapp.htmx import render_page_or_fragment, wants_fragment
from webapp.insights import URGENCY_HEADLINES, client_red_flag_rules
from webapp.insights.from_diary import (
    findings_for,
    flags_by_entry,
    flags_raised_by,
    red_flags_in,
)
from webapp.models import Entry
from webapp.validation import local_path

bp = Blueprint("diary", __name__)

CHART_RANGES = (30, 90)
UNDO_KEY = "undo_entry"


def _today() -> dt.date:
    return store.local_today(current_user)


def _today_context(form: EntryForm, saved: Entry | None = None) -> dict[str, Any]:
    today = _today()
    # The red flags the saved entry raises are shown with it, at once.
    raised = flags_raised_by(findings_for(current_user, today), saved.id) if saved else []
    return {
        "form": form,
        "groups": DETAIL_GROUPS,
        "saved": saved,
        "raised": raised,
        "headlines": URGENCY_HEADLINES,
        "live_rules": client_red_flag_rules(),
        "today": today,
        "todays_entries": store.entries_between(current_user, today, today)[::-1],
        "open_detail": request.args.get("detail"),
    }


@bp.get("/today")
@login_required
def today() -> ResponseReturnValue:
    form = EntryForm(formdata=None).fill_new(_today())
    saved = store.get_entry(current_user, request.args.get("saved", ""))
    return render_page_or_fragment(
        "diary/today.html", "diary/_log.html", **_today_context(form, saved)
    )


@bp.post("/entries")
@login_required
def create_entry() -> ResponseReturnValue:
    form = EntryForm()
    answers = form.check(_today())
    if answers is None:
        return render_page_or_fragment(
            "diary/today.html", "diary/_log.html", status=422, **_today_context(form)
        )
    try:
        entry, _created = store.save_new_entry(current_user, answers)
    except store.DayFull as full:
        form.date.errors = [*form.date.errors, str(full)]
        return render_page_or_fragment(
            "diary/today.html", "diary/_log.html", status=422, **_today_context(form)
        )
    if not wants_fragment():
        flash("Saved.", "success")
        return redirect(url_for("diary.today", saved=entry.id), code=303)
    fresh = EntryForm(formdata=None).fill_new(_today())
    return render_page_or_fragment(
        "diary/today.html", "diary/_log.html", status=201, **_today_context(fresh, entry)
    )


def _owned_entry(entry_id: str) -> Entry:
    entry = store.get_entry(current_user, entry_id)
    if entry is None:
        abort(404)
    return entry


@bp.get("/entries/<entry_id>")
@login_required
def show_entry(entry_id: str) -> ResponseReturnValue:
    entry = _owned_entry(entry_id)
    return render_page_or_fragment("diary/entry.html", "diary/_entry.html", entry=entry)


@bp.get("/entries/<entry_id>/edit")
@login_required
def edit_entry(entry_id: str) -> ResponseReturnValue:
    entry = _owned_entry(entry_id)
    form = EntryForm(formdata=None)
    form.load(entry.to_diary())
    return render_page_or_fragment(
        "diary/edit.html", "diary/_edit_form.html", entry=entry, form=form, groups=DETAIL_GROUPS
    )


@bp.post("/entries/<entry_id>")
@login_required
def update_entry(entry_id: str) -> ResponseReturnValue:
    entry = _owned_entry(entry_id)
    form = EntryForm()
    form.id.data = entry.id  # the id is the entry's identity; a form cannot change it
    answers = form.check(_today())
    if answers is None:
        return render_page_or_fragment(
            "diary/edit.html",
            "diary/_edit_form.html",
            status=422,
            entry=entry,
            form=form,
            groups=DETAIL_GROUPS,
        )
    try:
        store.update_entry(entry, answers)
    except store.DayFull as full:
        form.date.errors = [*form.date.errors, str(full)]
        return render_page_or_fragment(
            "diary/edit.html",
            "diary/_edit_form.html",
            status=422,
            entry=entry,
            form=form,
            groups=DETAIL_GROUPS,
        )
    if wants_fragment():
        return render_page_or_fragment("diary/entry.html", "diary/_entry.html", entry=entry)
    flash("Entry updated.", "success")
    # To the saved entry, which links back to the diary: never a dead end.
    return redirect(url_for("diary.show_entry", entry_id=entry.id), code=303)


@bp.post("/entries/<entry_id>/delete")
@login_required
def delete_entry(entry_id: str) -> ResponseReturnValue:
    entry = _owned_entry(entry_id)
    # Keep the answers in the (signed) session for one undo.
    session[UNDO_KEY] = entry.to_diary()
    store.delete_entry(entry)
    if wants_fragment():
        return render_page_or_fragment(
            "diary/entry.html", "diary/_deleted.html", entry_id=entry_id, day=entry.date
        )
    flash("Entry deleted.", "undo")
    return redirect(local_path(request.form.get("next"), url_for("diary.history")), code=303)


@bp.post("/entries/undo-delete")
@login_required
def undo_delete() -> ResponseReturnValue:
    answers = session.pop(UNDO_KEY, None)
    if not answers:
        abort(404)
    answers["date"] = dt.date.fromisoformat(answers["date"])
    entry = store.restore_entry(current_user, answers)
    if wants_fragment():
        return render_page_or_fragment("diary/entry.html", "diary/_entry.html", entry=entry)
    flash("Entry restored.", "success")
    return redirect(url_for("diary.history"), code=303)


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _parse_day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@bp.get("/diary")
@login_required
def history() -> ResponseReturnValue:
    before = _parse_day(request.args.get("before"))
    weeks = 4
    page, more = store.entries_page(current_user, before, days=7 * weeks)
    grouped = [
        (week, list(items)) for week, items in groupby(page, key=lambda e: _week_start(e.date))
    ]
    next_before = page[-1].date if page else None
    context = {
        "weeks": grouped,
        "more": more,
        "next_before": next_before,
        # A flag once raised stays visible beside the entry that raised it.
        "flags_of": flags_by_entry(current_user, page),
    }
    if before:
        # "Load more" asks only for the next weeks, as a fragment.
        return render_page_or_fragment("diary/history.html", "diary/_weeks.html", **context)
    days = request.args.get("range", type=int)
    days = days if days in CHART_RANGES else CHART_RANGES[0]
    end = _today()
    start = end - dt.timedelta(days=days - 1)
    # Fitted to the logged days, with the days a red flag was raised marked on it.
    chart = build_pain_chart(
        store.entries_between(current_user, start, end),
        start,
        end,
        fit=True,
        flag_days=flag_days_of(red_flags_in(current_user, start, end)),
    )
    if request.args.get("range") and wants_fragment():
        return render_page_or_fragment(
            "diary/history.html", "diary/_chart.html", chart=chart, days=days, ranges=CHART_RANGES
        )
    return render_page_or_fragment(
        "diary/history.html",
        "diary/history.html",
        chart=chart,
        days=days,
        ranges=CHART_RANGES,
        **context,
    )
