"""Dates known only roughly: decide a test over every day of every range, exactly.

A layer over the Evaluator: the exact path is untouched. Why it can be exact without trying
every day: the engine decides from comparisons between dates (facts, as_of, and quantities
derived from them), from the dates' places among the fixed dates of the law (law versions,
treaty tables), and from values the tables derive from those places. Every derived date is a
non-decreasing function of each fact it is computed from (anniversaries, parts of a term),
and two dates derived from the same fact keep their order (the child's 16th birthday never
overtakes her 1st). So the *signature* of a choice of days - the order of all its dates among
themselves and among the law's fixed dates, with the non-date derived values - decides the
outcome, and on a box of days (one interval per rough fact) the signature is the same at
every day once it is the same at the box's corners. The ranges are split into boxes until
each box is uniform; each uniform box is decided once, through the engine, for one of its
days that keeps the order constraints (no proceedings before the removal).

Order constraints only say which days are possible, so they do not split a box whose
signature is uniform: a box is kept whole when one of its corners is possible (its outcome
holds for every possible day in it; its ranges may also span combinations the constraints
rule out), dropped when a constraint fails even at its most favourable corner (`_empty`),
and split where possibility changes otherwise. Splitting on them would cut two facts of the
same year along their whole diagonal. The work is bounded (MAX_POINTS, MAX_REGIONS, and a
caller's deadline in `limits`): past it, TooWide or TooSlow names the facts to narrow.

The API: `RoughTest(book, test, facts, as_of, constraints).regions()` gives the uniform
boxes (`Region`: box, signature, a possible `point`, derived values at the corners);
`decide_rough` turns them into one result; `describe`/`by_criteria`/`readable` put the
alternatives in what a person reads. tests/test_ranged.py checks the result against every
day (short ranges) or sampled days.
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache, partial
from itertools import combinations, product
from typing import Any, Iterator

from creval.core.dates import DateRange
from creval.core.text import Msg
from creval.engine.engine import EngineError
from creval.engine.results import CriterionResult, KeyDateResult, TestResult
from creval.law import conditions
from creval.law.derive import derive, template_values
from creval.law.rulebook import LAW_VERSION, RuleBook, Test

__all__ = [
    "MAX_ALTERNATIVES", "MAX_PAIRWISE", "MAX_POINTS", "MAX_REGIONS", "RoughTest", "TooSlow", "TooWide", "by_criteria",
    "caveats_applying", "decide_rough", "describe", "in_date_order", "law_dates", "limits", "readable", "rough_facts", "test_law_dates",
    "when",
]

Box = tuple  # one (lo, hi) per rough fact, in the order of `RoughTest.names`

# The work one test may take over its rough facts. Ranges whose dates are compared with each
# other (a removal and the proceedings, both "some day in 2010") are split along the diagonal
# where they meet: the boxes grow with the product of the ranges' lengths. Past these bounds
# the test is refused with the facts to give more precisely, never left to run for minutes.
# Two year-long facts need about 15,000 choices of days and 2,500 boxes (well under a second).
MAX_POINTS = 15_000  # choices of days whose derived values are computed (about 1 s)
MAX_REGIONS = 2_500  # uniform boxes kept
MAX_PAIRWISE = 300  # boxes above which describe() names every rough fact rather than look for fewer
MAX_ALTERNATIVES = 12  # alternatives a person reads; the others are counted, not listed


class _Limits(threading.local):
    """The deadline of the evaluation running on this thread, and the event that says its
    server is stopping (both set by the web server, web/service.py)."""
    deadline: float | None = None
    stop: threading.Event | None = None

    def passed(self) -> bool:
        return bool((self.stop is not None and self.stop.is_set())
                    or (self.deadline is not None and time.monotonic() > self.deadline))


limits = _Limits()


class TooSlow(EngineError):
    """The rough facts of one test took longer than the caller's time limit."""

    def __init__(self, rough: dict[str, DateRange]):
        widest = sorted(rough, key=lambda n: -rough[n].days)
        super().__init__(Msg("ranged.too_slow", facts=", ".join(widest), fact=widest[0]))
        self.facts = widest


