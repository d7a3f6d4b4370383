"""How long the doctor's PDF takes for the default 90 days, 1 and 3 years of daily entries.

Two figures per size: the pure part (period summary, insights engine, PDF drawing)
and the whole request GET /export/report.pdf through the app on a throwaway SQLite
database (query, engine, PDF). Prints the median of a few runs as CPU time of this
process (steadier than wall time on a shared machine), the pages and size.
Aims (issue 12): the default report <= 60 ms of CPU, 3 years <= 250 ms.

Usage: python tests/bench/bench_pdf.py [--runs 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import random
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from webapp.diary import format as diary_format  # noqa: E402
from webapp.insights import evaluate  # noqa: E402
from webapp.share.report_pdf import render_report_pdf  # noqa: E402
from webapp.share.summary import Period, summarise  # noqa: E402

TODAY = dt.date(2026, 11, 26)


def daily_diary(days: int, seed: int = 6) -> list[dict]:
    """One entry a day with varied, realistic answers (some with notes)."""
    rng = random.Random(seed)
    activities = [a for a in diary_format.ACTIVITIES if a != "other"]
    entries = []
    for offset in range(days):
        entry = {
            "id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "date": (TODAY - dt.timedelta(days=days - 1 - offset)).isoformat(),
            "pain": rng.choice([0, 0, 1, 2, 3, 3, 4, 5, 6, 7]),
            "side": rng.choice(["left", "left", "right", "both"]),
            "locations": rng.sample(list(diary_format.LOCATIONS), k=rng.randint(1, 2)),
            "activity": rng.choice(activities),
            "timing": rng.choice(list(diary_format.TIMINGS)),
            "swelling": rng.choice(["none", "none", "mild"]),
            "clicking": rng.random() < 0.2,
            "warm_up": rng.random() < 0.7,
        }
        if rng.random() < 0.3:
            entry["provoked_by"] = rng.sample(list(diary_format.PROVOKED_BY), k=1)
        if rng.random() < 0.25:
            entry["notes"] = "Tight after the long run; eased with a walk. Stairs felt fine."
        entries.append(entry)
    return entries


def time_pure(entries: list[dict], runs: int) -> tuple[float, int, int]:
    end = TODAY
    start = dt.date.fromisoformat(entries[0]["date"])
    period = Period(start, end)
    timings, data = [], b""
    for _ in range(runs):
        began = time.process_time()
        findings = evaluate(entries, end).to_dict()
        data = render_report_pdf(
            summary=summarise(entries, period),
            entries=entries,
            findings=findings,
            generated_at=dt.datetime.now(dt.UTC),
            patient_name="Bench Mark",
        )
        timings.append(time.process_time() - began)
    return statistics.median(timings), len(PdfReader(io.BytesIO(data)).pages), len(data)


def time_request(entries: list[dict], runs: int) -> float:
    from tests.support import AuthActions, create_user, make_app
    from webapp.diary import store
    from webapp.extensions import db
    from webapp.models import User

    with tempfile.TemporaryDirectory() as folder:
        app = make_app(f"sqlite:///{folder}/bench.sqlite3", Path(folder) / "instance")
        user = create_user(app)
        with app.app_context():
            owner = db.session.get(User, user.id)
            result = store.import_diary(
                owner, {"format": "fossa-diary/1", "entries": entries}, TODAY
            )
            assert not result.errors, result.errors
        client = app.test_client()
        AuthActions(client).login()
        query = f"/export/report.pdf?from={entries[0]['date']}&to={TODAY.isoformat()}"
        timings = []
        for _ in range(runs):
            began = time.process_time()
            response = client.get(query)
            timings.append(time.process_time() - began)
            assert response.status_code == 200, response.status_code
        with app.app_context():
            db.engine.dispose()
        return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"{'diary (CPU ms)':<22}{'pure':>11}{'request':>14}{'pages':>7}{'size (kB)':>11}")
    sizes = (("90 days (default)", 90), ("1 year (365 entries)", 365), ("3 years (1,095)", 1095))
    for label, days in sizes:
        entries = daily_diary(days)
        pure, pages, size = time_pure(entries, args.runs)
        request = time_request(entries, args.runs)
        print(
            f"{label:<22}{pure * 1000:>11.0f}{request * 1000:>14.0f}{pages:>7}{size / 1024:>11.0f}"
        )


if __name__ == "__main__":
    main()
