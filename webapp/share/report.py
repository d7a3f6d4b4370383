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
from webapp.insights.from_diary import red_flags_in
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


def period_findings(owner: User, entries: list[Entry], period: Period) -> dict[str, Any]:
    """The findings as of the period's last day, with every red flag raised in the period.

    A doctor needs each flag of the period with its dates, not only those still open
    on its last day (a suspected DVT two months ago matters at the appointment).
    """
    findings = evaluate(entries, period.end).to_dict()
    findings["red_flags"] = red_flags_in(owner, period.start, period.end)
    return findings


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
        findings=period_findings(owner, entries, period),
        generated_at=dt.datetime.now(dt.UTC),
    )
