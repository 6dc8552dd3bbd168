"""Compile a rule file into a durable_rules ruleset.

For each criterion two rules, `<id>.met` and `<id>.unmet`, each a single pattern on the
matter fact; their actions assert a derived fact {kind: crit, id, status}. For each line of
the outcome table one rule per alternative of its `when` (written out in disjunctive normal
form), a join of crit facts and the matter fact. Which outcome rules fire is the engine's
decision; the first line of the table among them is the outcome ("first that applies").
The outcome `when` language is in outcome_conditions.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from creval.law import conditions
from creval.law.outcome_conditions import CritAtom
from creval.law.rulebook import Test

__all__ = ["CRIT_KIND", "Compiled", "Effect", "compile_test"]

CRIT_KIND = "crit"


@dataclass(frozen=True)
class Effect:
    """What a compiled rule means when it fires."""
    kind: str  # "crit" or "outcome"
    criterion: str = ""
    status: str = ""
    rank: int = -1


@dataclass
class Compiled:
    test: Test
    ruleset: dict[str, dict]  # durable JSON, without actions
    effects: dict[str, Effect]


def _crit_pattern(atom: CritAtom) -> dict:
    ids = [{"id": c} for c in atom.ids]
    return {"$and": [{"kind": CRIT_KIND}, {"status": atom.status}, ids[0] if len(ids) == 1 else {"$or": ids}]}


def _fact_pattern(matter: str, conds: tuple) -> dict:
    # Every pattern carries its kind, or it would also match the engine's own state fact.
    return {"$and": [{"kind": matter}, *(conditions.to_durable(c) for c in conds)]}


def compile_test(test: Test) -> Compiled:
    ruleset: dict[str, dict] = {}
    effects: dict[str, Effect] = {}
    for cid in test.rule.criteria:
        for status, cond in (("met", test.met[cid]), ("unmet", test.unmet[cid])):
            name = f"crit|{cid}|{status}"
            ruleset[name] = {"all": [{"m": _fact_pattern(test.matter, (cond,))}]}
            effects[name] = Effect("crit", criterion=cid, status=status)
    for rank, row in enumerate(test.rule.outcome_table):
        for alt, conj in enumerate(test.outcome_dnf[rank]):
            patterns = [{f"c{i}": _crit_pattern(atom)} for i, atom in enumerate(conj.crits)]
            if conj.facts or not conj.crits:
                patterns.append({"f": _fact_pattern(test.matter, conj.facts)})
            name = f"out|{rank}|{alt}"
            ruleset[name] = {"all": patterns}
            effects[name] = Effect("outcome", rank=rank)
    return Compiled(test, ruleset, effects)
