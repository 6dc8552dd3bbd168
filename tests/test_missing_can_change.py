"""`missing` names only facts whose absence can change the outcome.

On every bundled scenario (exact dates; the rough ones are decided over every day by
engine/ranged.py and tested in test_ranged*), each fact a result names in `missing` must have
two values that, all else as given, give different outcomes. The values tried are few and
chosen from the case (its own dates and key dates, a day either side, the law's change dates):
one pass over the packs takes seconds.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from creval.engine.evaluate import Evaluator
from creval.core.dates import DateRange
from creval.input.loader import load_file
from creval.core.facts import matter_facts
from helpers import REPO, bundled

PACKS = sorted((REPO / "scenarios").rglob("*.yaml"))
STATES = ["KZ", "RU", "CN", "KP", "US", "GB", "DE", "TR", "KG", "UZ", "UA", "BY", "AE"]


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(bundled())


def _years(day: date, n: int) -> date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:
        return day.replace(year=day.year + n, day=28)


def candidates(test, name, facts, result, as_of) -> list:
    spec = test.rule.facts[name]
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.values)
    if spec.type == "state":
        return STATES
    if spec.type == "int":
        low = spec.min if isinstance(spec.min, int) else test.params.get(getattr(spec.min, "param", None), 0)
        high = spec.max if isinstance(spec.max, int) else test.params.get(getattr(spec.max, "param", None), 100)
        return sorted({low or 0, high if high is not None else 100, 1, 5, 10, 15, 20, 100, 365, 3000} & set(range((low or 0), (high or 100) + 1))) + list(spec.words or [])
    if spec.type == "term":
        return [{"years": y, "months": 0, "days": 0} for y in (0, 1, 3, 5, 10, 25)]
    days = {as_of, _years(as_of, -100), _years(as_of, -30), _years(as_of, -16), _years(as_of, -10), _years(as_of, 1)}
    days |= {v for v in facts.values() if type(v) is date}
    days |= {date.fromisoformat(kd.date) for kd in result.dates}
    days |= {v.from_ for v in test.versions if v.from_}
    days |= {d + timedelta(days=k) for d in list(days) for k in (-1, 1)}
    for c in test.rule.constraints:  # only days the order constraints allow
        if c.earlier == name:
            later = as_of if c.later == "as_of" else facts.get(c.later)
            days = {d for d in days if type(later) is not date or d <= later}
        if c.later == name:
            earlier = as_of if c.earlier == "as_of" else facts.get(c.earlier)
            days = {d for d in days if type(earlier) is not date or earlier <= d}
    return sorted(days)


def results_with_missing(evaluator):
    for path in PACKS:
        loaded = load_file(path, evaluator.book)
        if loaded.errors or loaded.scenario is None:
            continue
        scenario = loaded.scenario
        by_matter = matter_facts(scenario)
        if any(type(v) is DateRange for facts in by_matter.values() for v in facts.values()):
            continue
        as_of = scenario.as_of or date.today()
        for result in evaluator.scenario(scenario).results:
            if result.missing:
                test = evaluator.book.tests[result.test]
                yield path, test, by_matter[test.matter], as_of, result


def test_every_missing_fact_can_change_the_outcome(evaluator):
    checked, wrong = 0, []
    for path, test, facts, as_of, result in results_with_missing(evaluator):
        for name in result.missing:
            outcomes = {evaluator.outcome(test, {**facts, name: value}, as_of)
                        for value in candidates(test, name, facts, result, as_of)}
            checked += 1
            if len(outcomes) < 2:
                wrong.append(f"{Path(path).relative_to(REPO)}: {test.id}: {name} gives only {outcomes}")
    assert checked > 40  # the packs name missing facts in many results
    assert not wrong, "\n".join(wrong)
