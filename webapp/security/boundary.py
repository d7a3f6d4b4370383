"""Flask's side of the validation layer: every JSON body and every form field pass here.

``BoundedJSONProvider`` makes ``request.get_json()`` (and so every JSON endpoint)
refuse documents that are too deep, too big, or carry text the database cannot
store, as a 400 instead of a RecursionError or a UnicodeEncodeError at commit.
``FossaForm`` is the base of every form: a NUL byte or a lone surrogate in any text
field gets a message next to that field, before any query runs.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.json.provider import DefaultJSONProvider
from flask_wtf import FlaskForm

from webapp.validation import UnsafeJSON, loads_bounded, text_problem


class BoundedJSONProvider(DefaultJSONProvider):
    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads_bounded(s)


def json_payload() -> tuple[Any, str | None]:
    """The request's JSON body and None, or None and why it could not be read."""
    if not request.get_data(cache=True):
        return None, "Send a JSON body."
    try:
        return loads_bounded(request.get_data(cache=True)), None
    except UnsafeJSON as error:
        return None, str(error)


def _texts(data: Any) -> list[Any]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, list | tuple):
        return [item for item in data if isinstance(item, str)]
    return []


class FossaForm(FlaskForm):
    """A FlaskForm that refuses text the database cannot store, field by field."""

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            problem = next((p for p in map(text_problem, _texts(field.data)) if p), None)
            if problem:
                field.errors = [*field.errors, problem]
                valid = False
        return valid
