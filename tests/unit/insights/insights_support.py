"""Helpers shared by the insights tests: the shared folder and a terse entry builder."""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parents[4] / "shared"
TODAY = dt.date(2026, 6, 30)


def shared_file(*parts: str) -> Path:
    """A file of the shared folder; fail in CI, skip elsewhere, when it is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI"):
            pytest.fail(f"shared file missing: {path}")
        pytest.skip(f"shared file missing: {path}")
    return path


def load_vignettes() -> list[dict[str, Any]]:
    path = SHARED / "vignettes" / "public.json"
    if not path.exists():
        return []
    return json.loads(path.read_text(encoding="utf-8"))["vignettes"]


def day(days_ago: int, **answers: Any) -> dict[str, Any]:
    """A fossa-diary/1 entry `days_ago` days before TODAY (pain 3 unless given)."""
    answers.setdefault("pain", 3)
    date = (TODAY - dt.timedelta(days=days_ago)).isoformat()
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{date}/{answers}")), "date": date, **answers}
