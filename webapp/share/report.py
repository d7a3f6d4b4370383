"""Gathers what every report of a period needs: entries, figures, chart and findings.

The one place that reads the diary for the exports and the doctor view, so the
PDF, the CSV, the FHIR bundle and the web view always show the same entries.

Each part is made only when an export asks for it (the CSV never computes a
summary, a chart or findings), and the diary is read at most once per request:
the period with the lookback the red flags need, or, for the streamed CSV and
FHIR exports, row by row (``iter_diary``) so their memory stays flat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from functools import cached_property
from typing import Any

from webapp.diary import store as diary_store
from webapp.diary.chart import PainChart, build_pain_chart
from webapp.insights import evaluate
from webapp.insights.from_diary import LOOKBACK_DAYS, cache, red_flags_in
from webapp.models import Entry, User
from webapp.share.summary import Period, ReportSummary, summarise


def period_findings(owner: User, entries: list[Entry], period: Period) -> dict[str, Any]:
    """The findings as of the period's last day, with every red flag raised in the period.

    A doctor needs each flag of the period with its dates, not only those still open
    on its last day (a suspected DVT two months ago matters at the appointment).
    ``entries`` must cover LOOKBACK_DAYS before the period up to its end. Cached per
    diary version, like every findings (webapp/insights/from_diary.py).
    """

    def make() -> dict[str, Any]:
        findings = evaluate(entries, period.end).to_dict()
        findings["red_flags"] = red_flags_in(owner, period.start, period.end, entries)
        return findings

    return cache.get_or_make(owner, ("period", period.start, period.end), make)


class PeriodReport:
    """One period of one person's diary; each part is computed on first use."""

    def __init__(self, owner: User, period: Period) -> None:
        self.owner = owner
        self.period = period
        self.generated_at = dt.datetime.now(dt.UTC)

    @cached_property
    def _with_lookback(self) -> list[Entry]:
        start = self.period.start - dt.timedelta(days=LOOKBACK_DAYS)
        return diary_store.entries_between(self.owner, start, self.period.end)

    @cached_property
    def entries(self) -> list[Entry]:
        return [e for e in self._with_lookback if e.date >= self.period.start]

    @cached_property
    def diary(self) -> list[dict[str, Any]]:
        return [entry.to_diary() for entry in self.entries]

    @cached_property
    def summary(self) -> ReportSummary:
        return summarise(self.diary, self.period)

    @cached_property
    def chart(self) -> PainChart:
        return build_pain_chart(self.diary, self.period.start, self.period.end)

    @cached_property
    def findings(self) -> dict[str, Any]:
        return period_findings(self.owner, self._with_lookback, self.period)

    def iter_diary(self) -> Iterator[dict[str, Any]]:
        """The period's entries as fossa-diary/1 dicts, streamed from the database."""
        if "diary" in self.__dict__:
            yield from self.diary
            return
        for entry in diary_store.iter_entries_between(
            self.owner, self.period.start, self.period.end
        ):
            yield entry.to_diary()


def build_period_report(owner: User, period: Period) -> PeriodReport:
    return PeriodReport(owner, period)
