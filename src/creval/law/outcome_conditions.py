"""The language of the outcome table's `when`, parsed into disjunctive normal form.

    always
    {met: C} {unmet: C} {unknown: C}
    {any_met: [C, ...]} {any_unmet: [...]} {any_unknown: [...]} {all_met: [...]}
    {fact: <condition>}            (a condition on the matter fact, see conditions.py)
    {all: [when, ...]} {any: [when, ...]}

Each alternative (a Conjunction) becomes one engine rule: a join of crit facts with the
matter fact.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import Any

from creval.law import conditions

__all__ = ["Conjunction", "CritAtom", "STATUSES", "when_to_dnf"]

STATUSES = ("met", "unmet", "unknown")


@dataclass(frozen=True)
class CritAtom:
    status: str
    ids: tuple[str, ...]  # any of these criteria has this status


@dataclass(frozen=True)
class Conjunction:
    crits: tuple[CritAtom, ...]
    facts: tuple[conditions.Condition, ...]



def when_to_dnf(raw: Any, schema: conditions.Schema, criteria: set[str], where: str) -> list[Conjunction]:
    if raw == "always":
        return [Conjunction((), ())]
    if not isinstance(raw, dict) or len(raw) != 1:
        raise conditions.ConditionError(f"{where}: `when` is 'always' or a mapping with one key")
    (key, arg), = raw.items()
    here = f"{where}.{key}"
    if key in ("all", "any"):
        if not isinstance(arg, list) or not arg:
            raise conditions.ConditionError(f"{here}: expects a non-empty list")
        parts = [when_to_dnf(p, schema, criteria, f"{here}[{i}]") for i, p in enumerate(arg)]
        if key == "any":
            return [c for part in parts for c in part]
        return [
            Conjunction(sum((c.crits for c in combo), ()), sum((c.facts for c in combo), ()))
            for combo in product(*parts)
        ]
    if key == "fact":
        return [Conjunction((), (conditions.parse(arg, schema, here),))]
    many, _, status = key.rpartition("_")  # "any_unmet" -> ("any", "unmet"); "met" -> ("", "met")
    if status not in STATUSES or many not in ("", "any", "all") or (many == "all" and status != "met"):
        raise conditions.ConditionError(f"{where}: unknown key {key!r}")
    ids = [arg] if many == "" else arg
    if not isinstance(ids, list) or not ids:
        raise conditions.ConditionError(f"{here}: expects a criterion or a list of them")
    for cid in ids:
        if cid not in criteria:
            raise conditions.ConditionError(f"{here}: unknown criterion {cid!r}")
    if many == "all":
        return [Conjunction(tuple(CritAtom(status, (c,)) for c in ids), ())]
    return [Conjunction((CritAtom(status, tuple(ids)),), ())]
