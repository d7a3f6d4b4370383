"""Fossa, a symptom diary for pain behind the knee.

Importing this package stays cheap and Flask-free, so that the pure rules module
(`webapp.insights`) can be used without the web app. `flask --app webapp run`
finds `create_app` here, imported only when it is called.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: Any = None) -> Flask:
    """Build the Flask app; see webapp.app for what it wires together."""
    from webapp.app import create_app as _create_app

    return _create_app(config)