class TooWide(EngineError):
    """The rough facts of one test leave too many combinations of days to decide exactly."""

    def __init__(self, rough: dict[str, DateRange]):
        widest = sorted(rough, key=lambda n: -rough[n].days)
        shown = Msg.joined(", ", [Msg.joined("", [f"{n} (", Msg("ranged.days", days=rough[n].days), ")"]) for n in widest])
        super().__init__(Msg("ranged.too_wide", facts=shown, fact=widest[0]))
        self.facts = widest


def rough_facts(test: Test, facts: dict[str, Any]) -> dict[str, DateRange]:
    """The facts of `test` known only as a range of days."""
    return {k: v for k, v in facts.items() if type(v) is DateRange and k in test.rule.facts}


def _dates_in(value: Any, found: set[date]) -> None:
    """Every date inside `value` (tables, versions, parameters), and the day after each (a
    period's inclusive end), added to `found`."""
    if isinstance(value, date):
        found.add(value)
        found.add(value + timedelta(days=1))
    elif isinstance(value, dict):
        for v in value.values():
            _dates_in(v, found)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _dates_in(v, found)
    elif hasattr(value, "model_dump"):
        _dates_in(value.model_dump(), found)


@lru_cache(maxsize=8)
def law_dates(book: RuleBook) -> list[date]:
    """Every fixed date of the law a case date can be compared with: the periods of law
    versions and the dates of the treaty tables (and a day after each, for inclusive ends)."""
    found: set[date] = set()
    walk = partial(_dates_in, found=found)

    for table in book.tables.values():
        walk(table)
    if getattr(book, "bilateral", None) is not None:
        walk(book.bilateral)
    for test in book.tests.values():
        for version in test.versions:
            walk([version.from_, version.until])
        walk(list(test.params.values()))
    return sorted(found)


@lru_cache(maxsize=64)
def test_law_dates(book: RuleBook, test: Test) -> list[date]:
    """The fixed dates of the law that one test's decision can depend on: its own versions
    and parameters, and the dates of the treaty tables its derived values read."""
    found: set[date] = set()
    walk = partial(_dates_in, found=found)

    for spec in test.rule.derived.values():
        for args in spec.values():
            if isinstance(args, dict):
                for name in [args.get("instrument"), *(args.get("instruments") or ())]:
                    if name in book.tables:
                        walk(book.tables[name])
                if args.get("bilateral") and getattr(book, "bilateral", None) is not None:
                    walk(book.bilateral)
    for version in test.versions:
        walk([version.from_, version.until])
    walk(list(test.params.values()))
    return sorted(found)


_ORDERED = ("lt", "lte", "gt", "gte", "eq", "ne")


@lru_cache(maxsize=64)
def compared(test: Test, constraints: bool = True) -> tuple[tuple[str, str], ...]:
    """The pairs of fields the test's conditions compare with each other, and (unless
    `constraints` is false) the pairs its order constraints name: the only orders between two
    dates the decision can depend on."""
    found: dict[tuple[str, str], None] = {}

    def walk(cond: Any) -> None:
        if isinstance(cond, dict):
            for op, arg in cond.items():
                if op in _ORDERED and isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict) and "field" in arg[1]:
                    found[(arg[0], arg[1]["field"])] = None
                else:
                    walk(arg)
        elif isinstance(cond, list):
            for part in cond:
                walk(part)

    for crit in test.rule.criteria.values():
        walk(crit.met)
        walk(crit.unmet)
    for row in test.rule.outcome_table:
        walk(row.when)
    if constraints:
        for c in test.rule.constraints:
            found[(c.earlier, c.later)] = None
    return tuple(found)


@lru_cache(maxsize=64)
def placed(test: Test) -> tuple[str, ...]:
    """The dates whose place among the law's fixed dates matters: a treaty's `on` date and the
    dates that select a version of the law."""
    found = dict.fromkeys(test.rule.law_versions.selected_by if test.versions else ())
    for spec in test.rule.derived.values():
        for fn, args in spec.items():
            if isinstance(args, dict) and "on" in args:
                found[args["on"]] = None
    return tuple(found)


