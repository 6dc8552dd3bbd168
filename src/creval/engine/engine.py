"""durable_rules behind a thin, strict wrapper (its traps: tests/test_engine.py).

- A synchronous host: no timer threads run actions behind our back.
- One ruleset per legal test, compiled once per process on first use, named with the rules digest.
- One state (sid) per evaluation, always deleted in `finally`.
- The lean action loop of section 6.4: rule actions are data (compiler.Effect); the loop
  asserts the crit facts they derive and records the outcome lines that fire.
- Two passes: criteria the engine marked neither met nor unmet are asserted as unknown,
  so that outcome rules can match "unknown" positively (durable's `$not` is broken). The
  outcome pass sees nothing but the statuses (and the fields outcome lines read), so the
  engine's answer for each combination is kept and reused (OUTCOME_MEMO_SIZE).
- The fact sent to durable holds only the fields the rules read. For a case decided again and
  again with other values changed (`decide_again`: trial values, rough days), the whole answer
  is kept per value of those fields, numbers and dates by their order only (`_Plan.signature`;
  DECISION_MEMO_SIZE).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Optional

import durable_rules_engine as E
import orjson
from durable import engine as durable_engine

from creval.law import conditions
from creval.engine.compiler import CRIT_KIND, Compiled, compile_test
from creval.law.rulebook import RuleBook

__all__ = ["DECISION_MEMO_SIZE", "Decision", "Engine", "EngineError", "FIRING_BUDGET", "OUTCOME_MEMO_SIZE", "engine_fact"]

FIRING_BUDGET = 10_000  # per evaluation; far above what any rule file needs
OUTCOME_MEMO_SIZE = 4_096  # second-pass results kept per test; cleared when full
DECISION_MEMO_SIZE = 4_096  # whole decisions kept per test, by the fields the rules read; cleared when full


class EngineError(Exception):
    """The engine could not evaluate one test of one scenario."""


class _SyncHost(durable_engine.Host):
    def _run(self):  # the stock Host starts timer threads here
        pass


def _no_action(c):  # the lean loop never calls rule actions; durable requires one
    return None


@dataclass
class Decision:
    statuses: dict[str, str]  # criterion -> met | unmet | unknown
    ranks: set[int]  # outcome-table lines whose rule fired
    unknown_hits: dict[int, set[str]] = field(default_factory=dict)  # line -> unknown criteria it matched


_INT64 = 2**63


def engine_fact(matter: str, values: dict[str, Any], keep: Optional[tuple[str, ...]] = None) -> dict:
    """The matter fact as durable sees it: dates as ordinals, unknown values left out, and
    with `keep`, only the fields the rules read (durable parses every field it is sent).

    Only values durable handles faithfully get through: floats do not (1e-05 is misread,
    and some floats, infinities and tiny or huge ones, crash its C core with a segmentation
    fault), and an integer beyond 64 bits is silently saturated. Validation never lets such
    values in (facts are dates, states, enumerations, booleans and integers); this is the
    engine's own guard."""
    fact = {"kind": matter}
    for name in values if keep is None else keep:
        value = values.get(name)
        if value is None or isinstance(value, dict):
            continue
        if isinstance(value, date):
            value = value.toordinal()
        elif not _engine_safe(value):
            raise EngineError(f"{name}: {type(value).__name__} value {value!r:.40} is outside what the engine can compare")
        fact[name] = value
    return fact


def _engine_safe(value: Any) -> bool:
    if isinstance(value, (bool, str)):
        return not isinstance(value, str) or value.isascii() or _utf8_ok(value)
    if isinstance(value, int):
        return -_INT64 < value < _INT64
    if isinstance(value, list):
        return all(not isinstance(v, list) and _engine_safe(v) for v in value)
    return False


