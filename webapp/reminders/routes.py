"""The reminders page (settings, devices, test, calendar feed) and the CLI.

Every control works as a plain form post; htmx swaps the part that changed, and
static/js/reminders.js adds what needs the browser: asking for permission and
subscribing this device to Web Push after the person switches reminders on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required
from flask_sqlalchemy.session import Session as FlaskSQLAlchemySession

from webapp.diary.store import local_today
from webapp.extensions import limiter
from webapp.htmx import render_page_or_fragment, wants_fragment
from webapp.reminders import due_times, store
from webapp.reminders.calendar import reminder_calendar
from webapp.reminders.cli import reminders_cli
from webapp.reminders.delivery import send_test_notification
from webapp.reminders.forms import ReminderForm
from webapp.reminders.subscriptions import device_label

bp = Blueprint("reminders", __name__, url_prefix="/reminders")

WORKER_SCRIPT = "/static/js/sw-push.js"


@bp.record_once
def _setup(state: BlueprintSetupState) -> None:
    # The PWA's service worker importScripts() each of these (contract with pwa/).
    scripts = state.app.config.setdefault("WORKER_SCRIPTS", [])
    if WORKER_SCRIPT not in scripts:
        scripts.append(WORKER_SCRIPT)
    state.app.cli.add_command(reminders_cli)
    # next_due_at follows every change of settings or timezone, from any blueprint.
    due_times.install(FlaskSQLAlchemySession)


def _context(form: ReminderForm | None = None, **extra: Any) -> dict[str, Any]:
    settings = store.settings_of(current_user)
    if form is None:
        form = ReminderForm(formdata=None).load(settings, current_user.timezone)
    devices = [
        {"id": s.id, "label": device_label(s.user_agent), "subscription": s}
        for s in store.subscriptions_of(current_user.id)
    ]
    context: dict[str, Any] = {
        "form": form,
        "settings": settings,
        "devices": devices,
        "calendar_url": None,
        "test_results": None,
    }
    context.update(extra)
    return context


@bp.get("")
@login_required
def settings() -> ResponseReturnValue:
    return render_page_or_fragment(
        "reminders/settings.html", "reminders/settings.html", **_context()
    )


@bp.post("")
@login_required
def save_settings() -> ResponseReturnValue:
    form = ReminderForm()
    values = form.check()
    if values is None:
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_form.html", status=422, **_context(form)
        )
    store.save_settings(current_user, values)
    if wants_fragment():
        # "Send me a daily reminder" may have changed: the status card follows.
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_form_and_status.html", **_context(saved=True)
        )
    flash("Reminder settings saved.", "success")
    return redirect(url_for("reminders.settings"), code=303)


def _after_switch(message: str) -> ResponseReturnValue:
    if wants_fragment():
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_status_and_form.html", **_context()
        )
    flash(message, "success")
    return redirect(url_for("reminders.settings"), code=303)


@bp.post("/on")
@login_required
def turn_on() -> ResponseReturnValue:
    store.set_enabled(current_user, True)
    return _after_switch("Daily reminders are on.")


@bp.post("/off")
@login_required
def turn_off() -> ResponseReturnValue:
    store.set_enabled(current_user, False)
    return _after_switch("Daily reminders are off.")


@bp.post("/devices/<int:subscription_id>/delete")
@login_required
def remove_device(subscription_id: int) -> ResponseReturnValue:
    subscription = store.get_subscription(current_user, subscription_id)
    if subscription is None:
        abort(404)
    store.delete_subscription(subscription)
    if wants_fragment():
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_devices.html", **_context()
        )
    flash("Device removed: it gets no more reminders.", "success")
    return redirect(url_for("reminders.settings"), code=303)


@bp.post("/test")
@login_required
@limiter.limit("6 per minute")
def send_test() -> ResponseReturnValue:
    results = send_test_notification(current_user.id, local_today(current_user))
    if wants_fragment():
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_devices.html", **_context(test_results=results)
        )
    delivered = sum(result.delivered for result in results)
    if not results:
        flash(
            "No device is set up for reminders yet. Open this page on the device that "
            "should get them and switch reminders on there.",
            "error",
        )
    elif delivered:
        devices = "device" if len(results) == 1 else "devices"
        flash(f"Test notification sent to {delivered} of {len(results)} {devices}.", "success")
    else:
        flash("The test notification could not be delivered. Try again later.", "error")
    return redirect(url_for("reminders.settings"), code=303)


@bp.post("/calendar")
@login_required
def create_calendar() -> ResponseReturnValue:
    token = store.new_calendar_token(current_user)
    calendar_url = url_for("reminders.calendar_feed", token=token, _external=True)
    # The secret is stored hashed, so this answer is the one place it is shown.
    return render_page_or_fragment(
        "reminders/settings.html",
        "reminders/_calendar.html",
        **_context(calendar_url=calendar_url),
    )


@bp.post("/calendar/revoke")
@login_required
def revoke_calendar() -> ResponseReturnValue:
    store.revoke_calendar_token(current_user)
    if wants_fragment():
        return render_page_or_fragment(
            "reminders/settings.html", "reminders/_calendar.html", **_context()
        )
    flash("The calendar link no longer works.", "success")
    return redirect(url_for("reminders.settings"), code=303)


def calendar_uid(secret_key: str, user_id: int) -> str:
    """The event's UID: stable for a person, but it says nothing about them.

    (It used to carry the sequential user id, which told anyone holding the
    feed how many accounts there are and which one this is.)
    """
    digest = hmac.new(secret_key.encode(), f"calendar-uid:{user_id}".encode(), hashlib.sha256)
    return f"daily-reminder-{digest.hexdigest()[:32]}@fossa"


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str) -> ResponseReturnValue:
    """The private feed: no login (calendar apps cannot log in), the secret URL is the key."""
    found = store.settings_for_calendar_token(token)
    if found is None:
        abort(404)
    settings, user = found
    starts_on = (settings.updated_at or dt.datetime.now(dt.UTC)).date()
    text = reminder_calendar(
        enabled=settings.enabled,
        local_time=settings.local_time,
        timezone=user.timezone,
        days_mask=settings.days_mask,
        uid=calendar_uid(current_app.config["SECRET_KEY"], user.id),
        url=url_for("diary.today", _external=True),
        starts_on=starts_on,
        stamp=dt.datetime.now(dt.UTC),
    )
    response = Response(text, mimetype="text/calendar")
    response.headers["Content-Disposition"] = 'inline; filename="fossa-reminder.ics"'
    # The URL is a secret: keep it out of shared caches and referrers.
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
