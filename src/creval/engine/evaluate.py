"""From a validated scenario to its results: derive, let the engine decide, collect.

For each test whose matter the scenario names: compute the derived quantities, ask the
engine (or, for cross-checks, the oracle) which criteria hold and which outcome lines fire,
then collect what was decided: statuses, missing facts, key dates, the law version, the
assumptions made and the values the rule's texts name. No text is written here: the result
is the same in every language (render/explain.py puts it into words).
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from itertools import product
from operator import itemgetter
from typing import Any, Callable

from creval import __version__
from creval.core.dates import FIRST_DATE, DateRange, iso
from creval.core.facts import matter_facts, scenario_digest
from creval.core.text import Msg, State
from creval.engine.engine import Decision, Engine, EngineError, engine_fact
from creval.engine.ranged import (MAX_POINTS, RoughTest, caveats_applying, decide_rough, in_date_order, rough_facts,
                                  test_law_dates)
from creval.engine.results import CriterionResult, KeyDateResult, ScenarioResult, TestResult
from creval.law.absent import assumptions, falls_back, version_assumption
from creval.law import conditions
from creval.law.derive import Derived, derivation_reads, derive, derive_again, template_values, version_for
from creval.law.rulebook import LAW_VERSION, RuleBook, Test, order_constraints

__all__ = ["CriterionResult", "Evaluator", "KeyDateResult", "ScenarioResult", "TestResult"]


# choices of days that a look for what the facts prove may cost (engine/ranged.py MAX_POINTS for
# a rough date the user gave): past it the date stays unknown, and the outcome undetermined
PROOF_POINTS = MAX_POINTS
NO_LINE = "no line of the outcome table applies: the rule file is incomplete"


class Evaluator:
    def __init__(self, book: RuleBook, decide: Callable[[str, dict], Decision] | None = None, law_changes: bool = True):
        """`law_changes`: also find the changes of law at which a case's outcome would change
        (key dates `law-change-*`); a batch that does not ask for them is spared the work."""
        self.book = book
        self.law_changes = law_changes
        # the engine's answers are kept per signature of the case (Engine.decide_again): alike
        # cases of a batch, and the trial values below, are decided once
        self._decide_again = Engine(book).decide_again if decide is None else decide

    def scenario(self, scenario, file: str = "", tests: list[str] | None = None) -> ScenarioResult:
        as_of = scenario.as_of or date.today()
        results, errors = [], []
        by_matter = matter_facts(scenario)
        for matter, facts in sorted(by_matter.items()):
            stated = getattr(scenario.facts, matter)
            given = {k for k in stated.__pydantic_fields_set__ if facts[k] is not None}  # model_fields_set
            rough = DateRange in map(type, facts.values())  # a date known only roughly (looked for in C)
            for test in self.book.matters[matter]:
                if tests and test.id not in tests:
                    continue
                try:
                    result = self.result(test, facts, as_of, matter, rough)
                    result.assumptions[:0] = assumptions(test, facts, given, as_of)
                    _mark_assumed(test, result)
                    results.append(result)
                except EngineError as exc:
                    errors.append(Msg.joined(": ", [test.id, exc.args[0] if exc.args else str(exc)]))
        expected = dict(scenario.expected or {})
        mismatches = []
        if expected:  # an answer key: the tests whose outcome differs from it
            outcomes = {r.test: r.outcome for r in results}
            mismatches = [t for t, want in expected.items() if t in outcomes and outcomes[t] != want]
        return ScenarioResult(  # by position (title, errors, scenario_digest last), as TestResult
            scenario.id, file, as_of.isoformat(), __version__, self.book.digest, results, expected, mismatches,
            scenario.title, errors, scenario_digest(scenario, by_matter),
        )

    def result(self, test: Test, facts: dict[str, Any], as_of: date, matter: str, rough: bool = True) -> TestResult:
        """The result of one test on one matter's facts: over every possible day of the dates known
        only roughly, and with what the known dates prove about unknown ones. `rough`: false when
        no date is rough (skips the look)."""
        constraints = order_constraints(self.book, matter)
        if rough and rough_facts(test, facts):  # decided over every possible day (engine/ranged.py)
            return decide_rough(self, test, facts, as_of, constraints)
        return self.exact(test, facts, as_of, constraints)

    def exact(self, test: Test, facts: dict[str, Any], as_of: date, constraints: tuple) -> TestResult:
        """One case with exact dates, and what its known dates prove about unknown ones (also
        each part of a rough decision: a sentence that began on 31 Dec 2014 proves the 1997
        Code, one that began a day later does not)."""
        result = self.test(test, facts, as_of)
        if result.outcome == "undetermined":  # what the facts prove (law/rulebook Constraint.proves)
            result = self._proved(test, facts, as_of, constraints, result.missing) or result
        return result

    def decided(self, test: Test, facts: dict[str, Any], as_of: date) -> tuple[Derived, Decision, int]:
        """Derived values, the engine's decision, and the first outcome line that fired."""
        derived = derive(test, facts, as_of, self.book.tables)
        decision, rank = self._first_line(test, derived.values)
        return derived, decision, rank

    def _first_line(self, test: Test, values: dict[str, Any]) -> tuple[Decision, int]:
        """The engine's decision on derived `values`, and the first outcome line that fired."""
        decision = self._decide_again(test.id, values)
        if not decision.ranks:
            raise EngineError(NO_LINE)
        return decision, min(decision.ranks)

    def outcome(self, test: Test, facts: dict[str, Any], as_of: date) -> str:
        """Only the outcome code: the cheap path for callers that try many fact values."""
        return test.rule.outcome_table[self.decided(test, facts, as_of)[2]].outcome

    def test(self, test: Test, facts: dict[str, Any], as_of: date) -> TestResult:
        derived, decision, rank = self.decided(test, facts, as_of)
        row = test.rule.outcome_table[rank]
        rule, statuses = test.rule, decision.statuses
        rows = derived.sources  # the treaty-table rows behind a derived value: cited as sources
        notes = _treaty_notes(test)
        criteria = [  # (id, status, assumed, rows) by position: a keyword call builds a dict per criterion
            CriterionResult(cid, statuses[cid], (),
                            [s for name in notes[cid] for s in rows.get(name, ())] if rows and notes[cid] else ())
            for cid in rule.criteria
        ]
        missing = self._can_change(test, facts, as_of, _missing(test, facts, decision, rank), decision, derived) \
            if row.outcome == "undetermined" else ()
        values = derived.values
        dates = [KeyDateResult(kd.event, values[kd.date].isoformat())
                 for kd in rule.key_dates
                 if values.get(kd.date) is not None and self._key_date_shown(test, kd, facts, as_of, derived)]
        if test.versions and self.law_changes:
            dates += self._law_changes(test, facts, as_of)
        details = {rep.name: iso(derived.lists.get(rep.name, values.get(rep.name))) for rep in rule.report}
        for name, value in details.items():  # a state stays its code in JSON, and is named in texts
            if test.shown_as.get(name) == "state" and isinstance(value, str):
                details[name] = State(value)
        date_fact = rule.date_fact and values.get(rule.date_fact)
        return TestResult(  # by position, as the fields are declared: a keyword call builds a dict each time
            test.id, row.outcome, criteria, missing, dates, (date_fact or as_of).isoformat(), details,
            template_values(test, derived), rank,
            list(dict.fromkeys(s for found in rows.values() for s in found)) if rows else [],  # row_sources
            caveats_applying(test, [values]),
            version_assumption(test, derived.version),  # assumptions: a new list, the facts' assumptions join it
            derived.version.id if derived.version is not None else None,  # law_version
            None, None, 0, [], {}, [], test,  # ranged, alternatives, alternatives_more, split_facts, varying, proved, rule
        )

    def _proved(self, test: Test, facts: dict[str, Any], as_of: date, constraints: tuple,
                missing: list[str]) -> TestResult | None:
        """What the facts prove: an unknown date that an order constraint with `proves` bounds
        by a known one (an offence on or before the start of its sentence) is a range, decided
        over every possible day; the result is kept only if every day gives one outcome (its
        `ranged` then names the range, its notes say every day agrees)."""
        bounded: dict[str, DateRange] = {}
        proved: list[tuple[int, date]] = []
        for place, c in enumerate(test.rule.constraints):
            later = facts.get(c.later)
            if c.proves is None or facts.get(c.earlier) is not None or type(later) is not date:
                continue
            known = bounded.get(c.earlier)
            bounded[c.earlier] = DateRange(FIRST_DATE, min(later, known.hi) if known else later)
            proved.append((place, later))
        # only worth the search (every possible day, bounded but costly) when the bounded dates are
        # all that is missing: another missing fact leaves the outcome open whatever they prove
        if not bounded or not set(missing) <= set(bounded):
            return None
        try:
            rough = self._proof_search(test, {**facts, **bounded}, as_of, constraints)
            # cheap looks first, each stopping at a second outcome: the outcome on a few possible
            # days (the ends of the ranges, each side of a change of law), then on one day of each
            # uniform part as the parts are found. Each possible day lies in a part and has its
            # outcome (engine/ranged.py), so two outcomes here are two outcomes of the full decision.
            outcomes: set[str] = set()
            for point in _probes(test, rough):
                if rough.possible(point):
                    outcomes.add(self.outcome(test, rough.facts_at(point), as_of))
                    if len(outcomes) > 1 or "undetermined" in outcomes:
                        return None
            regions = []
            for region in rough.found():
                outcomes.add(self.outcome(test, rough.facts_at(region.point), as_of))
                if len(outcomes) > 1 or "undetermined" in outcomes:
                    return None
                regions.append(region)
            result = decide_rough(self, test, rough.facts, as_of, constraints, rough, in_date_order(regions))
        except Exception:  # no possible day, too many combinations, a time limit: not proved
            return None
        if result.outcome == "undetermined":
            return None
        result.proved = proved
        return result

    def _proof_search(self, test: Test, facts: dict[str, Any], as_of: date, constraints: tuple) -> RoughTest:
        """The search over the bounded dates. One bounded date whose every day from the first
        possible to the known bound is possible, in a test with no caveat that depends on the
        case: its days are split only at the fixed dates of this test's own law (its versions,
        parameters and treaty tables), not at every date of the rule book (1,600 parts of two
        centuries, each decided). The decision is the same: a date's place among fixed dates
        that nothing in the test reads changes nothing it decides; in one dimension the parts
        with one status join into the same ranges however finely they were cut; and with
        every day possible, the first day and the ranges' ends are the same."""
        rough = RoughTest(self.book, test, facts, as_of, constraints, test_law_dates(self.book, test))
        rough.max_points = PROOF_POINTS
        if len(rough.names) == 1 and not any(test.caveat_when):
            (span,) = rough.rough.values()
            if rough.possible((span.lo,)) and rough.possible((span.hi,)):
                return rough
        rough = RoughTest(self.book, test, facts, as_of, constraints)
        rough.max_points = PROOF_POINTS
        return rough

    def _can_change(self, test: Test, facts: dict[str, Any], as_of: date, names: list[str],
                    decision: Decision, derived: Derived) -> list[str]:
        """Of the facts blamed for `undetermined`, those whose value alone can change the
        outcome (the others as given): a fact that cannot is not asked for. When none can alone
        (two facts are needed together), all are kept. `decision` and `derived`, the case's own:
        a fact whose criteria cannot change the outcome line, whatever their statuses, is
        known to change nothing without trying its values (outcome_fixed)."""
        if len(names) < 2 or getattr(self, "_trying", False):
            return names
        self._trying = True
        try:
            kept = [name for name in names
                    if not outcome_fixed(test, name, decision.statuses, derived.values)
                    and self._changes(test, facts, as_of, name, derived)]
        finally:
            self._trying = False
        return kept or names

    def _changes(self, test: Test, facts: dict[str, Any], as_of: date, name: str, derived: Derived) -> bool:
        """Whether some value of the fact `name` gives another outcome than another value
        (`derived`: the case's own derived values, from which each trial is derived again)."""
        spec = test.rule.facts[name]
        if spec.type == "date":
            values = _days_to_try(test, facts, as_of, name, derived.values)
            if name in _version_only(test):  # days that select one version decide alike: one is tried
                base, kept = derived.values, {}
                for day in values:
                    version = version_for(test, {**base, name: day})
                    kept.setdefault(version and version.id, day)
                values = list(kept.values())
        elif spec.type == "bool":
            values = [True, False]
        elif spec.type == "enum":
            values = list(spec.values)
        elif spec.type == "int":  # its bounds, a few values between, its words (a ban for `life`)
            bound = [b if isinstance(b, int) or b is None else test.params.get(b.param) for b in (spec.min, spec.max)]
            low, high = bound[0] or 0, bound[1] if bound[1] is not None else 100_000
            values = sorted({low, high, *(v for v in (1, 10, 100, 1000, 10_000) if low <= v <= high)}) + list(spec.words or [])
        else:  # a state, a term: too many values to try; kept
            return True
        seen = set()
        table = test.rule.outcome_table
        if len(values) > 2:  # the ends and the middle first: where any value changes the outcome, they most often differ
            middle = len(values) // 2
            values = [values[0], values[-1], values[middle], *values[1:middle], *values[middle + 1:-1]]
        for value in values:
            _, rank = self._first_line(test, derive_again(test, facts, as_of, derived, name, value, self.book.tables))
            seen.add(table[rank].outcome)
            if len(seen) > 1:
                return True
        return False

    def _key_date_shown(self, test: Test, kd: Any, facts: dict[str, Any], as_of: date, derived: Derived) -> bool:
        """A key date restricted to some versions of the law is not shown under another (it is
        while the version is unknown); one marked `when_it_changes` only if the engine decides
        differently on the day before and on the day."""
        if kd.versions is not None and derived.version is not None and derived.version.id not in kd.versions:
            return False
        if not kd.when_it_changes:
            return True
        day = derived.values[kd.date]
        sides = []
        for when in (day - timedelta(days=1), day):
            if kd.moves == "as_of":
                sides.append(self.outcome(test, facts, when))
            else:
                sides.append(self.outcome(test, {**facts, kd.moves: when}, as_of))
        return sides[0] != sides[1]

    def _law_changes(self, test: Test, facts: dict[str, Any], as_of: date) -> list[KeyDateResult]:
        """Each change of law at which this case's outcome would change: the engine decides the
        case with its selecting date on the day before the change and on the day itself."""
        selecting = test.rule.law_versions.selected_by
        fact = next((f for f in selecting if f == "as_of" or facts.get(f) is not None), selecting[0])
        out = []
        for version in test.versions[1:]:
            sides = []
            for day in (version.from_ - timedelta(days=1), version.from_):
                if fact == "as_of":
                    sides.append(self.outcome(test, facts, day))
                else:
                    sides.append(self.outcome(test, {**facts, fact: day}, as_of))
            if sides[0] != sides[1]:
                out.append(KeyDateResult(f"law-change-{version.id}", version.from_.isoformat(), version=version.id, fact=fact))
        return out


