"""From a validated scenario to its results: derive, let the engine decide, explain.

For each test whose matter the scenario names: compute the derived quantities, ask the
engine (or, for cross-checks, the oracle) which criteria hold and which outcome lines fire,
then fill in the explanation: reasons, missing facts, key dates, sources, notes, caveats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from . import __version__
from .derive import Derived, derive
from .engine import Decision, Engine, EngineError
from .rulebook import RuleBook, Test
from .scenario import matter_facts

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass
class CriterionResult:
    id: str
    status: str
    reason: str
    source: str
    title: str


@dataclass
class KeyDateResult:
    event: str
    date: str
    text: str


@dataclass
class TestResult:
    test: str
    outcome: str
    criteria: list[CriterionResult]
    missing: list[str]
    dates: list[KeyDateResult]
    sources: list[str]
    caveats: list[str]
    title: str = ""
    explanation: str = ""
    assessed_on: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out["criteria"] = [dict(c.__dict__) for c in self.criteria]
        out["dates"] = [dict(d.__dict__) for d in self.dates]
        for name in ("missing", "sources", "caveats", "notes"):
            out[name] = list(out[name])
        out["details"] = {k: list(v) if isinstance(v, list) else v for k, v in self.details.items()}
        return out


@dataclass
class ScenarioResult:
    scenario: str
    file: str
    as_of: str
    creval: str
    rules_digest: str
    results: list[TestResult]
    expected: dict[str, str]
    mismatches: list[str]
    title: str = ""
    errors: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The same as `dataclasses.asdict(self)`, written out: asdict deep-copies every
        value and was a third of the time of `creval batch`."""
        out = dict(self.__dict__)
        out["results"] = [r.to_json() for r in self.results]
        out["expected"] = dict(self.expected)
        out["mismatches"] = list(self.mismatches)
        out["errors"] = list(self.errors)
        return out


def fill(template: str, values: dict[str, Any]) -> str:
    """Replace {name} placeholders; no format mini-language, so templates cannot reach objects."""
    def one(match: re.Match) -> str:
        value = values.get(match.group(1))
        if value is None:
            return "unknown"
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, list):
            return ", ".join(map(str, value)) if value else "none"
        return str(value)
    return _PLACEHOLDER.sub(one, template)


class Evaluator:
    def __init__(self, book: RuleBook, decide: Callable[[str, dict], Decision] | None = None):
        self.book = book
        self._decide = decide or Engine(book).decide

    def scenario(self, scenario, file: str = "", tests: list[str] | None = None, lang: str = "en") -> ScenarioResult:
        as_of = scenario.as_of or date.today()
        results, errors = [], []
        for matter, facts in sorted(matter_facts(scenario).items()):
            for test in self.book.matters[matter]:
                if tests and test.id not in tests:
                    continue
                try:
                    results.append(self.test(test, facts, as_of, lang))
                except EngineError as exc:
                    errors.append(f"{test.id}: {exc}")
        expected = dict(scenario.expected or {})
        outcomes = {r.test: r.outcome for r in results}
        mismatches = [t for t, want in expected.items() if t in outcomes and outcomes[t] != want]
        return ScenarioResult(
            scenario.id, file, as_of.isoformat(), __version__, self.book.digest, results, expected, mismatches,
            title=scenario.title or "", errors=errors,
        )

    def test(self, test: Test, facts: dict[str, Any], as_of: date, lang: str = "en") -> TestResult:
        derived = derive(test, facts, as_of, self.book.tables)
        decision = self._decide(test.id, derived.values)
        if not decision.ranks:
            raise EngineError("no line of the outcome table applies: the rule file is incomplete")
        rank = min(decision.ranks)
        row = test.rule.outcome_table[rank]
        values = _template_values(test, derived)
        rule = test.rule
        criteria = [
            CriterionResult(
                cid, decision.statuses[cid], fill(crit.reason[decision.statuses[cid]].get(lang), values),
                "; ".join(rule.sources[s].cite() for s in crit.sources), crit.title.get(lang),
            )
            for cid, crit in rule.criteria.items()
        ]
        missing = _missing(test, facts, decision, rank) if row.outcome == "undetermined" else []
        dates = [
            KeyDateResult(kd.event, derived.values[kd.date].isoformat(), fill(kd.text.get(lang), values))
            for kd in rule.key_dates
            if derived.values.get(kd.date) is not None
        ]
        details = {rep.name: _plain(derived.lists.get(rep.name, derived.values.get(rep.name))) for rep in rule.report}
        date_fact = rule.date_fact and derived.values.get(rule.date_fact)
        return TestResult(
            test.id, row.outcome, criteria, missing, dates, test.sources_cited(),
            [fill(c.get(lang), values) for c in rule.caveats],
            title=rule.title.get(lang), explanation=fill(row.text.get(lang), values),
            assessed_on=(date_fact or as_of).isoformat(), details=details,
            notes=[fill(n.get(lang), values) for n in rule.notes],
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _template_values(test: Test, derived: Derived) -> dict[str, Any]:
    values = {**test.params, **derived.values}
    values.update({f"{k}_note": v for k, v in derived.notes.items()})
    values.update({f"{k}_list": v for k, v in derived.lists.items()})
    return values


def _missing(test: Test, facts: dict[str, Any], decision: Decision, rank: int) -> list[str]:
    """The absent facts read by the unknown criteria that left the outcome undetermined."""
    row = test.rule.outcome_table[rank]
    blamed = decision.unknown_hits.get(rank) or set(row.because_unknown or [])
    blamed = {c for c in blamed if decision.statuses[c] == "unknown"} or {
        c for c, s in decision.statuses.items() if s == "unknown"
    }
    reads = {f for c in blamed for f in test.rule.criteria[c].reads}
    return [f for f in test.rule.facts if f in reads and facts.get(f) is None]
