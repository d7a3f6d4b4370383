"""The reminder settings a person may choose, checked once for the form and the API.

Pure: takes what was sent (JSON values or form strings already parsed) and returns
clean values or messages keyed by field, the way ``diary.format.validate_entry`` does.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from webapp.reminders.schedule import days_to_mask
from webapp.validation import check_timezone

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass
class CheckedSettings:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)


def parse_time(value: Any) -> dt.time | None:
    """ "HH:MM" (24-hour) as a time, or None when it is not one."""
    if not isinstance(value, str):
        return None
    match = _TIME.match(value.strip())
    if not match:
        return None
    return dt.time(int(match.group(1)), int(match.group(2)))


def check_settings(raw: Any) -> CheckedSettings:
    """Check a whole settings object: every field is required and strictly typed."""
    result = CheckedSettings()
    if not isinstance(raw, dict):
        result.fail("settings", "Send the settings as a JSON object.")
        return result
    for name in ("enabled", "skip_if_logged"):
        value = raw.get(name)
        if isinstance(value, bool):
            result.values[name] = value
        else:
            result.fail(name, "Use true or false.")
    time = parse_time(raw.get("time"))
    if time is None:
        result.fail("time", "Use a time like 20:00 (24-hour clock).")
    else:
        result.values["time"] = time
    timezone = check_timezone(raw.get("timezone"))
    if timezone is None:
        result.fail("timezone", "Use a timezone name like Europe/Berlin.")
    else:
        result.values["timezone"] = timezone
    days = raw.get("days")
    if not isinstance(days, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 0 <= day <= 6 for day in days
    ):
        result.fail("days", "Use a list of weekdays from 0 (Monday) to 6 (Sunday).")
    elif not days:
        result.fail("days", "Choose at least one day.")
    else:
        result.values["days_mask"] = days_to_mask(days)
    return result
