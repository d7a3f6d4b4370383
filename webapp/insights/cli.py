"""`flask insights explain FILE`: the engine's reading of a diary file, for people or machines.

FILE is a fossa-diary/1 document (an account download or an export), a bare
list of entries, or a file of vignettes (each case judged on its own day).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from webapp.diary import format as diary_format
from webapp.insights import evaluate

cli = AppGroup("insights", help="Read a diary with the rules module.")


@cli.command("explain")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge the diary as of this day (default: today; a vignette's own day).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def explain(file: Path, today: dt.datetime | None, as_json: bool) -> None:
    """Evaluate FILE and print the findings."""
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{file} is not a JSON file: {error}") from error
    cases = cases_in(document, today.date() if today else None)
    results = []
    for case in cases:
        entries, skipped = valid_entries(case["entries"], case["today"])
        for problem in skipped:
            click.echo(f"{case['name']}: skipped {problem}", err=True)
        results.append(
            {"name": case["name"], "findings": evaluate(entries, case["today"]).to_dict()}
        )
    if as_json:
        payload: Any = results[0]["findings"] if len(results) == 1 else results
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo("\n\n".join(f"== {r['name']} ==\n{as_text(r['findings'])}" for r in results))


def cases_in(document: Any, today: dt.date | None) -> list[dict[str, Any]]:
    """Each diary to judge, with its name and the day to judge it on."""
    default_day = today or dt.date.today()
    if isinstance(document, dict) and isinstance(document.get("vignettes"), list):
        return [
            {
                "name": f"{case.get('id', i)}: {case.get('title', '')}".rstrip(": "),
                "entries": case.get("entries", []),
                "today": today or _day(case.get("today")) or default_day,
            }
            for i, case in enumerate(document["vignettes"], start=1)
        ]
    if isinstance(document, dict) and isinstance(document.get("entries"), list):
        return [{"name": "diary", "entries": document["entries"], "today": default_day}]
    if isinstance(document, list):
        return [{"name": "entries", "entries": document, "today": default_day}]
    raise click.ClickException(
        "Expected a fossa-diary/1 document, a list of entries or a file of vignettes."
    )


def valid_entries(raw: list[Any], today: dt.date) -> tuple[list[dict[str, Any]], list[str]]:
    """The entries that are valid fossa-diary/1, and why the others were left out."""
    kept, skipped = [], []
    for index, item in enumerate(raw, start=1):
        checked = diary_format.validate_entry(item, today=today)
        if checked.ok:
            kept.append(checked.entry)
        else:
            reasons = "; ".join(f"{f}: {' '.join(m)}" for f, m in checked.errors.items())
            skipped.append(f"entry {index} ({reasons})")
    return kept, skipped


def as_text(findings: dict[str, Any]) -> str:
    """The findings as a person reads them, most urgent first, each with its evidence."""
    lines = [f"Urgency: {findings['urgency']} — {findings['urgency_text']}"]
    lines.append(f"Entries considered: {findings['entries_considered']}")
    for flag in findings["red_flags"]:
        lines.append(f"\nRED FLAG {flag['code']} ({flag['urgency']}): {flag['title']}")
        lines.append(f"  What to do: {flag['advice']}")
        lines += _evidence_lines(flag["evidence"])
    if findings["causes"]:
        lines.append("\nCauses, most likely first:")
    for rank, cause in enumerate(findings["causes"], start=1):
        lines.append(
            f"{rank}. {cause['name']} [{cause['code']}] "
            f"score {cause['score']:.2f}, {cause['confidence']}"
        )
        lines += _evidence_lines(cause["evidence_for"], "for")
        lines += _evidence_lines(cause["evidence_against"], "against")
    if not findings["enough_to_go_on"]:
        lines.append("\nNot enough to go on yet.")
    for question in findings["next_questions"]:
        lines.append(
            f"Ask ({question['kind']}): {question['question']} ({', '.join(question['fields'])})"
        )
    for factor in findings["factors"]:
        lines.append(f"\nFactor {factor['code']}: {factor['name']}")
        lines += _evidence_lines(factor["evidence"])
    if findings["advice"]:
        lines.append("\nAdvice:")
        lines += [f"- {item['text']}" for item in findings["advice"]]
    lines.append(f"\n{findings['disclaimer']}")
    return "\n".join(lines)


def _evidence_lines(items: list[dict[str, Any]], side: str = "") -> list[str]:
    prefix = f"  {side}: " if side else "  "
    return [
        prefix
        + " ".join(
            str(part)
            for part in (item.get("date"), item.get("field"), item.get("value"), item.get("note"))
            if part not in (None, "")
        )
        for item in items
    ]


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
