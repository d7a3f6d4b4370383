"""The JSON entry API, used by the offline queue: idempotent on the client's id."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.diary import format as diary_format
from webapp.diary import store

bp = Blueprint("diary_api", __name__, url_prefix="/api")


@bp.post("/entries")
@login_required
def create_entry() -> ResponseReturnValue:
    """201 with the stored entry when new; 200 with the same entry on a replay."""
    payload = request.get_json(silent=True)
    if payload is None:
        return jsonify({"errors": {"entry": ["Send one entry as a JSON object."]}}), 400
    checked = diary_format.validate_entry(payload, today=store.local_today(current_user))
    if not checked.ok:
        return jsonify({"errors": checked.errors}), 422
    try:
        entry, created = store.save_new_entry(current_user, checked.entry)
    except store.DayFull as full:
        return jsonify({"errors": {"date": [str(full)]}}), 422
    return jsonify(entry.to_diary()), 201 if created else 200


@bp.get("/entries")
@login_required
def list_entries() -> ResponseReturnValue:
    since_raw = request.args.get("since")
    since = None
    if since_raw:
        try:
            since = dt.date.fromisoformat(since_raw)
        except ValueError:
            return jsonify({"errors": {"since": ["Use a date like 2026-11-25."]}}), 422
    entries = store.entries_between(current_user, since)
    return jsonify(store.export_diary(current_user, entries))
