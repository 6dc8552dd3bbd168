"""What the engine decides about a scenario: codes and values, no text.

A result says which outcome, which status each criterion has, which facts are missing, which
key dates fall when, which version of the law applies, which assumptions were made, and the
values the rule's texts name. It is the same in every language: render/explain.py turns it
into words, in any language, as often as asked (a page's language switch, a memo in two
languages) without deciding again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Sequence

__all__ = ["CriterionResult", "KeyDateResult", "ScenarioResult", "TestResult"]


@dataclass(slots=True)
class CriterionResult:
    """A criterion's status. Its sequences are read, never changed in place: a criterion
    without any shares the empty tuple (a result has several criteria, a batch millions)."""
    id: str
    status: str  # met, unmet, unknown
    assumed: Sequence[str] = ()  # facts it reads that the rule assumed (law/absent.py)
    rows: Sequence[Any] = ()  # treaty-table rows behind its treaty notes: cited beside its sources
    # dates known only roughly (engine/ranged.py): the status on each part of the possible days,
    # [(when, status)], where they do not agree (the status is then `unknown`); past a dozen
    # parts (along a diagonal) only their count and the statuses met
    changes: list | None = None
    parts: int = 0
    statuses: Sequence[str] = ()


@dataclass(slots=True)
class KeyDateResult:
    event: str
    date: str  # the earliest possible day when a fact it is computed from is known only roughly
    until: str | None = None  # the latest possible day then (engine/ranged.py)
    version: str | None = None  # a change of law (event `law-change-<id>`): the version that begins
    fact: str | None = None  # ... and the date fact (or `as_of`) that selects the version


@dataclass(slots=True)
class TestResult:
    test: str
    outcome: str
    criteria: list[CriterionResult]
    missing: Sequence[str]  # read only: a decided outcome shares the empty tuple
    dates: list[KeyDateResult]
    assessed_on: str = ""
    details: dict[str, Any] = field(default_factory=dict)  # the rule's `report` values: codes, ISO dates, lists
    values: dict[str, Any] = field(default_factory=dict)  # what the rule's texts name: parameters, derived values, notes
    rank: int | None = None  # the line of the outcome table that decided; None when rough dates split the outcome
    row_sources: list = field(default_factory=list)  # treaty-table rows cited as sources of the whole result
    caveats: list[int] = field(default_factory=list)  # the rule's caveats that apply to this case, by place
    assumptions: list[dict] = field(default_factory=list)  # {fact, treated_as, value}: absent facts and how they were treated
    law_version: str | None = None  # the id of the version of the law applied
    # dates known only roughly (engine/ranged.py): the ranges, the outcome on each part of them
    # where they do not agree, the facts that split it, and the derived values known only as a
    # range of days; None (and not in JSON) when every date is exact
    ranged: list[dict] | None = None
    alternatives: list[dict] | None = None
    alternatives_more: int = 0  # alternatives left out of `alternatives` (at most a dozen are listed)
    split_facts: list[str] = field(default_factory=list)
    varying: dict[str, tuple[date, date]] = field(default_factory=dict)
    # what the facts proved (law/rulebook Constraint.proves): (place of the constraint, the known later date)
    proved: list[tuple[int, date]] = field(default_factory=list)
    rule: Any = field(default=None, repr=False, compare=False)  # the law.rulebook.Test decided: its texts explain this


@dataclass(slots=True)
class ScenarioResult:
    scenario: str
    file: str
    as_of: str
    creval: str
    rules_digest: str
    results: list[TestResult]
    expected: dict[str, str]
    mismatches: list[str]
    title: Any = None  # as the scenario gives it: text, or a mapping by language
    errors: list[str] = field(default_factory=list)  # messages (core.text.Msg where they have a key)
    scenario_digest: str = ""  # sha256 of the validated scenario's canonical JSON (core/facts.py)
