"""The diary as CSV: one row per entry, every fossa-diary/1 field, UTF-8 with a header.

Pure Python. Column names are the format's field names (stable, so a script can
read them); values are the format's codes, lists joined with "; ", yes/no for
booleans, and an empty cell for "not recorded".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
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


def iter_diary_csv(entries: Iterable[dict[str, Any]], rows_per_chunk: int = 200) -> Iterator[str]:
    """The CSV text in chunks of ``rows_per_chunk`` rows, for a streamed download."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(diary_format.FIELD_ORDER)
    for count, entry in enumerate(entries, start=1):
        writer.writerow([cell(field, entry.get(field)) for field in diary_format.FIELD_ORDER])
        if count % rows_per_chunk == 0:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def render_diary_csv(entries: Iterable[dict[str, Any]]) -> str:
    """The entries (fossa-diary/1 dicts, oldest first) as CSV text, BOM first."""
    return "".join(iter_diary_csv(entries))
