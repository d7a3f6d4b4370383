"""Speed of the insights engine: median time of ``evaluate`` on generated diaries.

Generates diaries of 30, 365 and 3,650 daily entries (one a day, every answer
filled at random with a fixed seed, so each run measures the same work) and
prints the median wall time of ``evaluate(entries, today)`` for each, with the
time per entry. Then the same for diaries whose every entry falls in the four
weeks the engine reads in full (several entries a day), where linear cost shows
as a flat last column.
Aim: 365 entries in under 5 ms.

Usage: python tests/bench/bench_insights.py [--repeat 50]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from webapp.diary.format import BOOLEANS, ENUMS, LISTS  # noqa: E402
from webapp.insights import evaluate  # noqa: E402

TODAY = dt.date(2026, 11, 26)
SIZES = (30, 365, 3650)


def generate(count: int, rnd: random.Random, per_day: int = 1) -> list[dict]:
    """`count` entries, `per_day` a day up to TODAY, each with every answer recorded."""
    diary = []
    for n in range(count):
        entry = {
            "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
            "date": (TODAY - dt.timedelta(days=n // per_day)).isoformat(),
            "pain": rnd.randint(0, 6),
        }
        for field, values in ENUMS.items():
            entry[field] = rnd.choice(sorted(values))
        for field, values in LISTS.items():
            entry[field] = rnd.sample(sorted(values), k=rnd.randint(0, 2))
        for field in BOOLEANS:
            # Mostly "no", so the red flags are as rare as in a real diary.
            entry[field] = rnd.random() < 0.1
        diary.append(entry)
    rnd.shuffle(diary)
    return diary


def median_ms(diary: list[dict], repeat: int) -> float:
    evaluate(diary, TODAY)  # warm up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        evaluate(diary, TODAY)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rnd = random.Random(20261126)
    print(f"{'entries':>8} {'median ms':>10} {'us/entry':>9}")
    for size in SIZES:
        ms = median_ms(generate(size, rnd), args.repeat)
        print(f"{size:>8} {ms:>10.3f} {ms * 1000 / size:>9.2f}")
    # The engine reads the last four weeks in full and only dates the rest; this is
    # the cost of the full reading itself, with every entry inside those weeks.
    print("all inside the last 28 days (many entries a day):")
    for size in (28, 280, 2800):
        ms = median_ms(generate(size, rnd, per_day=size // 28), args.repeat)
        print(f"{size:>8} {ms:>10.3f} {ms * 1000 / size:>9.2f}")


if __name__ == "__main__":
    main()
