"""What the engine decides about a scenario: one result per test, and the scenario's result.

Today a result still carries the texts of the language it was evaluated in (reasons,
explanations, key-date texts); JSON drops the fields marked "not in JSON".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CriterionResult", "KeyDateResult", "ScenarioResult", "TestResult"]


@dataclass
class CriterionResult:
    id: str
    status: str
    reason: str
    source: str
    title: str
    assumed: list[str] = field(default_factory=list)  # facts it reads that the rule assumed (see `assumptions`)


@dataclass
class KeyDateResult:
    event: str
    date: str  # the earliest possible day when a fact it is computed from is known only roughly
    text: str
    until: str | None = None  # the latest possible day then (engine/ranged.py); else not in JSON


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
    assumptions: list[dict] = field(default_factory=list)  # absent facts and how they were treated (law/absent.py)
    law_version: dict | None = None  # the version of the law applied: id, title, period, sources, confidence
    detail_titles: dict[str, str] = field(default_factory=dict)  # details' names in the result's language; not in JSON
    sources_shown: list[str] = field(default_factory=list)  # `sources` cited in the result's language; not in JSON
    # dates known only roughly (engine/ranged.py): the ranges, and the outcome on each part of
    # them where they do not agree; None (and not in JSON) when every date is exact
    ranged: list[dict] | None = None
    alternatives: list[dict] | None = None
    alternatives_more: int = 0  # alternatives left out of `alternatives` (at most a dozen are listed); in JSON when not 0

    def to_json(self) -> dict:
        out = dict(self.__dict__)
        out.pop("detail_titles", None)
        out.pop("sources_shown", None)
        if self.ranged is None:
            out.pop("ranged", None)
            out.pop("alternatives", None)
        if not self.alternatives_more:
            out.pop("alternatives_more", None)
        out["criteria"] = [dict(c.__dict__) for c in self.criteria]
        out["dates"] = [_date_json(d) for d in self.dates]
        for name in ("missing", "sources", "caveats", "notes"):
            out[name] = list(out[name])
        out["details"] = {k: list(v) if isinstance(v, list) else v for k, v in self.details.items()}
        return out


def _date_json(d: KeyDateResult) -> dict:
    out = dict(d.__dict__)
    if out["until"] is None:
        out.pop("until")
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
    scenario_digest: str = ""  # sha256 of the validated scenario's canonical JSON (core/facts.py)
    lang: str = "en"  # the language of the texts

    def to_json(self) -> dict:
        """The same as `dataclasses.asdict(self)`, written out: asdict deep-copies every
        value and was a third of the time of `creval batch`."""
        out = dict(self.__dict__)
        out["results"] = [r.to_json() for r in self.results]
        out["expected"] = dict(self.expected)
        out["mismatches"] = list(self.mismatches)
        out["errors"] = list(self.errors)
        return out
