"""Diary pages: the quick log on /today, editing, deleting with undo, and the history.

Every page works as a plain form post; htmx makes the same URLs swap fragments.
"""

from __future__ import annotations

import datetime as dt
import functools
from itertools import groupby
from typing import Any

from flask import Blueprint, abort, flash, make_response, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from webapp.diary import as_last_time, days, store
from webapp.diary.chart import build_pain_chart, flag_days_of
from webapp.diary.days import shift as shift_day
from webapp.diary.forms import DETAIL_GROUPS, EntryForm
from webapp.htmx import render_page_or_fragment, wants_fragment
from webapp.insights import (
    URGENCY_HEADLINES,
    client_note_phrases,
    client_red_flag_rules,
    client_safety_screens,
)
from webapp.insights.from_diary import (
    LOOKBACK_DAYS,
    findings_for,
    flags_by_entry,
    flags_raised_by,
    red_flags_in,
)
from webapp.models import Entry
from webapp.questions.asking import questions_to_ask
from webapp.questions.episodes import current_episode, facts_of
from webapp.validation import local_path

bp = Blueprint("diary", __name__)

CHART_RANGES = (30, 90)
AFTER_SAVING = 3  # questions shown right after saving
NOTES_LANGUAGE = "en"  # the pages are English; the notes reader has other tables too


@functools.cache
def _live_rules_json() -> Markup:
    """The engine's client red-flag rules as JSON for the page, made once per process
    (they are generated from the knowledge data, which does not change while it runs)."""
    return htmlsafe_json_dumps(client_red_flag_rules())


@functools.cache
def _safety_screens_json() -> Markup:
    """The safety screens the form asks inline, as JSON; fixed while the process runs."""
    return htmlsafe_json_dumps(client_safety_screens())


@functools.cache
def _note_phrases_json() -> Markup:
    """The notes reader's phrase table for the page; fixed while the process runs."""
    return htmlsafe_json_dumps(client_note_phrases(NOTES_LANGUAGE))


def warm_up() -> None:
    """Build what /today embeds before a worker's first request (webapp/warm_up.py)."""
    _live_rules_json()
    _safety_screens_json()
    _note_phrases_json()


def _today() -> dt.date:
    return store.local_today(current_user)


def _today_context(
    form: EntryForm,
    saved: Entry | None = None,
    *,
    recent: list[Entry] | None = None,
    adding: bool = False,
) -> dict[str, Any]:
    today = _today()
    recent = _recent_entries(today) if recent is None else recent
    # The red flags the saved entry raises are shown with it, at once, and under it
    # the next questions Fossa asks (webapp/questions/).
    findings = findings_for(current_user, today) if saved else None
    raised = flags_raised_by(findings, saved.id) if findings and saved else []
    questions = questions_to_ask(current_user, findings, today, AFTER_SAVING) if findings else []
    todays_entries = [e for e in recent if e.date == today][::-1]
    # Logged today already: the page opens on what was logged ("done"), the form one
    # tap away ("Add another"); a form sent back with errors is never hidden, and after
    # saving an earlier day (catching up) the form stays, still on that day.
    backdated = saved is not None and saved.date != today
    done = bool(todays_entries) and not adding and not form.errors and not backdated
    return {
        "form": form,
        "groups": DETAIL_GROUPS,
        "saved": saved,
        "raised": raised,
        "questions": questions,
        "origin": "today",
        "saved_id": saved.id if saved else None,
        "headlines": URGENCY_HEADLINES,
        "live_rules": _live_rules_json(),
        "safety_screens": _safety_screens_json(),
        # Facts of the injury already known are not asked again on the form.
        "episode_facts": facts_of(current_episode(current_user, today)),
        "note_phrases": _note_phrases_json(),
        "today": today,
        "todays_entries": todays_entries,
        "todays_flags": flags_by_entry(current_user, todays_entries) if todays_entries else {},
        "done": done,
        # Named for the cached form fragment to key on (webapp/fragment_cache.py).
        "carried": getattr(form, "carried", ()),
        "open_detail": request.args.get("detail"),
    }


def _recent_entries(today: dt.date) -> list[Entry]:
    """The entries of the current episode's last stretch, oldest first: what the new
    form starts with and today's summary both come from them."""
    return store.entries_between(
        current_user, shift_day(today, 1 - as_last_time.EPISODE_GAP_DAYS), shift_day(today, 1)
    )


_CARRIED = as_last_time.carried_fields(
    name for _key, _title, names in DETAIL_GROUPS for name in names
)


def _new_form(day: dt.date, recent: list[Entry]) -> EntryForm:
    """A fresh form on ``day``: the knee and the steady details as last time in this
    episode (the form says so), activities most recent first."""
    form = EntryForm(formdata=None).fill_new(day)
    diaries = [entry.to_diary() for entry in recent]
    start = as_last_time.starting_answers(as_last_time.last_of_episode(diaries, _today()), _CARRIED)
    for name, value in start.items():
        form[name].data = ("yes" if value else "no") if isinstance(value, bool) else value
    form.carried = tuple(name for name in start if name != "side")
    form.activity.choices = list(
        as_last_time.recent_first(dict(form.activity.choices), diaries).items()
    )
    return form


