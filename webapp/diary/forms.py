"""The entry form, built from the format's field list so both stay in step.

WTForms parses what the browser sends; the domain rules (pain range, future
dates, note length) are checked once, in ``format.validate_entry``, and its
messages are placed next to the fields they concern.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from wtforms import (
    DateField,
    Field,
    HiddenField,
    IntegerField,
    RadioField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.diary import format as diary_format
from webapp.security.boundary import FossaForm
from webapp.validation import parse_int

YES_NO = {"yes": "Yes", "no": "No"}


class PainField(IntegerField):
    """An integer field whose parse error speaks to the person, not the programmer."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        self.data = parse_int(valuelist[0])
        if self.data is None:
            raise ValueError("Pain must be a whole number from 0 to 10.")


class DayField(DateField):
    def process_formdata(self, valuelist: list[Any]) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError("Use a date like 2026-11-25.") from error


class ChoicesField(SelectMultipleField):
    """Several choices shown as checkboxes (chips)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EntryForm(FossaForm):
    """One diary entry. The yes/no questions have no default: unanswered is unknown."""

    id = HiddenField()
    # Fields a new form starts with from the last entry of the episode ("as last time").
    carried: tuple[str, ...] = ()
    date = DayField("Day", validators=[Optional()])
    pain = PainField("Pain right now or at its worst today", validators=[Optional()])
    # The length is checked in format.validate_entry (its message says how long the
    # note is now); the text is kept as typed, never cut.
    notes = TextAreaField("Notes")

    def fill_new(self, today: dt.date) -> EntryForm:
        """Prepare a blank form: today's date and a fresh id, so a double tap saves once."""
        if not self.id.data:
            self.id.data = str(uuid.uuid4())
        if not self.date.data:
            self.date.data = today
        return self

    def answers(self) -> dict[str, Any]:
        """The form's data as a fossa-diary/1 entry (unanswered fields left out)."""
        result: dict[str, Any] = {}
        if self.id.data:
            result["id"] = self.id.data
        result["date"] = self.date.data
        result["pain"] = self.pain.data
        for field in diary_format.ENUMS:
            value = self[field].data
            if value:
                result[field] = value
        for field in diary_format.LISTS:
            value = self[field].data
            if value:
                result[field] = list(value)
        for field in diary_format.BOOLEANS:
            value = self[field].data
            if value in ("yes", "no"):
                result[field] = value == "yes"
        if self.notes.data and self.notes.data.strip():
            result["notes"] = self.notes.data
        return {k: v for k, v in result.items() if v is not None}

    def load(self, entry: dict[str, Any]) -> None:
        """Fill the form from a stored entry (fossa-diary/1 dict) for editing."""
        for name in diary_format.FIELD_ORDER:
            value = entry.get(name)
            if name in diary_format.BOOLEANS and value is not None:
                value = "yes" if value else "no"
            if name == "date" and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            self[name].data = value

    def check(self, today: dt.date) -> dict[str, Any] | None:
        """Validate; return the clean entry, or None with errors placed on the fields."""
        parsed = self.validate_on_submit()
        answers = self.answers()
        if "date" not in answers and not self.date.errors:
            self.date.errors.append("Choose the day.")
        result = diary_format.validate_entry(answers, today=today)
        for field, messages in result.errors.items():
            target: Field = self._fields.get(field, self.pain)
            if target.errors:
                continue  # WTForms already said what is wrong with this field
            for message in messages:
                if message not in target.errors:
                    target.errors.append(message)
        if not parsed or not result.ok or self.errors:
            return None
        return result.entry


for _field, _choices in diary_format.ENUMS.items():
    setattr(
        EntryForm,
        _field,
        RadioField(
            diary_format.FIELD_LABELS[_field],
            choices=dict(_choices),
            validators=[Optional()],
        ),
    )
for _field, _choices in diary_format.LISTS.items():
    setattr(
        EntryForm,
        _field,
        ChoicesField(
            diary_format.FIELD_LABELS[_field],
            choices=dict(_choices),
            validators=[Optional()],
        ),
    )
for _field, _label in diary_format.BOOLEANS.items():
    setattr(EntryForm, _field, RadioField(_label, choices=YES_NO, validators=[Optional()]))


# How "more details" is grouped: the way a person thinks back over it (when it hurts,
# what brought it on, the knee itself, the calf and leg, training).
DETAIL_GROUPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("when", "When it hurts", ("timing", "eases_with_rest")),
    ("cause", "What brought it on", ("onset", "mechanism", "popping", "provoked_by")),
    (
        "knee",
        "The knee itself",
        (
            "clicking",
            "locking",
            "giving_way",
            "lump",
            "tender_spot",
            "knee_redness_warmth",
            "can_bear_weight",
        ),
    ),
    (
        "calf",
        "Calf and leg",
        ("calf_swelling", "calf_redness", "calf_tenderness", "cramping", "weakness", "back_pain"),
    ),
    ("training", "Training", ("load_change", "warm_up", "worn_footwear")),
]