def proving(test: Test, facts: dict[str, Any], rough: dict[str, DateRange],
            pairs: tuple, placed_names: tuple) -> tuple[tuple, tuple]:
    """`pairs` and `placed_names` with the rough dates that bound an unknown one through an
    order constraint with `proves` (Evaluator.exact decides each part of a rough decision with
    what it proves). What such a date proves depends on where it lies among the dates the
    unknown one is compared with, so the rough decision splits it there too: a sentence that
    began on 31 December 2014 proves an offence under the 1997 Code, one a day later does not."""
    for c in test.rule.constraints:
        if c.proves is None or facts.get(c.earlier) is not None or c.later not in rough:
            continue
        pairs += tuple((c.later, b) for a, b in pairs if a == c.earlier)
        pairs += tuple((a, c.later) for a, b in pairs if b == c.earlier)
        if c.earlier in placed_names:
            placed_names += (c.later,)
    return tuple(dict.fromkeys(pairs)), tuple(dict.fromkeys(placed_names))


def in_date_order(regions) -> list["Region"]:
    """Regions sorted by their boxes' first days, as results list them."""
    return sorted(regions, key=lambda r: tuple(lo for lo, _ in r.box))


@dataclass
class Region:
    """A uniform box of days and what is decided on it."""
    box: Box
    signature: tuple
    lo: dict  # the derived values at the box's earliest corner
    hi: dict  # ... and at its latest corner
    point: tuple  # a possible choice of days in the box (keeping the order constraints), to decide it at


