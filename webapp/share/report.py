"""Gathers what every report of a period needs: entries, figures, chart and findings.

The one place that reads the diary for the exports and the doctor view, so the
PDF, the CSV, the FHIR bundle and the web view always show the same entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from webapp.diary import store as diary_store
from webapp.diary.chart import PainChart, build_pain_chart
from webapp.insights import evaluate
from webapp.models import Entry, User
from webapp.share.summary import Period, ReportSummary, summarise


@dataclass
class PeriodReport:
    owner: User
    period: Period
    entries: list[Entry]
    diary: list[dict[str, Any]]
    summary: ReportSummary
    chart: PainChart
    findings: dict[str, Any]
    generated_at: dt.datetime


def evaluate_findings(entries: list[Entry], today: dt.date) -> dict[str, Any]:
    """The insights engine's findings as of ``today`` (the period's last day), as a dict."""
    return evaluate(entries, today).to_dict()


def build_period_report(owner: User, period: Period) -> PeriodReport:
    entries = diary_store.entries_between(owner, period.start, period.end)
    diary = [entry.to_diary() for entry in entries]
    return PeriodReport(
        owner=owner,
        period=period,
        entries=entries,
        diary=diary,
        summary=summarise(diary, period),
        chart=build_pain_chart(diary, period.start, period.end),
        findings=evaluate_findings(entries, period.end),
        generated_at=dt.datetime.now(dt.UTC),
    )
