"""A plain-Python evaluation of the same compiled conditions: the engine's test oracle.

It reads the very condition trees the compiler turns into durable rules, and decides them
with `conditions.matches`. Property tests check that the engine and this agree; the
benchmark uses it as the speed floor.
"""

from __future__ import annotations

from typing import Any

from creval.law.conditions import matches
from creval.engine.engine import Decision, engine_fact
from creval.law.outcome_conditions import Conjunction
from creval.law.rulebook import Test

__all__ = ["decide"]


def decide(test: Test, values: dict[str, Any]) -> Decision:
    fact = engine_fact(test.matter, values)
    statuses = {}
    for cid in test.rule.criteria:
        met, unmet = matches(test.met[cid], fact), matches(test.unmet[cid], fact)
        statuses[cid] = "met" if met and not unmet else "unmet" if unmet and not met else "unknown" if not met else "conflict"
    decision = Decision(statuses, set())
    for rank, alternatives in enumerate(test.outcome_dnf):
        for conj in alternatives:
            if _holds(conj, statuses, fact):
                decision.ranks.add(rank)
                unknown = {c for atom in conj.crits if atom.status == "unknown" for c in atom.ids if statuses[c] == "unknown"}
                if unknown:
                    decision.unknown_hits.setdefault(rank, set()).update(unknown)
    return decision


def _holds(conj: Conjunction, statuses: dict[str, str], fact: dict) -> bool:
    return all(any(statuses[c] == atom.status for c in atom.ids) for atom in conj.crits) and all(
        matches(cond, fact) for cond in conj.facts
    )
