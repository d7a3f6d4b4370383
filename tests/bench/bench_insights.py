"""Speed of the insights engine: median time of ``evaluate`` on generated diaries.

Generates diaries of 30, 365 and 3,650 daily entries (one a day, every answer
filled at random with a fixed seed, so each run measures the same work) and
prints the median wall time of ``evaluate(entries, today)`` for each, with the
time per entry. Then the same for diaries whose every entry falls in the four
weeks the engine reads in full (several entries a day), where linear cost shows
as a flat last column.
Then the same diaries with a note on every entry, in people's words (drawn from a
pool of phrases, so most notes differ), read by the notes reader: once with the
reader's cache of read notes emptied before every run (cold: every note read
again) and once as a server runs it (warm: the notes of earlier runs are cached).
Aim: 365 entries, with notes, in under 5 ms.

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
from webapp.insights import notes as notes_reader  # noqa: E402

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


NOTE_PARTS = [
    "calf a bit tight after the run",
    "no swelling today",
    "knee not swollen, not red",
    "felt fine on the hills",
    "squishy lump behind the knee again",
    "pins and needles in my foot for a minute",
    "didn't warm up, straight into it",
    "cramp went away when I sat down",
    "R knee sore 2day, clicks on squats",
    "hurt this knee years ago on a dashboard",
    "red face after the run, hot day",
    "sore to touch at one spot inside the knee",
    "gave way on the stairs once",
    "easy 5k, nothing to report",
    "ache crept up over a few weeks",
    "no pop, no numbness",
]


def with_notes(diary: list[dict], rnd: random.Random) -> list[dict]:
    """The same entries, each with a note of two or three phrases and a day count."""
    noted = []
    for n, entry in enumerate(diary):
        parts = rnd.sample(NOTE_PARTS, k=rnd.randint(2, 3))
        noted.append({**entry, "notes": f"day {n}: " + ". ".join(parts)})
    return noted


def median_ms(diary: list[dict], repeat: int, cold: bool = False) -> tuple[float, float]:
    """Median wall and CPU milliseconds of one evaluate (CPU time: this process only,
    which stays meaningful when other work shares the machine's cores)."""
    evaluate(diary, TODAY)  # warm up
    walls, cpus = [], []
    for _ in range(repeat):
        if cold:
            notes_reader._read.cache_clear()
        start, start_cpu = time.perf_counter(), time.process_time()
        evaluate(diary, TODAY)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - start_cpu)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    rnd = random.Random(20261126)
    print(f"{'entries':>8} {'median ms':>10} {'us/entry':>9} {'cpu ms':>8}")
    for size in SIZES:
        ms, cpu = median_ms(generate(size, rnd), args.repeat)
        print(f"{size:>8} {ms:>10.3f} {ms * 1000 / size:>9.2f} {cpu:>8.3f}")
    # The engine reads the last four weeks in full and only dates the rest; this is
    # the cost of the full reading itself, with every entry inside those weeks.
    print("all inside the last 28 days (many entries a day):")
    for size in (28, 280, 2800):
        ms, cpu = median_ms(generate(size, rnd, per_day=size // 28), args.repeat)
        print(f"{size:>8} {ms:>10.3f} {ms * 1000 / size:>9.2f} {cpu:>8.3f}")
    print("with a note on every entry, read by the notes reader:")
    print(f"{'entries':>8} {'cold ms':>10} {'cold cpu':>9} {'warm ms':>8} {'warm cpu':>9}")
    for size in SIZES:
        diary = with_notes(generate(size, rnd), rnd)
        cold, cold_cpu = median_ms(diary, args.repeat, cold=True)
        warm, warm_cpu = median_ms(diary, args.repeat)
        print(f"{size:>8} {cold:>10.3f} {cold_cpu:>9.3f} {warm:>8.3f} {warm_cpu:>9.3f}")


if __name__ == "__main__":
    main()
