"""`missing` names only facts whose absence can change the outcome.

On every bundled scenario (exact dates; the rough ones are decided over every day by
engine/ranged.py and tested in test_ranged*), each fact a result names in `missing` must have
two values that, all else as given, give different outcomes. The values tried are the few
`creval ask` tries before it asks (tools/interview/probes.py): one pass over the packs takes
seconds.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from creval.engine.evaluate import Evaluator
from creval.core.dates import DateRange
from creval.input.loader import load_file
from creval.core.facts import matter_facts
from creval.tools.interview.probes import can_change
from helpers import REPO, bundled

PACKS = sorted((REPO / "scenarios").rglob("*.yaml"))


@pytest.fixture(scope="module")
def evaluator() -> Evaluator:
    return Evaluator(bundled())


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
            checked += 1
            if not can_change(evaluator, test, name, facts, as_of):
                wrong.append(f"{Path(path).relative_to(REPO)}: {test.id}: {name} gives one outcome whatever its value")
    assert checked > 40  # the packs name missing facts in many results
    assert not wrong, "\n".join(wrong)
