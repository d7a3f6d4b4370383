"""Peak memory and CPU of each export as the diary grows: CSV and FHIR stream, so flat.

For each diary length (half a year, 1 and 3 years of daily entries) a child
process fills a throwaway SQLite database; then, for each export kind, a fresh
child process downloads GET /export/<kind> for the whole range through the app
(test client, reading the body chunk by chunk as a server sends it). Prints the
peak RSS growth during the download (resident memory sampled after every chunk
sent, minus before) and the CPU time the download took.

Usage: python tests/bench/bench_exports.py [--days 182 365 1095 1825]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
KINDS = ("diary.csv", "fhir.json", "diary.json", "report.pdf")


sys.path.insert(0, str(ROOT))


def _app(folder: str, new: bool):
    """The app on the folder's database; ``new`` makes its tables (empty)."""
    from tests.support import make_app
    from webapp import create_app

    uri, instance = f"sqlite:///{folder}/bench.sqlite3", Path(folder) / "instance"
    if new:
        return make_app(uri, instance)
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": uri,
            "INSTANCE_PATH": str(instance),
            "AUTO_MIGRATE": False,
            "RATELIMIT_ENABLED": False,
        }
    )


def fill(folder: str, days: int) -> None:
    from tests.bench.bench_pdf import TODAY, daily_diary
    from tests.support import create_user
    from webapp.diary import store
    from webapp.extensions import db
    from webapp.models import User

    app = _app(folder, new=True)
    user = create_user(app)
    document = {"format": "fossa-diary/1", "entries": daily_diary(days)}
    with app.app_context():
        result = store.import_diary(db.session.get(User, user.id), document, TODAY)
        assert not result.errors, result.errors


def download(folder: str, kind: str, days: int) -> None:
    from tests.bench.bench_pdf import TODAY
    from tests.support import AuthActions

    app = _app(folder, new=False)
    client = app.test_client()
    AuthActions(client).login()
    first = TODAY.toordinal() - days + 1
    query = f"/export/{kind}?from={dt.date.fromordinal(first)}&to={TODAY.isoformat()}"
    client.get(f"/export/{kind}?from={TODAY}&to={TODAY}").close()  # warm up: imports, fonts
    gc.collect()
    before = peak = _rss_kb()
    began = time.process_time()
    response = client.get(query, buffered=False)
    size = 0
    for chunk in response.response:
        size += len(chunk)
        peak = max(peak, _rss_kb())
    response.close()
    cpu = time.process_time() - began
    assert response.status_code == 200, response.status_code
    print(json.dumps({"rss_kb": peak - before, "cpu_ms": cpu * 1000, "bytes": size}))


def _rss_kb() -> int:
    """This process's resident memory now (the body is held while it is sent)."""
    return int(Path("/proc/self/statm").read_text().split()[1]) * PAGE_KB


def _run(*args: str) -> str:
    return subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, nargs="+", default=[182, 365, 1095, 1825])
    parser.add_argument("--fill", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--download", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill(args.fill[0], int(args.fill[1]))
        return
    if args.download:
        download(args.download[0], args.download[1], int(args.download[2]))
        return
    print(f"{'export':12}{'diary':>10}{'peak RSS growth':>18}{'CPU ms':>9}{'size kB':>10}")
    rows = []
    for days in args.days:
        with tempfile.TemporaryDirectory() as folder:
            _run("--fill", folder, str(days))
            for kind in KINDS:
                figures = json.loads(_run("--download", folder, kind, str(days)).splitlines()[-1])
                rows.append((kind, days, figures))
    for kind, days, figures in sorted(rows, key=lambda r: (KINDS.index(r[0]), r[1])):
        print(
            f"{kind:12}{f'{days} d':>10}{figures['rss_kb'] / 1024:>15.1f} MB"
            f"{figures['cpu_ms']:>9.0f}{figures['bytes'] / 1024:>10.0f}"
        )


if __name__ == "__main__":
    main()
