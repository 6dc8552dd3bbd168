"""Which outcomes and criterion states a scenario pack exercises, and which it misses.

For each test: every outcome of the rule file and every state (met, unmet, unknown) of every
criterion, with the scenarios that reach it. What no scenario reaches is a gap in the
exercise set. (Some gaps may be unreachable by construction: the report lists them anyway,
for the trainer to judge.)
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Optional

from creval.engine.evaluate import ScenarioResult
from creval.output.i18n import t
from creval.law.rulebook import RuleBook

STATES = ("met", "unmet", "unknown")


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

    def to_json(self) -> dict:
        return {
            "test": self.test,
            "title": self.title,
            "scenarios": len(self.scenarios),
            "outcomes": self.outcomes,
            "criteria": self.criteria,
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
            criteria={c: {s: [] for s in STATES} for c in test.rule.criteria},
        )
    for scenario in results:
        for r in scenario.results:
            cov = out.get(r.test)
            if cov is None:
                continue
            cov.scenarios.append(scenario.scenario)
            cov.outcomes.setdefault(r.outcome, []).append(scenario.scenario)
            for c in r.criteria:
                cov.criteria.setdefault(c.id, {s: [] for s in STATES}).setdefault(c.status, []).append(scenario.scenario)
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
            cells = [(str(len(states[s])) if states[s] else "-").rjust(w) for s, w in zip(STATES, cols)]
            lines.append(f"  {('  ' + cid).ljust(width)}  " + "  ".join(cells))
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