@lru_cache(maxsize=64)
def _readers(test: Test) -> tuple[dict[str, tuple[str, ...]], frozenset[str]] | None:
    """For each fact, the criteria whose conditions can read it: directly, through the derived
    values computed from it, or through the version of the law it selects; and the facts the
    outcome lines' own conditions can read. None when a condition reads a field not traced here."""
    rule = test.rule
    depends: dict[str, set[str]] = {f: {f} for f in rule.facts}
    selecting = {f for f in rule.law_versions.selected_by if f in rule.facts} if test.versions else set()
    for name in [LAW_VERSION, *(k for v in test.versions for k in v.parameters)]:
        depends.setdefault(name, set()).update(selecting)

    for name, read in derivation_reads(test).items():
        depends.setdefault(name, set()).update(*(depends.get(n, ()) for n in read))
    constants = set(test.params) | {"as_of"}

    def reads(fields: set[str]) -> set[str] | None:
        if any(f not in depends and f not in constants for f in fields):
            return None
        return set().union(*(depends.get(f, ()) for f in fields)) if fields else set()

    by_criterion, by_lines = _condition_fields(test)
    by_fact: dict[str, list[str]] = {f: [] for f in rule.facts}
    for cid, fields in by_criterion.items():
        found = reads(fields)
        if found is None:
            return None
        for f in found:
            by_fact[f].append(cid)
    outcome = reads(by_lines)
    if outcome is None:
        return None
    dependents = {f: frozenset(field for field, facts in depends.items() if f in facts) for f in rule.facts}
    return {f: tuple(c) for f, c in by_fact.items()}, frozenset(outcome), dependents


