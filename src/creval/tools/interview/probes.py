"""The values tried for an unknown fact, to see whether an answer could change an outcome.

`creval ask` asks a question only when some answer would change the outcome (interview.py),
and the test of `missing` checks that every fact named there can (test_missing_can_change.py):
both try these few values, chosen from the rule and the case. Each enumerated value, yes and
no; for a date the key dates and the assessment date, each one day either side, and far past
and future; for a state Kazakhstan and foreign states; for a number its bounds, the numbers
the rule compares with and the words it may be (life); a few terms. The engine's own choice of the facts it names in
`missing` is engine/evaluate.py's; this is what a tool asks it about.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from creval.core import dates
from creval.engine.evaluate import Evaluator
from creval.input.scenario import is_state
from creval.law import conditions
from creval.law.derive import derive
from creval.law.rulebook import Bound, FactSpec, RuleBook, Test

__all__ = ["CONTEXT_STATES", "FAR_FUTURE", "FAR_PAST", "PROBE_STATES", "PROBE_TERMS", "bounds", "can_change",
           "context_values", "probes"]

FAR_PAST = date(1900, 1, 1)
FAR_FUTURE = date(2100, 12, 31)
PROBE_STATES = ("KZ", "RU", "KG", "DE")  # home, a party with a settled pair, a non-party, a pair the tables leave open
CONTEXT_STATES = ("KZ", "RU")  # for the other open facts: the same state, or one with a settled pair
PROBE_TERMS = ({"years": 0, "months": 0, "days": 1}, {"years": 1, "months": 0, "days": 0},
               {"years": 10, "months": 0, "days": 0}, {"years": 40, "months": 0, "days": 0})


def bounds(test: Test, spec: FactSpec) -> tuple[int | None, int | None]:
    """A number's lowest and highest value, a bound named by a parameter read from the test."""
    def one(bound):
        return test.params[bound.param] if isinstance(bound, Bound) else bound
    return one(spec.min), one(spec.max)


def probes(book: RuleBook, test: Test, fact: str, facts: dict[str, Any], as_of: date) -> list[Any]:
    """The values tried for the fact under question, the others as in `facts`."""
    spec = test.rule.facts[fact]
    if spec.type == "date":
        return _date_probes(book, test, facts, as_of)
    if spec.type == "state":
        return _states(test, PROBE_STATES, facts)
    return context_values(test, fact, facts, as_of)


def context_values(test: Test, fact: str, facts: dict[str, Any], as_of: date) -> list[Any]:
    """A few values of another open fact, enough to make its criteria met or unmet."""
    spec = test.rule.facts[fact]
    if spec.type == "bool":
        return [True, False]
    if spec.type == "enum":
        return list(spec.values)
    if spec.type == "date":
        return [FAR_PAST, as_of, FAR_FUTURE]
    if spec.type == "state":
        return _states(test, CONTEXT_STATES, facts)
    if spec.type == "term":
        return [dict(term) for term in PROBE_TERMS]
    return _int_probes(test, spec)


def can_change(evaluator: Evaluator, test: Test, fact: str, facts: dict[str, Any], as_of: date) -> bool:
    """Whether two of the values tried for `fact`, all else as in `facts`, give two outcomes."""
    seen = set()
    for value in probes(evaluator.book, test, fact, facts, as_of):
        seen.add(evaluator.outcome(test, {**facts, fact: value}, as_of))
        if len(seen) > 1:
            return True
    return False


def _states(test: Test, base: tuple[str, ...], facts: dict[str, Any]) -> list[str]:
    """`base`, the states the test's parameters name and the states the case already names."""
    known = [v for v in facts.values() if isinstance(v, str) and is_state(v)]
    params = [v for v in test.params.values() if isinstance(v, str) and is_state(v)]
    return list(dict.fromkeys([*base, *params, *known]))


def _int_probes(test: Test, spec: FactSpec) -> list[int | str]:
    low, high = bounds(test, spec)
    numbers = {0, 1}
    for value in test.params.values():
        for n in value if isinstance(value, list) else [value]:
            if isinstance(n, int) and not isinstance(n, bool):
                numbers.update((n - 1, n, n + 1))
    for cid in test.rule.criteria:
        for cond in (test.met[cid], test.unmet[cid]):
            numbers.update(_literal_ints(cond))
    if low is not None:
        numbers.add(low)
    if high is not None:
        numbers.add(high)
    in_range = sorted(n for n in numbers if (low is None or n >= low) and (high is None or n <= high))
    return [*in_range, *(spec.words or [])]  # a word the number may be: a ban for life


def _date_probes(book: RuleBook, test: Test, facts: dict[str, Any], as_of: date) -> list[date]:
    """The key dates and the assessment date, one day either side, and far past and future."""
    try:
        values = derive(test, facts, as_of, book.tables).values
    except Exception:  # a derivation that cannot run on these values: the plain probes still can
        values = {"as_of": as_of}
    known = [v for v in values.values() if isinstance(v, date)]
    years = [p for n, p in test.params.items()
             if isinstance(p, int) and not isinstance(p, bool) and test.rule.parameters[n].unit == "years"]
    anchors = set(known)
    for day in [as_of, *(v for v in facts.values() if isinstance(v, date))]:
        for n in years:
            anchors.update((dates.add_years(day, -n), dates.add_years(day, n)))
    found = {FAR_PAST, FAR_FUTURE}
    for day in anchors:
        for shift in (-1, 0, 1):
            try:
                found.add(day + timedelta(days=shift))
            except OverflowError:
                pass
    return sorted(found)


def _literal_ints(cond: Any) -> set[int]:
    """The numbers a condition compares with, each with its neighbours."""
    c = conditions
    if isinstance(cond, c.Junction):
        return set().union(*(_literal_ints(p) for p in cond.parts))
    found: set[int] = set()
    literals = cond.values if isinstance(cond, c.Member) else (cond.operand,) if isinstance(cond, c.Compare) else ()
    for value in literals:
        if isinstance(value, int) and not isinstance(value, bool):
            found.update((value - 1, value, value + 1))
    return found