class RoughTest:
    """One test over the rough facts of one scenario: its uniform boxes, then its regions."""

    def __init__(self, book: RuleBook, test: Test, facts: dict[str, Any], as_of: date, constraints: tuple,
                 constants: list[date] | None = None):
        self.book, self.test, self.as_of = book, test, as_of
        self.rough = rough_facts(test, facts)
        self.names = list(self.rough)
        self.facts = facts
        self.constraints = constraints
        # the fixed dates whose places split the boxes: every date of the law by default
        self.constants = law_dates(book) if constants is None else constants
        self._seen: dict[tuple, tuple] = {}
        self._derived_names = [n for n in test.rule.derived] + [LAW_VERSION]
        # An order constraint (no removal before the birth) only says which days are possible:
        # it splits a box only where no corner of it is possible (see regions). Two year-long
        # facts in the same year would otherwise be cut along their whole diagonal.
        self._pairs, self._placed = proving(test, facts, self.rough, compared(test, constraints=False), placed(test))
        self.max_points = MAX_POINTS  # a caller that only looks (what the facts prove) sets less
        self._steps: list[date] | None = None

    def facts_at(self, point: tuple) -> dict[str, Any]:
        return {**self.facts, **dict(zip(self.names, point))}

    def _at(self, point: tuple) -> tuple:
        """(signature, derived values) at one choice of days."""
        found = self._seen.get(point)
        if found is None:
            if len(self._seen) >= self.max_points:
                raise TooWide(self.rough)
            if not len(self._seen) % 64 and limits.passed():
                raise TooSlow(self.rough)
            values = derive(self.test, self.facts_at(point), self.as_of, self.book.tables).values
            keys = tuple(k for k, v in values.items() if type(v) is date)
            days = [values[k] for k in keys]
            order = tuple((a > b) - (a < b) for a, b in ((values.get(x), values.get(y)) for x, y in self._pairs)
                          if type(a) is date and type(b) is date)
            places = tuple((bisect_left(self.constants, d), bisect_right(self.constants, d))
                           for d in (values.get(n) for n in self._placed) if type(d) is date)
            others = tuple(values.get(n) for n in self._derived_names if type(values.get(n)) is not date)
            found = self._seen[point] = ((keys, order, places, others), values, self._possible(values))
        return found

    def possible(self, point: tuple) -> bool:
        """Whether a choice of days keeps the order constraints."""
        return self._at(point)[2]

    def regions(self) -> list[Region]:
        """The uniform boxes that keep the order constraints, in date order."""
        return in_date_order(self.found())

    def found(self) -> Iterator[Region]:
        """The uniform boxes as they are found (not in date order): a caller that only looks
        can stop at the first that tells it enough."""
        whole = tuple((r.lo, r.hi) for r in self.rough.values())
        count, stack = 0, [whole]
        while stack:
            box = stack.pop()
            corners = list(product(*[(lo, hi) if lo != hi else (lo,) for lo, hi in box]))
            signatures = {self._at(c)[0] for c in corners}
            if len(signatures) == 1:
                lo, hi = corners[0], corners[-1]
                possible = [c for c in corners if self._at(c)[2]]
                if possible:  # the signature decides the outcome: any possible day of the box will do
                    count += 1
                    if count > MAX_REGIONS:
                        raise TooWide(self.rough)
                    yield Region(box, signatures.pop(), self._at(lo)[1], self._at(hi)[1], possible[0])
                    continue
                if self._empty(box):
                    continue
                # possible days inside but at no corner: split where possibility changes
                dim, cut = self._cut(box, corners, key=lambda c: self._at(c)[2])
                stack.append(box[:dim] + ((cut, box[dim][1]),) + box[dim + 1:])
                stack.append(box[:dim] + ((box[dim][0], cut - timedelta(days=1)),) + box[dim + 1:])
                continue
            dim, cut = self._cut(box, corners)
            stack.append(box[:dim] + ((cut, box[dim][1]),) + box[dim + 1:])
            stack.append(box[:dim] + ((box[dim][0], cut - timedelta(days=1)),) + box[dim + 1:])

    def _cut(self, box: Box, corners: list[tuple], key=None) -> tuple[int, date]:
        """Where to split a box whose corners differ: along an edge whose two ends differ, at
        the first day whose signature differs from the edge's start. Each part of the
        signature is monotone along an edge, so the days that keep the start's signature are
        a prefix of the edge, and bisection finds its end exactly. `key`: what to compare
        instead of the signature (whether a choice of days is possible)."""
        # a fact whose place among the law's fixed dates is part of the signature changes it only
        # on the days its place changes: those are looked at first (a few looks per cut, not a
        # bisection over decades); the day found is the same, the first that differs
        steps = self._place_changes() if key is None else ()
        key = key or (lambda point: self._at(point)[0])
        edges = []
        for corner in corners:
            for dim, (lo, hi) in enumerate(box):
                if corner[dim] == lo and lo != hi:
                    end = corner[:dim] + (hi,) + corner[dim + 1:]
                    if key(corner) != key(end):
                        edges.append((hi - lo, dim, corner))
        if not edges:  # no corner possible, none differs: halve the longest side
            dim = max(range(len(box)), key=lambda i: box[i][1] - box[i][0])
            lo, hi = box[dim]
            return dim, lo + timedelta(days=max(1, (hi - lo).days // 2 + 1))
        _, dim, start = max(edges, key=lambda e: (e[0], -e[1]))
        first = key(start)
        lo, hi = box[dim]  # the key at lo is `first`, at hi it is not
        steps = steps if self.names[dim] in self._placed else ()
        while (hi - lo).days > 1:
            mid = None
            if steps:
                i = bisect_right(steps, lo)  # the first day after lo on which the fact's place changes
                if i < len(steps):
                    step = steps[i]
                    mid = next((m for m in (step - timedelta(days=1), step) if lo < m < hi), None)
            if mid is None:
                mid = lo + timedelta(days=(hi - lo).days // 2)
            if key(start[:dim] + (mid,) + start[dim + 1:]) == first:
                lo = mid
            else:
                hi = mid
        return dim, hi

    def _place_changes(self) -> list[date]:
        """The days on which a date's place among the law's fixed dates changes: each fixed
        date (bisect_right moves) and the day after it (bisect_left moves)."""
        if self._steps is None:
            self._steps = sorted({*self.constants, *(d + timedelta(days=1) for d in self.constants)})
        return self._steps

    def _empty(self, box: Box) -> bool:
        """Whether some order constraint fails on every day of the box: even with its earlier
        date as early and its later date as late as the box allows."""
        for c in self.constraints:
            earlier, later = self._bound(c.earlier, box, 0), self._bound(c.later, box, 1)
            if earlier is not None and later is not None and later < earlier:
                return True
        return False

    def _bound(self, name: str, box: Box, end: int) -> date | None:
        if name in self.names:
            return box[self.names.index(name)][end]
        value = self.as_of if name == "as_of" else self.facts.get(name)
        return value if type(value) is date else None

    def _possible(self, values: dict) -> bool:
        for c in self.constraints:
            earlier, later = values.get(c.earlier), values.get(c.later)
            if earlier is not None and later is not None and later < earlier:
                return False
        return True


def merge(boxes: list[tuple[Box, Any]]) -> list[tuple[Box, Any]]:
    """Join boxes with the same key that share a face, until none do: the maximal sub-ranges."""
    items = list(boxes)
    changed = True
    while changed:
        changed = False
        for dim in range(len(items[0][0]) if items else 0):
            items.sort(key=lambda it: (repr(it[1]), it[0][:dim], it[0][dim + 1:], it[0][dim][0]))
            joined = []
            for box, key in items:
                if joined:
                    last, last_key = joined[-1]
                    if last_key == key and last[:dim] == box[:dim] and last[dim + 1:] == box[dim + 1:] \
                            and last[dim][1] + timedelta(days=1) == box[dim][0]:
                        joined[-1] = (last[:dim] + ((last[dim][0], box[dim][1]),) + last[dim + 1:], key)
                        changed = True
                        continue
                joined.append((box, key))
            items = joined
    items.sort(key=lambda it: tuple(lo for lo, _ in it[0]))
    return items


def describe(names: list[str], keyed: list[tuple[Box, Any]]) -> list[tuple[list[dict], Any]]:
    """The parts of the possible days with their key (an outcome, a status), in date order,
    each named by the fewest rough facts that decide the key: when the outcome depends on
    the birth date only, the alternatives name the birth date only (any possible day of the
    others goes with each). Exact: a set of facts is used only if no two boxes that differ in
    key overlap on those facts."""
    dims = range(len(names))
    for size in range(1, len(names) + 1):
        for chosen in combinations(dims, size):
            if size < len(names) and not _decides(chosen, keyed):
                continue
            projected = list(dict.fromkeys((tuple(box[i] for i in chosen), key) for box, key in keyed))
            if size == 1:
                projected = _joined(projected)
            return [(when([names[i] for i in chosen], box), key) for box, key in merge(projected)]
    return []


def _decides(chosen: tuple, keyed: list) -> bool:
    """Whether the facts `chosen` decide the key: no two boxes with different keys overlap on them."""
    if len(chosen) == 1:
        i = chosen[0]
        spans = sorted((box[i][0], box[i][1], key) for box, key in keyed)
        reach: dict = {}  # per key, the latest day its spans reach so far
        for lo, hi, key in spans:
            if any(k != key and end >= lo for k, end in reach.items()):
                return False
            reach[key] = max(reach.get(key, hi), hi)
        return True
    if len(keyed) > MAX_PAIRWISE:  # pairwise check too costly: name every fact
        return False
    for a, (box_a, key_a) in enumerate(keyed):
        for box_b, key_b in keyed[a + 1:]:
            if key_a != key_b and all(box_a[i][0] <= box_b[i][1] and box_b[i][0] <= box_a[i][1] for i in chosen):
                return False
    return True


def _joined(items: list[tuple[Box, Any]]) -> list[tuple[Box, Any]]:
    """One-fact boxes of each key joined where they overlap or touch."""
    out: list[tuple[Box, Any]] = []
    for (span,), key in sorted(items, key=lambda it: (repr(it[1]), it[0])):
        if out and out[-1][1] == key and out[-1][0][0][1] + timedelta(days=1) >= span[0]:
            last = out[-1][0][0]
            out[-1] = (((last[0], max(last[1], span[1])),), key)
        else:
            out.append(((span,), key))
    return out


def when(names: list[str], box: Box) -> list[dict]:
    return [{"fact": n, "from": lo.isoformat(), "to": hi.isoformat()} for n, (lo, hi) in zip(names, box)]


def decide_rough(ev: Any, test: Test, facts: dict[str, Any], as_of: date, constraints: tuple,
                 rough: RoughTest | None = None, regions: list[Region] | None = None) -> TestResult:
    """The TestResult of `test` over every possible day of the rough facts (see the module
    docstring): one outcome if all days agree, else `undetermined` with the alternatives.
    `rough` and its `regions`, when a caller has found them already (they are not found again)."""
    if rough is None:
        rough = RoughTest(ev.book, test, facts, as_of, constraints)
    if regions is None:
        regions = rough.regions()
    if not regions:
        raise EngineError(Msg("ranged.no_day", facts=", ".join(rough.names)))
    decided: dict[tuple, TestResult] = {}
    for r in regions:
        if r.signature not in decided:
            decided[r.signature] = ev.exact(test, rough.facts_at(r.point), as_of, constraints)
    results = [decided[r.signature] for r in regions]
    base = results[0]
    outcomes = list(dict.fromkeys(x.outcome for x in results))
    names = rough.names

    # every date as a range over the possible days: earliest at a box's first corner, latest at its last
    low: dict[str, date] = {}
    high: dict[str, date] = {}
    for r in regions:
        for k, v in r.lo.items():
            if type(v) is date and (k not in low or v < low[k]):
                low[k] = v
        for k, v in r.hi.items():
            if type(v) is date and (k not in high or v > high[k]):
                high[k] = v
    rep_facts = rough.facts_at(regions[0].point)
    values = template_values(test, derive(test, rep_facts, as_of, ev.book.tables))
    varying = {k: (low[k], high[k]) for k in low if k in high and low[k] != high[k]}

    criteria = []
    for i, cid in enumerate(test.rule.criteria):
        statuses = [x.criteria[i].status for x in results]
        if len(set(statuses)) == 1:
            criteria.append(CriterionResult(cid, statuses[0]))
            continue
        parts = describe(names, [(r.box, s) for r, s in zip(regions, statuses)])
        if len(parts) > MAX_ALTERNATIVES:  # along a diagonal: the statuses, not hundreds of parts
            criteria.append(CriterionResult(cid, "unknown", parts=len(parts), statuses=list(dict.fromkeys(statuses))))
        else:
            criteria.append(CriterionResult(cid, "unknown", changes=parts))

    alternatives = []
    split_facts: list[str] = []
    more = 0
    if len(outcomes) == 1:
        outcome = outcomes[0]
        rank = ev.decided(test, rep_facts, as_of)[2]
        missing = _union(test, [x.missing for x in results])
    else:
        outcome, rank = "undetermined", None
        keyed = [(r.box, (x.outcome, x.law_version)) for r, x in zip(regions, results)]
        for w, (out, version) in describe(names, keyed):
            alt = {"when": w, "outcome": out}
            if test.versions:
                alt["law_version"] = version  # the law may differ between the parts
            alternatives.append(alt)
        split_facts = list(dict.fromkeys(w["fact"] for a in alternatives for w in a["when"]))
        if len(alternatives) > MAX_ALTERNATIVES:  # a staircase of parts: named by the criteria instead
            alternatives = by_criteria(test, names, split_facts, regions, results) or alternatives
        alternatives, more = readable(alternatives)
        missing = _union(test, [split_facts] + [x.missing for x in results])

    dates = []
    shown = {d.event for x in decided.values() for d in x.dates}  # a key date some possible day shows
    for kd in test.rule.key_dates:
        if kd.date in low and kd.event in shown:
            until = high[kd.date].isoformat() if kd.date in varying else None
            dates.append(KeyDateResult(kd.event, low[kd.date].isoformat(), until=until))
    seen = {d.event for d in dates}
    for x in decided.values():  # changes of law, as the days of each box see them
        for d in x.dates:
            if d.event.startswith("law-change-") and d.event not in seen:
                seen.add(d.event)
                dates.append(d)

    details = dict(base.details)
    for name in details:
        if name in varying:
            details[name] = f"{low[name].isoformat()}/{high[name].isoformat()}"  # an ISO 8601 interval
    ranged = [{"fact": n, "from": rough.rough[n].lo.isoformat(), "to": rough.rough[n].hi.isoformat()} for n in names]
    versions = {x.law_version for x in results}
    assumptions = list({(a["fact"], a["treated_as"], a["value"]): a for x in decided.values() for a in x.assumptions}.values())
    date_fact = test.rule.date_fact
    assessed = low.get(date_fact) if date_fact and date_fact in low else None
    return TestResult(
        test.id, outcome, criteria, missing, dates, assessed_on=(assessed or as_of).isoformat(), details=details,
        values=values, rank=rank, assumptions=assumptions, law_version=base.law_version if len(versions) == 1 else None,
        caveats=caveats_applying(test, [r.lo for r in regions]),  # the values at each part's first day
        ranged=ranged, alternatives=alternatives, alternatives_more=more, split_facts=split_facts, varying=varying,
        rule=test,
    )


def by_criteria(test: Test, names: list[str], split: list[str], regions: list[Region], results: list) -> list[dict] | None:
    """The alternatives as a person reads them when the parts of the days are many: one per
    outcome and combination of the criteria that change (`if`: [{criterion, status}]), each
    with the span of days it occurs on (`when`). Where two dates are compared with each other
    (the activity within ten years of the release), the parts run along a diagonal that no
    list of ranges reads well, but the criterion says it in one line. None when even these
    are more than MAX_ALTERNATIVES."""
    varying = [i for i in range(len(results[0].criteria)) if len({x.criteria[i].status for x in results}) > 1]
    groups: dict[tuple, list] = {}
    for r, x in zip(regions, results):
        key = (x.outcome, x.law_version, tuple(x.criteria[i].status for i in varying))
        groups.setdefault(key, []).append(r.box)
    if len(groups) > MAX_ALTERNATIVES:
        return None
    out = []
    for (outcome, version, statuses), boxes in groups.items():
        hull = []
        for name in split:
            i = names.index(name)
            hull.append({"fact": name, "from": min(b[i][0] for b in boxes).isoformat(), "to": max(b[i][1] for b in boxes).isoformat()})
        alt = {"when": hull, "outcome": outcome,
               "if": [{"criterion": results[0].criteria[i].id, "status": s} for i, s in zip(varying, statuses)]}
        if test.versions:
            alt["law_version"] = version
        out.append(alt)
    out.sort(key=lambda a: ([w["from"] for w in a["when"]], [c["status"] for c in a["if"]]))
    return out


def readable(alternatives: list[dict]) -> tuple[list[dict], int]:
    """At most MAX_ALTERNATIVES of the alternatives, in date order, and how many are left out.
    Each outcome keeps at least its largest part; the other places go to the largest parts
    (counted in combinations of days), so what is listed covers most of the possible days."""
    if len(alternatives) <= MAX_ALTERNATIVES:
        return alternatives, 0

    def size(alt: dict) -> int:
        n = 1
        for w in alt["when"]:
            n *= (date.fromisoformat(w["to"]) - date.fromisoformat(w["from"])).days + 1
        return n

    order = sorted(range(len(alternatives)), key=lambda i: -size(alternatives[i]))
    kept: list[int] = []
    for key in dict.fromkeys((a["outcome"], a.get("law_version")) for a in alternatives):
        kept.append(next(i for i in order if (alternatives[i]["outcome"], alternatives[i].get("law_version")) == key))
    kept = kept[:MAX_ALTERNATIVES]
    kept += [i for i in order if i not in kept][:MAX_ALTERNATIVES - len(kept)]
    return [alternatives[i] for i in sorted(kept)], len(alternatives) - len(kept)


def caveats_applying(test: Test, cases: list[dict[str, Any]]) -> list[int]:
    """The rule's caveats that apply, by place: all, less those whose `when` no case meets
    (`cases`: the derived values of each case; a rough date gives several). Which words to
    print, not a decision: the plain matcher of law/conditions.py suffices."""
    if len(cases) == 1:  # an exact case (most): one match per caveat
        (values,) = cases
        return [i for i, when in enumerate(test.caveat_when) if when is None or conditions.matches(when, values)]
    return [i for i, when in enumerate(test.caveat_when)
            if when is None or any(conditions.matches(when, values) for values in cases)]


def _first(box: Box) -> tuple:
    return tuple(lo for lo, _ in box)


def _union(test: Test, lists: list[list[str]]) -> list[str]:
    found = {f for names in lists for f in names}
    return [f for f in test.rule.facts if f in found]