def _leaves(cond: Any) -> list:
    return [leaf for part in cond.parts for leaf in _leaves(part)] if isinstance(cond, conditions.Junction) else [cond]


@lru_cache(maxsize=64)
def _comparisons(test: Test) -> dict[str, list[tuple[frozenset[str], tuple[str, str] | None]]]:
    """Each criterion's leaf conditions (met and unmet): the fields each reads, and for a
    comparison of two fields, the pair."""
    out = {}
    for cid in test.rule.criteria:
        out[cid] = [(frozenset(conditions.fields(leaf)),
                     (leaf.field, leaf.operand.name) if isinstance(leaf, conditions.Compare)
                     and isinstance(leaf.operand, conditions.FieldRef) else None)
                    for cond in (test.met[cid], test.unmet[cid]) for leaf in _leaves(cond)]
    return out


def _held(test: Test, cid: str, changing: frozenset[str], values: dict[str, Any]) -> bool:
    """Whether the criterion keeps its status whatever the changing fields hold: each of its
    leaves that reads one of them compares it with another field that is unknown (and stays
    so), and a comparison with an unknown field never matches (law/conditions.py), for met
    as for unmet. An age gap between two births, one of them unknown, stays unknown whatever
    the other birth date."""
    for read, pair in _comparisons(test)[cid]:
        if not read & changing:
            continue
        if pair is None:
            return False
        a, b = pair
        if (a in changing) == (b in changing):
            return False
        other = b if a in changing else a
        if values.get(other) is not None:
            return False
    return True


