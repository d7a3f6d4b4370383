"""The reminder settings form. WTForms reads the browser's strings; the rules are
checked once, in ``settings.check_settings``, shared with the JSON API."""

from __future__ import annotations

from typing import Any

from wtforms import BooleanField, SelectMultipleField, StringField
from wtforms.widgets import CheckboxInput, ListWidget

from webapp.reminders.schedule import WEEKDAY_NAMES
from webapp.reminders.settings import check_settings
from webapp.security.boundary import FossaForm
from webapp.validation import parse_int


class WeekdaysField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form: Any) -> None:
        """Unknown values are reported by check_settings, in the person's words."""


class ReminderForm(FossaForm):
    enabled = BooleanField("Send me a daily reminder")
    time = StringField("Time of day", render_kw={"type": "time", "step": "60"})
    timezone = StringField(
        "Timezone",
        render_kw={"autocomplete": "off", "data-detect-timezone": "1", "spellcheck": "false"},
    )
    days = WeekdaysField(
        "Days", choices={str(number): name for number, name in enumerate(WEEKDAY_NAMES)}
    )
    skip_if_logged = BooleanField("Skip the reminder when I've already logged that day")

    def load(self, settings: Any, timezone: str) -> ReminderForm:
        self.enabled.data = settings.enabled
        self.time.data = settings.local_time.strftime("%H:%M")
        self.timezone.data = timezone
        self.days.data = [str(day) for day in range(7) if settings.days_mask & (1 << day)]
        self.skip_if_logged.data = settings.skip_if_logged
        return self

    def check(self) -> dict[str, Any] | None:
        """Clean values for store.save_settings, or None with messages on the fields."""
        parsed = self.validate_on_submit()
        days: list[int] | None = []
        for value in self.days.data or []:
            day = parse_int(value)
            if day is None or days is None:
                days = None
                continue
            days.append(day)
        raw = {
            "enabled": bool(self.enabled.data),
            "skip_if_logged": bool(self.skip_if_logged.data),
            "time": (self.time.data or "").strip(),
            "timezone": (self.timezone.data or "").strip(),
            "days": days,
        }
        result = check_settings(raw)
        for name, messages in result.errors.items():
            target = self._fields.get(name, self.time)
            for message in messages:
                if message not in target.errors:
                    target.errors = [*target.errors, message]
        if not parsed or not result.ok:
            return None
        return result.values
