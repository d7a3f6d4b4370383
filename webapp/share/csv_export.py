"""The diary as CSV: one row per entry, every fossa-diary/1 field, UTF-8 with a header.

Pure Python. Column names are the format's field names (stable, so a script can
read them); values are the format's codes, lists joined with "; ", yes/no for
booleans, and an empty cell for "not recorded".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from webapp.diary import format as diary_format

# A byte-order mark makes spreadsheet programs read the file as UTF-8, not as the
# local code page, so "Centre" and "–" survive a double-click open.
BOM = "\ufeff"
LIST_SEPARATOR = "; "
# A cell starting with one of these is run as a formula by spreadsheets; notes are
# free text, so such a note is prefixed with an apostrophe (shown as text).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(field: str, value: Any) -> str:
    """One answer as a CSV cell."""
    if value is None:
        return ""
    if field in diary_format.BOOLEANS:
        return "yes" if value else "no"
    if field in diary_format.LISTS:
        return LIST_SEPARATOR.join(value)
    text = str(value)
    if field == "notes" and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def render_diary_csv(entries: Iterable[dict[str, Any]]) -> str:
    """The entries (fossa-diary/1 dicts, oldest first) as CSV text, BOM first."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(diary_format.FIELD_ORDER)
    for entry in entries:
        writer.writerow([cell(field, entry.get(field)) for field in diary_format.FIELD_ORDER])
    return out.getvalue()