_STATUSES = ("met", "unmet", "unknown")


def outcome_fixed(test: Test, name: str, statuses: dict[str, str], values: dict[str, Any]) -> bool:
    """Whether no value of the fact `name` can change this case's outcome: the criteria that
    can read it, given every combination of statuses (the others as decided), always give the
    same outcome line's outcome. A look at the outcome table only, to spare trying values: where
    it cannot tell (a fact the outcome lines read, many criteria, a combination no line takes),
    the values are tried (Evaluator._changes), and the engine decides each."""
    found = _readers(test)
    if found is None:
        return False
    by_fact, outcome_reads, dependents = found
    crits = by_fact.get(name)
    if crits is None or name in outcome_reads or test.rule.facts[name].type in ("state", "term"):
        return False  # (a state or a term is kept untried: Evaluator._changes)
    crits = tuple(c for c in crits if not _held(test, c, dependents[name], values))
    if not crits:
        return True
    if len(crits) > 5:
        return False
    key = (test, name, crits, tuple(map(statuses.get, test.rule.criteria)))  # the statuses, in the rule's order
    known = _FIXED.get(key)
    if known is not None:
        return known
    fact = None
    table, seen = test.rule.outcome_table, set()
    fixed = True
    for combo in product(_STATUSES, repeat=len(crits)):
        trial = {**statuses, **dict(zip(crits, combo))}
        rank = None
        for place, alternatives in enumerate(test.outcome_dnf):
            for conj in alternatives:
                if not all(any(trial.get(c) == atom.status for c in atom.ids) for atom in conj.crits):
                    continue
                if conj.facts:
                    fact = fact if fact is not None else engine_fact(test.matter, values)
                    if not all(conditions.matches(cond, fact) for cond in conj.facts):
                        continue
                rank = place
                break
            if rank is not None:
                break
        if rank is None:  # no line: the engine would say so; let the trials meet it
            fixed = False
            break
        seen.add(table[rank].outcome)
        if len(seen) > 1:
            fixed = False
            break
    if not any(c.facts for alts in test.outcome_dnf for c in alts):  # a function of the statuses alone: kept
        if len(_FIXED) >= 4096:
            _FIXED.clear()
        _FIXED[key] = fixed
    return fixed


