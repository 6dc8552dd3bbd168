"""Which outcomes and criterion states a scenario pack exercises, and which it misses.

For each test: every outcome of the rule file and every state (met, unmet, unknown) of every
criterion that can occur, with the scenarios that reach it. What no scenario reaches is a gap
in the exercise set. A state that no facts can produce is not asked for: a criterion whose
`met` and `unmet` conditions between them match every value of its fields, absence included,
is never unknown (see `possible_states`).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Optional

from creval.law import conditions
from creval.law.conditions import Compare, FieldRef, Junction, Member

from creval.engine.evaluate import ScenarioResult
from creval.render.i18n import t
from creval.law.rulebook import RuleBook

__all__ = ["FORMATS", "MAX_CASES", "STATES", "TestCoverage", "as_json", "as_text", "coverage", "possible_states"]

STATES = ("met", "unmet", "unknown")
MAX_CASES = 200_000  # past this many combinations a criterion is assumed to reach every state


# ---------------------------------------------------------------- which states can occur


def possible_states(test, criterion: str) -> tuple[str, ...]:
    """The states (met, unmet, unknown) that some facts can give `criterion` of `test`.

    Every field the two conditions read takes, in turn, each value that can make a
    difference: absent (unless it is never absent: the assessment date, or a value derived
    from it), both truth values, each enumerated value, each literal the conditions name
    (and a value named by none), each ordering of the dates and numbers compared. Derived
    values are varied independently of the facts they come from, so a state may be listed
    that real facts cannot reach, never the other way round."""
    return _possible(test, criterion)


@lru_cache(maxsize=256)
def _possible(test, criterion: str) -> tuple[str, ...]:
    met, unmet = test.met[criterion], test.unmet[criterion]
    names = sorted(conditions.fields(met) | conditions.fields(unmet))
    domains = _domains(test, names, [met, unmet])
    cases = 1
    for values in domains:
        cases *= len(values)
    if cases > MAX_CASES:
        return STATES
    found: set[str] = set()
    for combo in itertools.product(*domains):
        fact = {n: v for n, v in zip(names, combo) if v is not None}
        is_met, is_unmet = conditions.matches(met, fact), conditions.matches(unmet, fact)
        if is_met and is_unmet:
            continue  # the engine refuses such facts as an inconsistent rule file
        found.add("met" if is_met else "unmet" if is_unmet else "unknown")
        if len(found) == len(STATES):
            break
    return tuple(s for s in STATES if s in found)


def _domains(test, names: list[str], conds: list) -> list[list[Any]]:
    types = test.field_types
    literals: dict[str, set] = {}  # type -> literals the conditions compare with

    def walk(cond) -> None:
        if isinstance(cond, Junction):
            for part in cond.parts:
                walk(part)
        elif isinstance(cond, Member):
            literals.setdefault(types[cond.field], set()).update(cond.values)
        elif isinstance(cond, Compare) and not isinstance(cond.operand, FieldRef):
            literals.setdefault(types[cond.field], set()).add(cond.operand)

    for cond in conds:
        walk(cond)
    ordered = {kind: sum(types[n] == kind for n in names) for kind in ("date", "int")}
    pools: dict[str, list] = {
        "bool": [True, False],
        "date": list(range(max(ordered["date"], 1))),  # dates only compare with each other
        "int": sorted({v + d for v in literals.get("int", ()) for d in (-1, 0, 1)} | set(range(max(ordered["int"], 1)))),
    }
    out = []
    for name in names:
        kind = types[name]
        if kind == "enum":
            values = list(test.field_values[name])
        elif kind in pools:
            values = pools[kind]
        else:  # states and treaty statuses: the literals named, and two values named by none
            values = sorted(literals.get(kind, ()), key=str) + ["\x00one", "\x00other"]
        out.append(values if _never_absent(test, name) else [None, *values])
    return out


def _never_absent(test, name: str) -> bool:
    """The assessment date always has a value, and so does a value derived from it by
    `first_known` or `copy`."""
    if name == "as_of":
        return True
    spec = test.rule.derived.get(name)
    if not spec or spec.get("unless_known") or spec.get("unless_true"):
        return False
    if "first_known" in spec:
        return any(_never_absent(test, a) for a in spec["first_known"] if isinstance(a, str))
    if "copy" in spec:
        return isinstance(spec["copy"], str) and _never_absent(test, spec["copy"])
    return False


@dataclass
class TestCoverage:
    test: str
    title: str
    scenarios: list[str] = field(default_factory=list)
    outcomes: dict[str, list[str]] = field(default_factory=dict)  # outcome -> scenario ids
    criteria: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # criterion -> state -> ids

    @property
    def missing_outcomes(self) -> list[str]:
        return [o for o, ids in self.outcomes.items() if not ids]

    @property
    def missing_states(self) -> list[tuple[str, str]]:
        return [(c, s) for c, states in self.criteria.items() for s, ids in states.items() if not ids]

    @property
    def cannot_occur(self) -> list[tuple[str, str]]:
        """Criterion states that no facts can produce: not asked for."""
        return [(c, s) for c, states in self.criteria.items() for s in STATES if s not in states]

    def to_json(self) -> dict:
        return {
            "test": self.test,
            "title": self.title,
            "scenarios": len(self.scenarios),
            "outcomes": self.outcomes,
            "criteria": self.criteria,  # only the states that can occur
            "cannot_occur": [{"criterion": c, "status": s} for c, s in self.cannot_occur],
            "missing": {
                "outcomes": self.missing_outcomes,
                "criteria": [{"criterion": c, "status": s} for c, s in self.missing_states],
            },
        }


def coverage(book: RuleBook, results: list[ScenarioResult], tests: Optional[list[str]] = None,
             lang: str = "en") -> list[TestCoverage]:
    out: dict[str, TestCoverage] = {}
    for test_id, test in book.tests.items():
        if tests and test_id not in tests:
            continue
        out[test_id] = TestCoverage(
            test_id, test.rule.title.get(lang),
            outcomes={o: [] for o in test.rule.outcomes},
            criteria={c: {s: [] for s in possible_states(test, c)} for c in test.rule.criteria},
        )
    for scenario in results:
        for r in scenario.results:
            cov = out.get(r.test)
            if cov is None:
                continue
            cov.scenarios.append(scenario.scenario)
            cov.outcomes.setdefault(r.outcome, []).append(scenario.scenario)
            for c in r.criteria:
                cov.criteria.setdefault(c.id, {}).setdefault(c.status, []).append(scenario.scenario)
    return list(out.values())


def as_json(covs: list[TestCoverage], paths: list[str], scenarios: int, digest: str) -> str:
    payload = {
        "pack": paths,
        "scenarios": scenarios,
        "rules_digest": digest,
        "tests": [c.to_json() for c in covs],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2)


def as_text(covs: list[TestCoverage], paths: list[str], scenarios: int, lang: str = "en") -> str:
    lines = [t("coverage.heading", lang, pack=", ".join(paths), scenarios=scenarios)]
    untouched = [c.test for c in covs if not c.scenarios]
    for cov in covs:
        if not cov.scenarios:
            continue
        lines += ["", t("coverage.test", lang, test=cov.test, title=cov.title, scenarios=len(cov.scenarios))]
        o_head, c_head = t("coverage.outcomes", lang), t("coverage.criteria", lang)
        width = max([len(o) + 2 for o in cov.outcomes] + [len(c) + 2 for c in cov.criteria] + [len(o_head), len(c_head)])
        count_head = t("coverage.count", lang)
        lines.append(f"  {o_head.ljust(width)}  {count_head}")
        for outcome, ids in cov.outcomes.items():
            mark = t("coverage.missing_mark", lang) if not ids else ""
            lines.append(f"  {('  ' + outcome).ljust(width)}  {str(len(ids)).rjust(len(count_head))}  {mark}".rstrip())
        heads = [t(f"coverage.state.{s}", lang) for s in STATES]
        cols = [max(len(h), 3) for h in heads]
        lines.append(f"  {c_head.ljust(width)}  " + "  ".join(h.rjust(w) for h, w in zip(heads, cols)))
        for cid, states in cov.criteria.items():
            cells = [_cell(states, s, lang).rjust(w) for s, w in zip(STATES, cols)]
            lines.append(f"  {('  ' + cid).ljust(width)}  " + "  ".join(cells))
        if cov.cannot_occur:
            lines.append("  " + t("coverage.cannot_occur_note", lang))
        gaps = [t("coverage.gap.outcome", lang, outcome=o) for o in cov.missing_outcomes]
        gaps += [t("coverage.gap.state", lang, criterion=c, status=t(f"coverage.state.{s}", lang)) for c, s in cov.missing_states]
        if gaps:
            lines.append("  " + t("coverage.gaps", lang, count=len(gaps)))
            lines += [f"    - {g}" for g in gaps]
        else:
            lines.append("  " + t("coverage.complete", lang))
    if untouched:
        lines += ["", t("coverage.untouched", lang, tests=", ".join(untouched))]
    return "\n".join(lines)


def _cell(states: dict[str, list[str]], state: str, lang: str) -> str:
    """How many scenarios reach `state`; `-` for none; a blank-like mark where it cannot occur."""
    if state not in states:
        return t("coverage.cannot_occur", lang)
    return str(len(states[state])) if states[state] else "-"


def _json(covs: list[TestCoverage], paths: list[str], scenarios: int, digest: str, lang: str) -> str:
    return as_json(covs, paths, scenarios, digest)


def _text(covs: list[TestCoverage], paths: list[str], scenarios: int, digest: str, lang: str) -> str:
    return as_text(covs, paths, scenarios, lang)


# `creval coverage --format NAME`: (renderer, whether a terminal colours its UNMET and MISSING)
FORMATS = {"text": (_text, True), "json": (_json, False)}
