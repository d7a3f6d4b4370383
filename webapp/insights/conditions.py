"""The small declarative condition language the knowledge is written in.

A condition is JSON-ready data judged against ONE diary entry (a ``fossa-diary/1``
dict). The same conditions are evaluated here by the engine and, for the red flags
that one entry can raise, by the browser (``client_red_flag_rules``), so the
grammar below is the contract between the two.

Grammar (every key is a ``fossa-diary/1`` field name or one of these operators):

``{"field": F, "is": V}``
    the answer to F equals V (a boolean, an enum value or a number).
``{"field": F, "in": [V, ...]}``
    the answer to F is one of the values.
``{"field": F, "has": V}``
    the list field F (``locations``, ``provoked_by``) contains V.
``{"field": F, "has_any": [V, ...]}``
    the list field F contains at least one of the values.
``{"field": F, "at_least": N}``
    the number F (``pain``) is N or more.
``{"field": F, "not_recorded_as": V}``
    true unless F is recorded with the value V: a missing answer counts as "could be".
    Used where safety asks for it (a red flag must not wait for an answer that
    was never given, e.g. "sudden" onset of severe calf pain), and to make an
    exception that only a recorded answer grants (a cause's sign counts against it
    unless an earlier injury is recorded).
``{"all": [C, ...]}`` / ``{"any": [C, ...]}``
    every / at least one sub-condition holds.
``{"count_of": [F, ...], "is": V, "at_least": N}``
    at least N of the fields have the answer V.

Missing answers are unknown, never "no": judging gives True, False or None
(unknown), with Kleene's three-valued logic for ``all``/``any``/``count_of``. A rule
fires only on True, and a cause counts evidence against itself only on True of its
"against" condition, so a field left out can never be read as "no".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

# One matched answer: (field, value). Evidence is built from these.
Match = tuple[str, Any]
Judgement = tuple[bool | None, list[Match]]
Judge = Callable[[Mapping[str, Any]], Judgement]

_FIELD_OPS = ("is", "in", "has", "has_any", "at_least", "not_recorded_as")


def compile_condition(cond: Mapping[str, Any]) -> Judge:
    """Turn a condition into a function of one entry -> (True/False/None, matched answers)."""
    if "all" in cond:
        return _compile_all([compile_condition(c) for c in cond["all"]])
    if "any" in cond:
        return _compile_any([compile_condition(c) for c in cond["any"]])
    if "count_of" in cond:
        return _compile_count(list(cond["count_of"]), cond["is"], int(cond["at_least"]))
    if "field" in cond:
        ops = [op for op in _FIELD_OPS if op in cond]
        if len(ops) != 1:
            raise ValueError(f"a field condition needs exactly one of {_FIELD_OPS}: {cond!r}")
        return _compile_field(cond["field"], ops[0], cond[ops[0]])
    raise ValueError(f"unknown condition: {cond!r}")


def fields_of(cond: Mapping[str, Any]) -> set[str]:
    """Every entry field a condition reads."""
    if "all" in cond or "any" in cond:
        return set().union(*(fields_of(c) for c in cond.get("all", cond.get("any", []))))
    if "count_of" in cond:
        return set(cond["count_of"])
    return {cond["field"]}


def _compile_field(field: str, op: str, operand: Any) -> Judge:
    def judge(entry: Mapping[str, Any]) -> Judgement:
        value = entry.get(field)
        if value is None:
            if op == "not_recorded_as":
                return True, []
            return None, []
        # A value of the wrong kind is no answer: unknown, never a guess.
        if op in ("has", "has_any") and not isinstance(value, list | tuple):
            return None, []
        if op == "at_least" and (isinstance(value, bool) or not isinstance(value, int | float)):
            return None, []
        if op == "is":
            ok = value == operand and type(value) is type(operand)
        elif op == "in":
            ok = value in operand
        elif op == "has":
            ok = operand in value
            return (True, [(field, operand)]) if ok else (False, [])
        elif op == "has_any":
            hits = [v for v in operand if v in value]
            return (True, [(field, v) for v in hits]) if hits else (False, [])
        elif op == "at_least":
            ok = value >= operand
        else:  # not_recorded_as
            ok = value != operand
        return (True, [(field, value)]) if ok else (False, [])

    return judge


def _compile_all(parts: list[Judge]) -> Judge:
    def judge(entry: Mapping[str, Any]) -> Judgement:
        unknown = False
        matches: list[Match] = []
        for part in parts:
            result, hits = part(entry)
            if result is False:
                return False, []
            if result is None:
                unknown = True
            else:
                matches.extend(hits)
        return (None, []) if unknown else (True, matches)

    return judge


def _compile_any(parts: list[Judge]) -> Judge:
    def judge(entry: Mapping[str, Any]) -> Judgement:
        unknown = found = False
        matches: list[Match] = []
        for part in parts:
            result, hits = part(entry)
            if result:
                found = True
                matches.extend(hits)
            elif result is None:
                unknown = True
        if found:
            return True, matches
        return (None, []) if unknown else (False, [])

    return judge


def _compile_count(fields: list[str], wanted: Any, at_least: int) -> Judge:
    def judge(entry: Mapping[str, Any]) -> Judgement:
        hits = [(f, entry[f]) for f in fields if f in entry and entry[f] == wanted]
        unknown = sum(1 for f in fields if entry.get(f) is None)
        if len(hits) >= at_least:
            return True, hits
        if len(hits) + unknown >= at_least:
            return None, []
        return False, []

    return judge