_FIXED: dict[tuple, bool] = {}


def _probes(test: Test, rough: RoughTest) -> list[tuple]:
    """A few choices of days to look at first: each range's ends, and each side of a change of
    the law that falls inside it; every combination of them (few: one or two bounded facts)."""
    days = []
    for r in rough.rough.values():
        found = {r.lo, r.hi}
        for v in test.versions:
            if v.from_ and r.lo < v.from_ <= r.hi:
                found |= {v.from_ - timedelta(days=1), v.from_}
        days.append(sorted(found))
    points = list(product(*days))
    return points if len(points) <= 64 else []


@lru_cache(maxsize=64)
def _version_only(test: Test) -> frozenset[str]:
    """The facts that only select the law's version: no derivation and no condition reads them,
    so that the version they select is all they change."""
    if not test.versions:
        return frozenset()
    rule = test.rule
    by_criterion, by_lines = _condition_fields(test)
    read = set().union(*derivation_reads(test).values(), *by_criterion.values(), by_lines)
    return frozenset(f for f in rule.law_versions.selected_by if f in rule.facts and f not in read)


@lru_cache(maxsize=64)
def _condition_fields(test: Test) -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """The fields each criterion's conditions (met and unmet) read, and those the outcome
    lines' own conditions read."""
    by_criterion = {cid: frozenset(conditions.fields(test.met[cid]) | conditions.fields(test.unmet[cid]))
                    for cid in test.rule.criteria}
    by_lines = frozenset(f for alts in test.outcome_dnf for conj in alts for cond in conj.facts for f in conditions.fields(cond))
    return by_criterion, by_lines