@bp.get("/today")
@login_required
def today() -> ResponseReturnValue:
    saved = store.get_entry(current_user, request.args.get("saved", ""))
    recent = _recent_entries(_today())
    # Catching up on several days: the next entry starts on the day just saved.
    form = _new_form(_next_day_to_log(saved), recent)
    return render_page_or_fragment(
        "diary/today.html",
        "diary/_log.html",
        **_today_context(form, saved, recent=recent, adding=bool(request.args.get("add"))),
    )


@bp.post("/entries")
@login_required
def create_entry() -> ResponseReturnValue:
    form = EntryForm()
    answers = form.check(_today())
    if answers is None:
        response = render_page_or_fragment(
            "diary/today.html", "diary/_log.html", status=422, **_today_context(form)
        )
        return _naming_entry(response, form.id.data)
    try:
        entry, _created = store.save_new_entry(current_user, answers)
    except store.DayFull as full:
        form.date.errors = [*form.date.errors, str(full)]
        response = render_page_or_fragment(
            "diary/today.html", "diary/_log.html", status=422, **_today_context(form)
        )
        return _naming_entry(response, form.id.data)
    if not wants_fragment():
        flash("Saved.", "success")
        return redirect(url_for("diary.today", saved=entry.id), code=303)
    recent = _recent_entries(_today())
    fresh = _new_form(_next_day_to_log(entry), recent)
    response = render_page_or_fragment(
        "diary/today.html",
        "diary/_log.html",
        status=201,
        **_today_context(fresh, entry, recent=recent),
    )
    return _naming_entry(response, entry.id)


def _naming_entry(response: ResponseReturnValue, entry_id: str | None) -> ResponseReturnValue:
    """Name the entry this answer is about: the page's offline queue lets an entry go
    only when the answer to the request that carried it names its id (stored: 200/201;
    read and refused: 422), never because some page came back."""
    if entry_id:
        response = make_response(response)
        response.headers["X-Fossa-Entry-Id"] = entry_id
    return response


def _next_day_to_log(saved: Entry | None) -> dt.date:
    """The day the fresh form starts on: the day just saved (when within the bounds)."""
    today = _today()
    if saved and days.out_of_bounds(saved.date, today) is None:
        return saved.date
    return today


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
        "diary/edit.html",
        "diary/_edit_form.html",
        entry=entry,
        form=form,
        groups=DETAIL_GROUPS,
        today=_today(),
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
            today=_today(),
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
    # Deleted softly, on the server: the session holds nothing of the entry, and only
    # its owner can restore it, for store.RESTORE_WINDOW.
    store.delete_entry(entry)
    if wants_fragment():
        return render_page_or_fragment(
            "diary/entry.html", "diary/_deleted.html", entry_id=entry.id, day=entry.date
        )
    flash("Entry deleted.", "undo")
    return redirect(local_path(request.form.get("next"), url_for("diary.history")), code=303)


@bp.post("/entries/<entry_id>/restore")
@login_required
def restore_entry(entry_id: str) -> ResponseReturnValue:
    entry = store.restore_entry(current_user, entry_id)
    if entry is None:
        # Not this person's, never deleted, or past the window: nothing to put back.
        if wants_fragment():
            return render_page_or_fragment(
                "diary/entry.html", "diary/_undo_gone.html", entry_id=entry_id, status=404
            )
        abort(404)
    if wants_fragment():
        return render_page_or_fragment("diary/entry.html", "diary/_entry.html", entry=entry)
    flash("Entry restored.", "success")
    return redirect(url_for("diary.history"), code=303)


@bp.app_context_processor
def _undo_context() -> dict[str, Any]:
    def last_deleted_entry() -> Entry | None:
        """The entry the signed-in person deleted last, while it can still be restored."""
        if not current_user.is_authenticated:
            return None
        return store.last_deleted(current_user)

    return {"last_deleted_entry": last_deleted_entry}


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
    days = request.args.get("range", type=int)
    days = days if days in CHART_RANGES else CHART_RANGES[0]
    end = _today()
    start = end - dt.timedelta(days=days - 1)
    # Each entry is read once: the page, then only what the red flags (of the page
    # and of the chart's days) look back at before it. The chart's days lie inside
    # those two: without "before", nothing is newer than the page.
    earlier: list[Entry] = []
    if page:
        oldest = page[-1].date
        first = min(oldest, start) if not before else oldest
        earlier = store.entries_between(
            current_user, shift_day(first, -LOOKBACK_DAYS), shift_day(oldest, -1)
        )
    read = earlier + page[::-1]  # oldest first
    grouped = [
        (week, list(items)) for week, items in groupby(page, key=lambda e: _week_start(e.date))
    ]
    next_before = page[-1].date if page else None
    context = {
        "weeks": grouped,
        "more": more,
        "next_before": next_before,
        # A flag once raised stays visible beside the entry that raised it.
        "flags_of": flags_by_entry(current_user, page, read),
    }
    if before:
        # "Load more" asks only for the next weeks, as a fragment.
        return render_page_or_fragment("diary/history.html", "diary/_weeks.html", **context)
    # Fitted to the logged days, with the days a red flag was raised marked on it.
    chart = build_pain_chart(
        [e for e in read if start <= e.date <= end],
        start,
        end,
        fit=True,
        flag_days=flag_days_of(red_flags_in(current_user, start, end, read)),
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
