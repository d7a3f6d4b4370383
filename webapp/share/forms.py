"""Forms of the export page and of the share-link page.

Both delegate the rules to the pure modules (summary.parse_period and
links.validate_link_request), so the form, the URL parameters and the JSON API
give the same messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from wtforms import HiddenField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from webapp.security.boundary import FossaForm
from webapp.share import links
from webapp.share.report_pdf import PAPERS
from webapp.share.summary import Period, parse_period


class ExportForm(FossaForm):
    """The range (and paper) of an export, read from the query string."""

    class Meta:
        csrf = False  # a GET form that only reads

    start = StringField("First day", name="from", render_kw={"type": "date"})
    end = StringField("Last day", name="to", render_kw={"type": "date"})
    paper = SelectField(
        "Paper for the PDF",
        choices={"a4": "A4", "letter": "Letter (US)"},
        default="a4",
        validate_choice=False,
    )

    def check(self, today: dt.date) -> Period | None:
        """The chosen period, or None with the errors put on the fields."""
        period, errors = parse_period(self.start.data, self.end.data, today)
        self.start.errors = list(errors.get("from", []))
        self.end.errors = list(errors.get("to", []))
        self.paper.errors = []
        if (self.paper.data or "a4") not in PAPERS:
            self.paper.errors = ["Choose A4 or Letter."]
            return None
        return period

    def fill(self, period: Period) -> ExportForm:
        """Show the period actually used (the defaults when the fields were empty)."""
        self.start.data = self.start.data or period.start.isoformat()
        self.end.data = self.end.data or period.end.isoformat()
        return self

    def query(self) -> dict[str, str]:
        return {"from": self.start.data or "", "to": self.end.data or ""}


class ShareLinkForm(FossaForm):
    days = StringField(
        "Link works for (days)",
        default=str(links.DEFAULT_DAYS),
        render_kw={
            "type": "number",
            "min": links.MIN_DAYS,
            "max": links.MAX_DAYS,
            "inputmode": "numeric",
        },
    )
    label = StringField(
        "Label (optional)",
        render_kw={"maxlength": links.LABEL_MAX, "placeholder": "Dr Weber", "autocomplete": "off"},
    )

    def check(self) -> dict[str, Any] | None:
        """Clean values, or None with the errors put on the fields."""
        if not self.validate():
            return None
        clean, errors = links.validate_link_request(
            {"days": self.days.data or "", "label": self.label.data or ""}
        )
        self.days.errors = list(errors.get("days", []))
        self.label.errors = list(errors.get("label", []))
        return None if errors else clean


class ReportNameForm(FossaForm):
    """The patient's name for reports, asked for before the first report is made."""

    display_name = StringField(
        "Your name, as your doctor should read it on the report",
        validators=[
            DataRequired("Type your name, or leave the report without one below."),
            Length(max=100, message="Keep it to 100 characters."),
        ],
        render_kw={"autocomplete": "name", "maxlength": 100},
    )
    next = HiddenField()

    def clean_name(self) -> str | None:
        """The name, stripped, or None with an error when it holds control characters."""
        name = (self.display_name.data or "").strip()
        if any(ord(ch) < 32 for ch in name):
            self.display_name.errors = [*self.display_name.errors, "Use one line of text."]
            return None
        return name