@lru_cache(maxsize=64)
def _treaty_notes(test: Test) -> dict[str, list[str]]:
    """Criterion -> the derived values whose treaty note its reasons show: their table rows
    are cited beside the criterion's own sources."""
    rule = test.rule
    return {cid: [name for name in rule.derived if any(f"{{{name}_note}}" in text.en for text in crit.reason.values())]
            for cid, crit in rule.criteria.items()}


def _mark_assumed(test: Test, result: TestResult) -> None:
    """Beside each criterion, the facts it reads that the rule assumed."""
    if not result.assumptions:
        return
    for crit, assumed in zip(result.criteria, _assumed_by_criterion(test, frozenset(map(itemgetter("fact"), result.assumptions)))):
        crit.assumed = assumed


@lru_cache(maxsize=1024)
def _assumed_by_criterion(test: Test, assumed: frozenset[str]) -> tuple[tuple[str, ...], ...]:
    """For each criterion, in the rule's order (a result's criteria are in that order), the facts
    of `assumed` it reads, and the law's version if assumed and it reads it: a test's cases
    assume the same few sets of facts."""
    return tuple(
        tuple(f for f in test.reads[cid] if f in assumed)
        + ((LAW_VERSION,) if LAW_VERSION in assumed and cid in test.reads_version else ())
        for cid in test.rule.criteria
    )


def _days_to_try(test: Test, facts: dict[str, Any], as_of: date, name: str, values: dict[str, Any]) -> list[date]:
    """The days on which an unknown date fact can change an outcome, if any can: the case's
    own and derived dates, the law's change dates and the assessment date decades back, each
    with the day before and after, where the order constraints allow. The outcome depends on
    the order of dates only, so these probe every place the unknown date can take."""
    days = {v for v in values.values() if type(v) is date}
    days |= {v.from_ for v in test.versions if v.from_}
    days |= {_years(as_of, -n) for n in (100, 30, 16, 10)} | {_years(as_of, 1)}
    days |= {d + step for d in list(days) for step in _NEXT_DAYS}
    for c in test.rule.constraints:
        if c.earlier == name and type(other := values.get(c.later)) is date:
            days = {d for d in days if d <= other}
        if c.later == name and type(other := values.get(c.earlier)) is date:
            days = {d for d in days if other <= d}
    return sorted(days)


_NEXT_DAYS = (timedelta(days=-1), timedelta(days=1))


def _years(day: date, n: int) -> date:
    try:
        return day.replace(year=day.year + n)
    except ValueError:  # 29 February
        return day.replace(year=day.year + n, day=28)


def _missing(test: Test, facts: dict[str, Any], decision: Decision, rank: int) -> list[str]:
    """The absent facts read by the unknown criteria that left the outcome undetermined."""
    row = test.rule.outcome_table[rank]
    blamed = decision.unknown_hits.get(rank) or set(row.because_unknown or [])
    blamed = {c for c in blamed if decision.statuses[c] == "unknown"} or {
        c for c, s in decision.statuses.items() if s == "unknown"
    }
    reads = {f for c in blamed for f in test.reads[c]}
    return [f for f in test.rule.facts if f in reads and facts.get(f) is None and not falls_back(test, f, facts)]
