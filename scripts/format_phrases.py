"""Write a phrase table (webapp/insights/phrases/*.json) in one tidy, diff-friendly layout.

One key per line at the top level, one sign per line group, each list of phrases on
one line. Usage: python scripts/format_phrases.py webapp/insights/phrases/*.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _dump(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def format_table(data: dict) -> str:
    lines = ["{"]
    keys = list(data)
    for n, key in enumerate(keys):
        comma = "," if n < len(keys) - 1 else ""
        value = data[key]
        if key == "signs":
            lines.append('  "signs": [')
            for i, sign in enumerate(value):
                inner = ", ".join(f"{_dump(k)}: {_dump(v)}" for k, v in sign.items())
                lines.append(f"    {{{inner}}}" + ("," if i < len(value) - 1 else ""))
            lines.append("  ]" + comma)
        elif isinstance(value, dict) and key in ("sites", "shorthand"):
            lines.append(f"  {_dump(key)}: {{")
            items = list(value.items())
            for i, (k, v) in enumerate(items):
                lines.append(f"    {_dump(k)}: {_dump(v)}" + ("," if i < len(items) - 1 else ""))
            lines.append("  }" + comma)
        else:
            lines.append(f"  {_dump(key)}: {_dump(value)}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(paths: list[str]) -> None:
    for path in map(Path, paths):
        data = json.loads(path.read_text(encoding="utf-8"))
        path.write_text(format_table(data), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])
