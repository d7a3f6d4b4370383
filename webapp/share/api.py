"""The share-link JSON API: create, list (with accesses) and revoke links.

Session auth plus the X-CSRFToken header, like the rest of the JSON API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from webapp.models import ShareLink
from webapp.share import links
from webapp.share import store as share_store

bp = Blueprint("share_api", __name__, url_prefix="/api")


def link_json(link: ShareLink) -> dict[str, Any]:
    return {
        "id": link.id,
        "label": link.label,
        "created_at": links.iso_utc(link.created_at),
        "expires_at": links.iso_utc(link.expires_at),
        "revoked_at": links.iso_utc(link.revoked_at) if link.revoked_at else None,
        "state": links.link_state(link.expires_at, link.revoked_at, dt.datetime.now(dt.UTC)),
        "accesses": [
            {
                "accessed_at": links.iso_utc(access.accessed_at),
                "browser_family": access.browser_family,
                "path": access.path,
            }
            for access in link.accesses
        ],
    }


@bp.post("/share-links")
@login_required
def create_link() -> ResponseReturnValue:
    payload = request.get_json(silent=True)
    if payload is None:
        payload = {} if not request.get_data() else None
    clean, errors = links.validate_link_request(payload)
    if errors:
        return jsonify({"errors": errors}), 422
    try:
        link, token = share_store.create_link(current_user, clean["days"], clean["label"])
    except share_store.TooManyLinks as refusal:
        return jsonify({"errors": {"link": [str(refusal)]}}), 422
    response = jsonify(
        {
            "id": link.id,
            "url": url_for("share.doctor_view", token=token, _external=True),
            "expires_at": links.iso_utc(link.expires_at),
            "label": link.label,
        }
    )
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/share-links")
@login_required
def list_links() -> ResponseReturnValue:
    return jsonify({"links": [link_json(link) for link in share_store.links_of(current_user)]})


@bp.delete("/share-links/<int:link_id>")
@login_required
def revoke_link(link_id: int) -> ResponseReturnValue:
    link = share_store.get_link(current_user, link_id)
    if link is None:
        return jsonify({"error": "Not found."}), 404
    share_store.revoke(link)
    return jsonify(link_json(link))