def _utf8_ok(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


class Engine:
    def __init__(self, book: RuleBook):
        self.book = book
        self.host = _SyncHost()
        self._sids = itertools.count(1)
        self._names = itertools.count()
        self._plans: dict[str, _Plan] = {}

    def plan(self, test_id: str) -> "_Plan":
        """The test's compiled ruleset, registered on first use: a `check` of one scenario
        compiles only the tests it runs."""
        plan = self._plans.get(test_id)
        if plan is None:
            self._register(test_id, compile_test(self.book.tests[test_id]))
            plan = self._plans[test_id]
        return plan

    def _register(self, test_id: str, compiled: Compiled) -> None:
        name = f"{test_id}@{self.book.digest[7:19]}#{next(self._names)}"  # unique, even when rebuilt
        definition = {rule: dict(body, run=_no_action) for rule, body in compiled.ruleset.items()}
        self.host.register_rulesets({name: definition})
        self._plans[test_id] = _Plan(compiled, self.host.get_ruleset(name)._handle)

    def decide(self, test_id: str, values: dict[str, Any]) -> Decision:
        """Two passes: the matter fact fires the criterion rules; then every criterion's
        status (met, unmet, or unknown when neither fired) is asserted at once, as crit
        facts, and fires the outcome rules. Outcome rules are positive joins, so the lines
        that fire depend only on the facts asserted, not on their order; asserting the crit
        facts in one call instead of one call per firing saves most of the engine's time.

        The second pass is a function of the statuses and of the fact's fields that outcome
        rules read, and nothing else: the engine's answer for each such key is kept
        (`_Plan.outcomes`) and reused, so the engine runs it once per distinct key."""
        plan = self.plan(test_id)
        return self._decide(plan, engine_fact(plan.compiled.test.matter, values, plan.fields))

    def decide_again(self, test_id: str, values: dict[str, Any]) -> Decision:
        """`decide`, for callers that decide one case many times with other values changed
        (trial values of a missing fact, the days around a change of law, each possible day of a
        rough date): the engine's answer is a function of the fields its rules read, and of
        their numbers' order only (`_Plan.signature`), so it is kept per signature
        (DECISION_MEMO_SIZE) and not asked for again. The
        Decision returned is shared: callers only read it."""
        plan = self.plan(test_id)
        known = plan.signature_of(values)
        if known is None:  # a value only engine_fact can vet (it refuses what the engine would misread)
            known = plan.signature(engine_fact(plan.compiled.test.matter, values, plan.fields))
        found = plan.decisions.get(known)
        if found is None:  # the fact is built only to be sent: most trials are answered from the memo
            found = self._decide(plan, engine_fact(plan.compiled.test.matter, values, plan.fields))
            if len(plan.decisions) >= DECISION_MEMO_SIZE:
                plan.decisions.clear()
            plan.decisions[known] = found
        return found

    def _decide(self, plan: "_Plan", fact: dict) -> Decision:
        compiled, handle, test_id = plan.compiled, plan.handle, plan.compiled.test.id
        sid = str(next(self._sids))
        decision = Decision({}, set())
        fact["sid"] = sid
        created = finished = False
        offset = 0
        try:
            code, offset = E.assert_facts(handle, orjson.dumps([fact]).decode())
            created = True  # from here on the state exists and must be deleted
            if code == 2:
                raise EngineError("duplicate fact")
            self._drain(plan, handle, offset, decision)
            statuses = decision.statuses
            for cid in plan.criteria:
                if cid not in statuses:
                    statuses[cid] = "unknown"
            if statuses:
                key = plan.outcome_key(statuses, fact)
                second = plan.outcomes.get(key)
                if second is None:
                    second = Decision(dict(statuses), set())
                    head = '{"sid": "' + sid + '", '
                    crit_facts = "[" + ", ".join(head + plan.crit_json[item] for item in statuses.items()) + "]"
                    code, offset = E.assert_facts(handle, crit_facts)
                    self._drain(plan, handle, offset, second)
                    plan.remember(key, second)
                decision.ranks |= second.ranks
                for rank, hits in second.unknown_hits.items():
                    decision.unknown_hits.setdefault(rank, set()).update(hits)
            finished = True
        except MemoryError:
            # durable's per-ruleset state pool is exhausted (see docs/limits.md, Engine). The state that
            # failed is a zombie that segfaults if deleted: leave it, and rebuild the ruleset.
            created = False
            self._register(test_id, compiled)
            raise EngineError("the engine ran out of states; the ruleset was rebuilt") from None
        except E.error as exc:
            raise EngineError(f"engine error: {exc}") from None
        except EngineError:
            raise
        except Exception as exc:  # a fault in the loop's own handling of a rule: this test only
            raise EngineError(f"internal error while applying a rule: {type(exc).__name__}: {exc}") from None
        finally:
            # durable segfaults when a state with queued, unstarted actions is deleted: after a
            # failure, run its agenda out first, and leave the state alone if that fails too (a
            # leaked state only counts towards the pool limit, which rebuilds the ruleset).
            if created and (finished or self._run_out(handle, offset)):
                try:
                    E.delete_state(handle, sid)
                except E.error:
                    pass
        return decision

    @staticmethod
    def _run_out(handle: int, offset: int, in_progress: bool = False) -> bool:
        """Complete every action still queued (and the one in progress), recording nothing;
        True when none is left.

        Completed, not abandoned: a stress run (random facts, the firing budget set to 2)
        showed that deleting a state whose actions had been abandoned corrupted durable's
        memory, and a later state's deletion crashed the process."""
        try:
            if in_progress:
                messages = E.complete_and_start_action(handle, offset)
            else:
                started = E.start_action_for_state(handle, offset)
                messages = started[1] if started else None
            for _ in range(FIRING_BUDGET):
                if not messages:
                    return True
                messages = E.complete_and_start_action(handle, offset)
        except Exception:  # whatever failed, the state is left alone (see `decide`'s finally)
            pass
        return False

    @staticmethod
    def _drain(plan: "_Plan", handle: int, offset: int, decision: Decision) -> None:
        """Run the agenda to the end, recording each fired rule's effect.

        durable hands out one action at a time, as `{"<rule>": {<alias>: fact, ...}}`; like
        durable's own loop, only the first rule of a message is taken. The rule name is read
        without parsing the message; the facts are parsed only where they are needed."""
        effects = plan.effects
        result = E.start_action_for_state(handle, offset)
        messages = result[1] if result else None
        fired = 0
        try:
            while messages:
                fired += 1
                if fired > FIRING_BUDGET:
                    raise EngineError("firing budget exceeded")
                end = messages.find('"', 2)
                rule_name = messages[2:end]
                effect = effects.get(rule_name) if messages.startswith('{"') and "\\" not in rule_name else None
                if effect is None:  # a name that needed escaping: parse it
                    rule_name, payload = next(iter(json.loads(messages).items()))
                    effect = effects[rule_name]
                if effect.kind == "crit":
                    previous = decision.statuses.get(effect.criterion)
                    if previous and previous != effect.status:
                        raise EngineError(f"criterion {effect.criterion} is both met and unmet: the rule file is inconsistent")
                    decision.statuses[effect.criterion] = effect.status
                else:
                    decision.ranks.add(effect.rank)
                    if rule_name in plan.reads_unknown:
                        payload = json.loads(messages)[rule_name]
                        hits = {p["id"] for p in payload.values() if p.get("kind") == CRIT_KIND and p.get("status") == "unknown"}
                        if hits:
                            decision.unknown_hits.setdefault(effect.rank, set()).update(hits)
                messages = E.complete_and_start_action(handle, offset)
        except BaseException:
            if messages:  # an action is in progress: run the agenda out before the state is deleted
                Engine._run_out(handle, offset, in_progress=True)
            raise


class _Plan:
    """What the loop needs of one compiled test, prepared once per process (and again when
    its ruleset is rebuilt)."""

    def __init__(self, compiled: Compiled, handle: int):
        test = compiled.test
        self.compiled, self.handle = compiled, handle  # the ruleset as registered with durable
        self.effects = compiled.effects
        self.criteria = list(test.rule.criteria)
        # the fields that outcome rules read, and all the fields any rule reads
        self.outcome_fields = sorted({f for alts in test.outcome_dnf for conj in alts
                                      for cond in conj.facts for f in conditions.fields(cond)})
        self.fields = tuple(sorted(set(self.outcome_fields).union(
            *(conditions.fields(c) for cid in self.criteria for c in (test.met[cid], test.unmet[cid])))))
        conds = [c for cid in self.criteria for c in (test.met[cid], test.unmet[cid])]
        conds += [c for alts in test.outcome_dnf for conj in alts for c in conj.facts]
        self.constants, links = _numbers_and_links(conds)  # for `signature`
        at = {f: i for i, f in enumerate(self.fields)}
        self.links = sorted({(at[a], at[b]) for a, b in links if a in at and b in at})
        self.outcomes: dict[tuple, Decision] = {}  # the second pass's answer per outcome_key
        self.decisions: dict[tuple, Decision] = {}  # the whole answer per value of `fields` (DECISION_MEMO_SIZE)
        self.shapes: dict[tuple, _Shape] = {}  # signature_of: where each kind of value stands, per tuple of kinds
        # the crit fact of each (criterion, status), as JSON after its leading '{"sid": ..., '
        self.crit_json = {
            (cid, status): json.dumps({"kind": CRIT_KIND, "id": cid, "status": status})[1:]
            for cid in self.criteria
            for status in ("met", "unmet", "unknown")
        }
        # outcome rules with a pattern on an unknown criterion: their facts name it (`missing`)
        self.reads_unknown = {
            name for name, body in compiled.ruleset.items()
            if any(isinstance(cond, dict) and {"status": "unknown"} in cond.get("$and", ())
                   for pattern in body.get("all", ()) for cond in pattern.values())
        }

    def signature(self, fact: dict) -> tuple:
        """What the engine's whole answer depends on: the fields' values, except that numbers
        (dates are ordinals) count only by their order among each other and among the numbers
        the conditions name. Conditions only compare (a date with a date, a number with a
        number or a literal), so two facts with the same order decide alike: the days a
        missing date is tried on, or two cases whose dates lie alike, are decided once. Other
        values (states, words, yes/no) are kept as they are, so their equalities are too; only
        where a number is compared with a field that holds something else is every value kept."""
        return self._signature(list(map(fact.get, self.fields)))

    def signature_of(self, values: dict[str, Any]) -> tuple | None:
        """`signature` of the fact engine_fact makes of `values`, without making it; None when a
        value is of a kind that engine_fact must check (a list, a non-ASCII text, a huge number).
        It is run for every decision, trial values included: the values are checked and ranked
        by kind, each kind's places known from the tuple of kinds (_Shape), mostly in C."""
        vals = list(map(values.get, self.fields))
        kinds = tuple(map(type, vals))
        shape = self.shapes.get(kinds)
        if shape is None:
            if len(self.shapes) >= 64:  # a plan sees a handful; bounded whatever the input
                self.shapes.clear()
            shape = self.shapes[kinds] = _Shape(kinds, self.links, bool(self.constants))
        if not shape.usable:
            return None
        get = vals.__getitem__
        if shape.texts and not "".join(map(get, shape.texts)).isascii():
            return None
        if shape.ints and not (-_INT64 < min(map(get, shape.ints)) and max(map(get, shape.ints)) < _INT64):
            return None
        for i in shape.yes_no:  # True == 1: a yes/no must never be taken for a number below
            vals[i] = _YES if vals[i] else _NO
        for i in shape.dicts:  # left out of the fact, as engine_fact does
            vals[i] = None
        if shape.dates_alone:  # ranked as they are: the order of dates is their ordinals' (the same signature)
            order = dict(zip(sorted(set(map(get, shape.dates))), _RANKS))
            return tuple(map(order.get, vals, vals)), ()
        for i in shape.dates:
            vals[i] = vals[i].toordinal()
        if shape.mixed:
            return ("exact", tuple(vals))
        numbers = set(map(get, shape.numbers))
        numbers.update(self.constants)
        order = dict(zip(sorted(numbers), _RANKS))
        # each number by its rank, every other value as it is
        return tuple(map(order.get, vals, vals)), tuple(map(order.__getitem__, self.constants))

    def _signature(self, values: list) -> tuple:
        """`signature` of the values of a fact engine_fact made (lists and yes/no as they are)."""
        if _mixes(tuple(map(type, values)), self.links):
            return ("exact", tuple(_hashable(v) for v in values))
        numbers = {v for v in values if type(v) is int}
        if self.constants:
            numbers.update(self.constants)
        # a rank is negative (~i): never equal to a value kept as it is (False == 0, True == 1)
        order = dict(zip(sorted(numbers), _RANKS))
        return (tuple([order[v] if type(v) is int else tuple(v) if type(v) is list else v for v in values]),
                tuple([order[c] for c in self.constants]))

    def outcome_key(self, statuses: dict[str, str], fact: dict) -> tuple:
        """All that the second pass depends on: the statuses and the outcome rules' fields."""
        return (tuple(statuses[c] for c in self.criteria),
                tuple(_hashable(fact.get(f)) for f in self.outcome_fields))

    def remember(self, key: tuple, second: Decision) -> None:
        if len(self.outcomes) >= OUTCOME_MEMO_SIZE:
            self.outcomes.clear()
        self.outcomes[key] = second


class _Shape:
    """For one tuple of the kinds of a plan's values (signature_of): whether a signature can be
    made of them, and the places of the dates, numbers, texts, yes/no and mappings."""

    __slots__ = ("usable", "dates", "ints", "numbers", "texts", "yes_no", "dicts", "mixed", "dates_alone")

    def __init__(self, kinds: tuple, links: list[tuple[int, int]], constants: bool):
        def at(kind):
            return tuple(i for i, k in enumerate(kinds) if k is kind)

        # exact kinds: a date's subclass datetime, a str's State or Msg, go through engine_fact
        self.usable = all(k in _SIGNED for k in kinds)
        self.dates, self.ints, self.texts, self.yes_no, self.dicts = at(date), at(int), at(str), at(bool), at(dict)
        self.numbers = self.dates + self.ints
        self.mixed = _mixes(kinds, links)  # decided once for these kinds
        # the dates are the only numbers (no int, no number the conditions name): ranked without their ordinals
        self.dates_alone = not self.ints and not constants and not self.mixed


def _mixes(kinds: tuple, links: list[tuple[int, int]]) -> bool:
    """Whether two fields compared with each other (`links`, by place) hold a number (a date is
    one: an ordinal) and something else, by the kinds of their values: then every value is kept
    as it is in a signature. An unknown value (None; a mapping, left out of the fact) is neither."""
    number = {i: k in (date, int) for i, k in enumerate(kinds) if k is not type(None) and k is not dict}
    return any(i in number and j in number and number[i] != number[j] for i, j in links)


_SIGNED = frozenset({type(None), date, int, str, bool, dict})
_RANKS = range(-1, -1_000_000, -1)  # ~0, ~1, ...: more than any fact has fields
_YES, _NO = ("yes",), ("no",)  # yes and no in a signature (signature_of)


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _numbers_and_links(conds: list) -> tuple[tuple, frozenset]:
    """The numbers the conditions compare with (sorted), and the pairs of fields compared with each other."""
    numbers, linked = set(), set()

    def walk(cond) -> None:
        if isinstance(cond, conditions.Junction):
            for part in cond.parts:
                walk(part)
        elif isinstance(cond, conditions.Compare):
            if isinstance(cond.operand, conditions.FieldRef):
                linked.add((cond.field, cond.operand.name))
            elif type(cond.operand) in (int, float):  # (a float: never in a valid rule file)
                numbers.add(cond.operand)
        elif isinstance(cond, conditions.Member):
            numbers.update(v for v in cond.values if type(v) in (int, float))

    for cond in conds:
        walk(cond)
    return tuple(sorted(numbers)), frozenset(linked)
