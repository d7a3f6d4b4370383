"""Login time for a known and an unknown e-mail, with production argon2 costs.

The security review measured 143 ms for a known e-mail and 4.6 ms for an unknown
one (an oracle for who has an account). Prints the medians of both; they should
be the same within noise. Run: python tests/bench/bench_login_timing.py
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from webapp import create_app  # noqa: E402
from webapp.extensions import db  # noqa: E402
from webapp.models import User  # noqa: E402

ROUNDS = 15


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "INSTANCE_PATH": folder,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite3",
                "AUTO_MIGRATE": True,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            user = User(email="known@example.com")
            user.set_password("the right password")
            db.session.add(user)
            db.session.commit()
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        timings: dict[str, list[float]] = {"known": [], "unknown": []}
        for _ in range(ROUNDS):
            for kind in timings:
                started = time.perf_counter()
                answer = client.post(
                    "/login",
                    data={"email": f"{kind}@example.com", "password": "wrong", "csrf_token": token},
                )
                timings[kind].append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 422
        for kind, values in timings.items():
            print(
                f"login, {kind} e-mail, wrong password: median {statistics.median(values):.1f} ms"
            )
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
