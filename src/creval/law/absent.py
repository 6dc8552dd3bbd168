"""How an absent fact is treated: the assumptions a rule makes, and which facts are missing.

Assumptions: each fact a test reads that the scenario does not state, and how the rule
treated its absence. The treatment is read from the rule file, not hard-coded per test:

- the fact has a `default` (credited_days: 0): the default was used;
- the fact feeds a `first_known: [fact, ..., as_of]` derivation (proceedings_date ...): the
  assessment date was used instead;
- a criterion tests `unknown: fact` (convention_in_force ...): the treaty tables decided;
- a criterion tests `not_true: fact` (a defence): not established;
- otherwise: unknown.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from creval.core.dates import iso
from creval.law import conditions
from creval.law.rulebook import LAW_VERSION, Test

__all__ = ["AS_OF", "DEFAULT", "NOT_ESTABLISHED", "TABLES", "UNKNOWN", "assumptions", "falls_back", "treatments",
           "version_assumption"]

DEFAULT, AS_OF, TABLES, NOT_ESTABLISHED, UNKNOWN = "default", "as_of", "tables", "not_established", "unknown"


def _walk(cond: conditions.Condition):
    if isinstance(cond, conditions.Junction):
        for part in cond.parts:
            yield from _walk(part)
    else:
        yield cond


@lru_cache(maxsize=64)
def treatments(test: Test) -> dict[str, str]:
    """How the rule treats the absence of each of its facts (see the module docstring)."""
    rule = test.rule
    fallback: set[str] = set()
    for spec in rule.derived.values():
        args = spec.get("first_known")
        if isinstance(args, list) and "as_of" in args:
            fallback.update(a for a in args if a in rule.facts)
    overrides, defences = set(), set()
    for cid in rule.criteria:
        for cond in (test.met[cid], test.unmet[cid]):
            for leaf in _walk(cond):
                if isinstance(leaf, conditions.Presence) and not leaf.known:
                    overrides.add(leaf.field)
                elif isinstance(leaf, conditions.Truth) and leaf.kind == "not_true":
                    defences.add(leaf.field)
    out = {}
    for name, spec in rule.facts.items():
        if spec.default is not None:
            out[name] = DEFAULT
        elif name in fallback:
            out[name] = AS_OF
        elif name in overrides:
            out[name] = TABLES
        elif name in defences:
            out[name] = NOT_ESTABLISHED
        else:
            out[name] = UNKNOWN
    return out


def assumptions(test: Test, facts: dict[str, Any], given: set[str], as_of: date) -> list[dict]:
    """One entry per fact of the test that the scenario does not state: {fact, treated_as,
    value} (render/explain.py words it).

    `facts` are the matter's facts after validation (defaults filled in); `given` the names
    the scenario itself set (a default is an assumption unless stated)."""
    out = []
    for name, kind in _assumable(test):
        value = facts.get(name)
        if value is not None and (kind != DEFAULT or name in given):
            continue  # stated
        if kind == AS_OF and not falls_back(test, name, facts):
            continue  # the fallback to the assessment date was switched off (proceedings said to have commenced)
        if kind == DEFAULT:
            value = test.rule.facts[name].default
        elif kind == AS_OF:
            value = as_of
        out.append({"fact": name, "treated_as": kind, "value": iso(value)})
    return out


@lru_cache(maxsize=64)
def _assumable(test: Test) -> tuple[tuple[str, str], ...]:
    """The facts whose absence the rule fills in, with how: a fact simply unknown makes no
    assumption (`missing` says whether it matters)."""
    return tuple((name, kind) for name, kind in treatments(test).items() if kind != UNKNOWN)


@lru_cache(maxsize=64)
def _guarded(test: Test) -> dict[str, tuple[str, ...]]:
    """Facts whose fallback to the assessment date is skipped when a yes/no fact is true
    (`unless_true`): fact -> those yes/no facts."""
    out: dict[str, tuple[str, ...]] = {}
    for spec in test.rule.derived.values():
        args, guard = spec.get("first_known"), spec.get("unless_true")
        if guard and isinstance(args, list) and "as_of" in args:
            for a in args:
                if a in test.rule.facts:
                    out[a] = out.get(a, ()) + (guard,)
    return out


def falls_back(test: Test, name: str, facts: dict[str, Any]) -> bool:
    """Whether an absent fact was replaced by the assessment date (then it is an assumption,
    not a missing fact); not when a yes/no fact switched that fallback off."""
    if treatments(test).get(name) != AS_OF:
        return False
    return not any(facts.get(g) is True for g in _guarded(test).get(name, ()))


def version_assumption(test: Test, version: Any) -> list[dict]:
    """The assumption a law version makes where its content could not be verified."""
    if version is None or version.assumption is None:
        return []
    return [{"fact": LAW_VERSION, "treated_as": LAW_VERSION, "value": version.id}]
