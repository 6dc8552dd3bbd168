"""durable_rules behind a thin, strict wrapper (see durable-rules.md, sections 1, 4 and 6).

- A synchronous host: no timer threads run actions behind our back.
- One ruleset per legal test, compiled once per process, named with the rules digest.
- One state (sid) per evaluation, always deleted in `finally`.
- The lean action loop of section 6.4: rule actions are data (compiler.Effect); the loop
  asserts the crit facts they derive and records the outcome lines that fire.
- Two passes: criteria the engine marked neither met nor unmet are asserted as unknown,
  so that outcome rules can match "unknown" positively (durable's `$not` is broken).
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import durable_rules_engine as E
from durable import engine as durable_engine

from .compiler import CRIT_KIND, Compiled, compile_test
from .rulebook import RuleBook

FIRING_BUDGET = 10_000  # per evaluation; far above what any rule file needs


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


def engine_fact(matter: str, values: dict[str, Any]) -> dict:
    """The matter fact as durable sees it: dates as ordinals, unknown values left out."""
    fact = {"kind": matter}
    for name, value in values.items():
        if value is None or isinstance(value, dict):
            continue
        fact[name] = value.toordinal() if isinstance(value, date) else value
    return fact


class Engine:
    def __init__(self, book: RuleBook):
        self.book = book
        self.host = _SyncHost()
        self.compiled: dict[str, Compiled] = {}
        self.handles: dict[str, int] = {}
        self._sids = itertools.count(1)
        for test_id, test in book.tests.items():
            self._register(test_id, compile_test(test))

    def _register(self, test_id: str, compiled: Compiled) -> None:
        name = f"{test_id}@{self.book.digest[7:19]}#{len(self.handles)}"
        definition = {rule: dict(body, run=_no_action) for rule, body in compiled.ruleset.items()}
        self.host.register_rulesets({name: definition})
        self.compiled[test_id] = compiled
        self.handles[test_id] = self.host.get_ruleset(name)._handle

    def decide(self, test_id: str, values: dict[str, Any]) -> Decision:
        compiled = self.compiled[test_id]
        handle = self.handles[test_id]
        sid = str(next(self._sids))
        decision = Decision({}, set())
        fact = dict(engine_fact(compiled.test.matter, values), sid=sid)
        try:
            code, offset = E.assert_facts(handle, json.dumps([fact], ensure_ascii=False))
            if code == 2:
                raise EngineError("duplicate fact")
            self._drain(compiled, handle, sid, offset, decision)
            unknown = [c for c in compiled.test.rule.criteria if c not in decision.statuses]
            for cid in unknown:
                decision.statuses[cid] = "unknown"
            if unknown:
                crit_facts = [{"sid": sid, "kind": CRIT_KIND, "id": c, "status": "unknown"} for c in unknown]
                code, offset = E.assert_facts(handle, json.dumps(crit_facts))
                self._drain(compiled, handle, sid, offset, decision)
        except MemoryError:
            # durable's per-ruleset state pool is exhausted (durable-rules.md P1): rebuild it.
            self._register(test_id, compiled)
            raise EngineError("the engine ran out of states; the ruleset was rebuilt") from None
        except E.error as exc:
            raise EngineError(f"engine error: {exc}") from None
        finally:
            try:
                E.delete_state(handle, sid)
            except E.error:
                pass
        return decision

    def _drain(self, compiled: Compiled, handle: int, sid: str, offset: int, decision: Decision) -> None:
        """Run the agenda to the end, applying each fired rule's effect."""
        result = E.start_action_for_state(handle, offset)
        messages = result[1] if result else None
        fired = 0
        while messages:
            for rule_name, payload in json.loads(messages).items():
                fired += 1
                if fired > FIRING_BUDGET:
                    E.abandon_action(handle, offset)
                    raise EngineError("firing budget exceeded")
                self._apply(compiled, handle, sid, rule_name, payload, decision)
            messages = E.complete_and_start_action(handle, offset)

    @staticmethod
    def _apply(compiled: Compiled, handle: int, sid: str, rule_name: str, payload: dict, decision: Decision) -> None:
        effect = compiled.effects[rule_name]
        if effect.kind == "crit":
            previous = decision.statuses.get(effect.criterion)
            if previous and previous != effect.status:
                raise EngineError(f"criterion {effect.criterion} is both met and unmet: the rule file is inconsistent")
            decision.statuses[effect.criterion] = effect.status
            E.assert_fact(handle, json.dumps({"sid": sid, "kind": CRIT_KIND, "id": effect.criterion, "status": effect.status}))
            return
        decision.ranks.add(effect.rank)
        hits = {p["id"] for p in payload.values() if p.get("kind") == CRIT_KIND and p.get("status") == "unknown"}
        if hits:
            decision.unknown_hits.setdefault(effect.rank, set()).update(hits)
