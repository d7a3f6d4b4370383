"""JSON for the reminders page's script: push subscriptions, the VAPID key, settings.

Session auth plus the X-CSRFToken header (Flask-WTF checks it on every change).
Bad values answer 422 with ``{"errors": {field: [messages]}}``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.reminders import store
from webapp.reminders.delivery import vapid_keys
from webapp.reminders.schedule import mask_to_days
from webapp.reminders.settings import check_settings
from webapp.reminders.subscriptions import (
    check_subscription,
    parse_allowed_origins,
    parse_endpoint,
)

bp = Blueprint("reminders_api", __name__, url_prefix="/api")


def _json_object() -> dict[str, Any] | None:
    payload = request.get_json(silent=True)
    return payload if isinstance(payload, dict) else None


def _settings_json() -> dict[str, Any]:
    settings = store.settings_of(current_user)
    return {
        "enabled": settings.enabled,
        "time": settings.local_time.strftime("%H:%M"),
        "timezone": current_user.timezone,
        "days": mask_to_days(settings.days_mask),
        "skip_if_logged": settings.skip_if_logged,
    }


@bp.get("/push/vapid-public-key")
@login_required
def vapid_public_key() -> ResponseReturnValue:
    return jsonify({"publicKey": vapid_keys().public_key})


@bp.post("/push/subscriptions")
@login_required
def add_subscription() -> ResponseReturnValue:
    """201 for a new endpoint, 200 when the endpoint was already stored (idempotent)."""
    payload = _json_object()
    if payload is None:
        return jsonify({"errors": {"subscription": ["Send the subscription as JSON."]}}), 400
    allowed = parse_allowed_origins(current_app.config.get("PUSH_ALLOWED_ORIGINS"))
    checked = check_subscription(payload, allowed)
    if not checked.ok:
        return jsonify({"errors": checked.errors}), 422
    try:
        subscription, created = store.save_subscription(
            current_user,
            checked.endpoint,
            checked.p256dh,
            checked.auth,
            request.headers.get("User-Agent"),
        )
    except store.EndpointTaken:
        message = "This push subscription belongs to another browser. Subscribe again."
        return jsonify({"errors": {"endpoint": [message]}}), 409
    return jsonify({"id": subscription.id, "endpoint": subscription.endpoint}), (
        201 if created else 200
    )


@bp.delete("/push/subscriptions")
@login_required
def delete_subscription() -> ResponseReturnValue:
    payload = _json_object()
    endpoint = payload.get("endpoint") if payload else None
    if not isinstance(endpoint, str) or not endpoint:
        return jsonify({"errors": {"endpoint": ["Say which endpoint to remove."]}}), 422
    parsed = parse_endpoint(endpoint)
    if not store.delete_subscription_by_endpoint(current_user, parsed.url if parsed else endpoint):
        return jsonify({"error": "Not found."}), 404
    return "", 204


@bp.get("/reminder")
@login_required
def get_reminder() -> ResponseReturnValue:
    return jsonify(_settings_json())


@bp.put("/reminder")
@login_required
def put_reminder() -> ResponseReturnValue:
    payload = _json_object()
    if payload is None:
        return jsonify({"errors": {"settings": ["Send the settings as a JSON object."]}}), 400
    checked = check_settings(payload)
    if not checked.ok:
        return jsonify({"errors": checked.errors}), 422
    store.save_settings(current_user, checked.values)
    return jsonify(_settings_json())
