"""The diary as a FHIR R4 Bundle (type "collection") of Observations.

Pure Python, plain dicts (the tests validate them with fhir.resources). Each
entry becomes one Observation: pain as LOINC 72514-3 with valueInteger, the day
as effectiveDateTime, the knee as bodySite, every other answer as a component
coded in Fossa's own code system (the fossa-diary/1 field names and values).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from webapp.diary import format as diary_format

LOINC = "http://loinc.org"
PAIN_CODE = "72514-3"
PAIN_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CATEGORY_SYSTEM = "http://terminology.hl7.org/CodeSystem/observation-category"
# Fossa's own codes: the format's field names, and each field's allowed values.
FIELD_SYSTEM = "urn:fossa-diary:1:field"


def value_system(field: str) -> str:
    return f"urn:fossa-diary:1:{field}"


def _coding(system: str, code: str, display: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def _component(field: str, value: Any) -> dict[str, Any]:
    component: dict[str, Any] = {
        "code": _coding(FIELD_SYSTEM, field, diary_format.FIELD_LABELS[field])
    }
    if field in diary_format.BOOLEANS:
        component["valueBoolean"] = bool(value)
    elif field in diary_format.ENUMS:
        component["valueCodeableConcept"] = _coding(
            value_system(field), value, diary_format.label(field, value)
        )
    else:
        component["valueString"] = str(value)
    return component


def components(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """Every recorded answer but pain and knee; a list answer gives one component per choice."""
    result: list[dict[str, Any]] = []
    for field in diary_format.ANSWER_FIELDS:
        value = entry.get(field)
        if value is None or field in {"pain", "side"}:
            continue
        if field in diary_format.LISTS:
            for choice in value:
                result.append(
                    {
                        "code": _coding(FIELD_SYSTEM, field, diary_format.FIELD_LABELS[field]),
                        "valueCodeableConcept": _coding(
                            value_system(field), choice, diary_format.label(field, [choice])
                        ),
                    }
                )
        else:
            result.append(_component(field, value))
    return result


def body_site(entry: dict[str, Any]) -> dict[str, Any]:
    """The back of the knee, with the side when it was recorded."""
    side = entry.get("side")
    text = {
        "left": "Back of the left knee",
        "right": "Back of the right knee",
        "both": "Back of both knees",
    }.get(side or "", "Back of the knee")
    concept: dict[str, Any] = {"text": text}
    if side:
        concept["coding"] = [
            {"system": value_system("side"), "code": side, "display": diary_format.SIDES[side]}
        ]
    return concept


def observation(entry: dict[str, Any], subject_name: str | None) -> dict[str, Any]:
    day = entry["date"]
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": entry["id"],
        "status": "final",
        "category": [
            {"coding": [{"system": CATEGORY_SYSTEM, "code": "survey", "display": "Survey"}]}
        ],
        "code": {
            "coding": [{"system": LOINC, "code": PAIN_CODE, "display": PAIN_DISPLAY}],
            "text": "Pain behind the knee (0–10)",
        },
        "effectiveDateTime": day if isinstance(day, str) else day.isoformat(),
        "valueInteger": entry["pain"],
        "bodySite": body_site(entry),
    }
    if subject_name:
        resource["subject"] = {"display": subject_name}
    parts = components(entry)
    if parts:
        resource["component"] = parts
    return resource


def _bundle_entry(entry: dict[str, Any], subject_name: str | None) -> dict[str, Any]:
    return {"fullUrl": f"urn:uuid:{entry['id']}", "resource": observation(entry, subject_name)}


def _timestamp(generated_at: dt.datetime) -> str:
    return generated_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_fhir_bundle(
    entries: Iterable[dict[str, Any]],
    *,
    generated_at: dt.datetime,
    subject_name: str | None = None,
) -> dict[str, Any]:
    """A Bundle of type collection holding one Observation per entry (entries need an id)."""
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": _timestamp(generated_at),
        "entry": [_bundle_entry(entry, subject_name) for entry in entries],
    }


def iter_fhir_bundle_json(
    entries: Iterable[dict[str, Any]],
    *,
    generated_at: dt.datetime,
    subject_name: str | None = None,
) -> Iterator[str]:
    """The bundle's JSON text, one Observation at a time, for a streamed download.

    Byte for byte ``json.dumps(render_fhir_bundle(...), ensure_ascii=False, indent=2)``.
    """
    head = {"resourceType": "Bundle", "type": "collection", "timestamp": _timestamp(generated_at)}
    opening = json.dumps(head, ensure_ascii=False, indent=2)[:-2]  # without "\n}"
    first = True
    for entry in entries:
        text = json.dumps(_bundle_entry(entry, subject_name), ensure_ascii=False, indent=2)
        text = text.replace("\n", "\n    ")
        if first:
            yield f'{opening},\n  "entry": [\n    {text}'
            first = False
        else:
            yield f",\n    {text}"
    yield f'{opening},\n  "entry": []\n}}' if first else "\n  ]\n}"
