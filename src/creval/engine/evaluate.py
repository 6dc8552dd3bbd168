"""From a validated scenario to its results: derive, let the engine decide, explain.

For each test whose matter the scenario names: compute the derived quantities, ask the
engine (or, for cross-checks, the oracle) which criteria hold and which outcome lines fire,
then fill in the explanation: reasons, missing facts, key dates, sources, notes, caveats.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Callable

from creval import __version__
from creval.core.dates import DateRange, iso
from creval.core.facts import matter_facts, scenario_digest
from creval.core.text import State, in_language, t, tr
from creval.engine.engine import Decision, Engine, EngineError
from creval.engine.ranged import decide_rough, rough_facts
from creval.engine.results import CriterionResult, KeyDateResult, ScenarioResult, TestResult
from creval.engine.texts import Texts, fill, filled, template_values
from creval.law import conditions
from creval.law.absent import assumptions, falls_back, version_assumption
from creval.law.derive import Derived, derive
from creval.law.rulebook import LAW_VERSION, RuleBook, Test, order_constraints

__all__ = ["CriterionResult", "Evaluator", "KeyDateResult", "ScenarioResult", "TestResult", "fill"]


class Evaluator:
    def __init__(self, book: RuleBook, decide: Callable[[str, dict], Decision] | None = None):
        self.book = book
        self._decide = decide or Engine(book).decide
        self._static: dict[tuple[str, str], Texts] = {}

    def texts(self, test: Test, lang: str) -> Texts:
        """What a test's result repeats for every scenario, built once per test and language."""
        found = self._static.get((test.id, lang))
        if found is None:
            found = self._static[(test.id, lang)] = Texts.of(test, lang)
        return found

    def scenario(self, scenario, file: str = "", tests: list[str] | None = None, lang: str = "en") -> ScenarioResult:
        as_of = scenario.as_of or date.today()
        results, errors = [], []
        by_matter = matter_facts(scenario)
        for matter, facts in sorted(by_matter.items()):
            stated = getattr(scenario.facts, matter)
            given = {k for k in stated.model_fields_set if getattr(stated, k) is not None}
            rough = any(type(v) is DateRange for v in facts.values())  # a date known only roughly
            for test in self.book.matters[matter]:
                if tests and test.id not in tests:
                    continue
                try:
                    if rough and rough_facts(test, facts):  # decided over every possible day (engine/ranged.py)
                        result = decide_rough(self, test, facts, as_of, lang, order_constraints(self.book, matter))
                    else:
                        result = self.test(test, facts, as_of, lang)
                    result.assumptions[:0] = assumptions(test, facts, given, as_of, lang)
                    _mark_assumed(test, result)
                    results.append(result)
                except EngineError as exc:
                    errors.append(f"{test.id}: {exc}")
        expected = dict(scenario.expected or {})
        outcomes = {r.test: r.outcome for r in results}
        mismatches = [t for t, want in expected.items() if t in outcomes and outcomes[t] != want]
        return ScenarioResult(
            scenario.id, file, as_of.isoformat(), __version__, self.book.digest, results, expected, mismatches,
            title=in_language(scenario.title, lang), errors=errors, scenario_digest=scenario_digest(scenario, by_matter), lang=lang,
        )

    def decided(self, test: Test, facts: dict[str, Any], as_of: date) -> tuple[Derived, Decision, int]:
        """Derived values, the engine's decision, and the first outcome line that fired."""
        derived = derive(test, facts, as_of, self.book.tables)
        decision = self._decide(test.id, derived.values)
        if not decision.ranks:
            raise EngineError("no line of the outcome table applies: the rule file is incomplete")
        return derived, decision, min(decision.ranks)

    def outcome(self, test: Test, facts: dict[str, Any], as_of: date) -> str:
        """Only the outcome code: the cheap path for callers that try many fact values."""
        return test.rule.outcome_table[self.decided(test, facts, as_of)[2]].outcome

    def test(self, test: Test, facts: dict[str, Any], as_of: date, lang: str = "en") -> TestResult:
        derived, decision, rank = self.decided(test, facts, as_of)
        row = test.rule.outcome_table[rank]
        values = template_values(test, derived)
        rule, texts, enums = test.rule, self.texts(test, lang), test.shown_as
        statuses = decision.statuses
        rows = derived.sources  # the treaty-table rows behind a derived value: cited as sources
        criteria = [
            CriterionResult(cid, statuses[cid], filled(reasons[statuses[cid]], values, lang, enums),
                            "; ".join([cited, *(str(s) for name in texts.treaty_notes[cid] for s in rows.get(name, ()))]),
                            title)
            for cid, reasons, cited, title in texts.criteria
        ]
        row_sources = list(dict.fromkeys(s for found in rows.values() for s in found))
        missing = _missing(test, facts, decision, rank) if row.outcome == "undetermined" else []
        dates = [
            KeyDateResult(event, derived.values[field].isoformat(), filled(parts, values, lang, enums))
            for kd, (event, field, parts) in zip(rule.key_dates, texts.key_dates)
            if derived.values.get(field) is not None and self._key_date_shown(test, kd, facts, as_of, derived)
        ]
        if test.versions:
            dates += self._law_changes(test, facts, as_of, row.outcome, lang)
        details = {rep.name: iso(derived.lists.get(rep.name, derived.values.get(rep.name))) for rep in rule.report}
        for name, value in details.items():  # a state stays its code in JSON, and is named in texts
            if enums.get(name) == "state" and isinstance(value, str):
                details[name] = State(value)
        date_fact = rule.date_fact and derived.values.get(rule.date_fact)
        return TestResult(
            test.id, row.outcome, criteria, missing, dates, list(texts.sources) + [str(s) for s in row_sources],
            [filled(parts, values, lang, enums) for parts in _caveats(test, texts, derived.values)],
            title=texts.title, explanation=filled(texts.explanations[rank], values, lang, enums),
            assessed_on=(date_fact or as_of).isoformat(), details=details,
            notes=[filled(parts, values, lang, enums) for parts in texts.notes],
            detail_titles=dict(texts.detail_titles),
            sources_shown=list(texts.sources_shown) + [_row_source(s, lang) for s in row_sources],
            assumptions=version_assumption(test, derived.version, lang),
            law_version=_version_shown(test, derived.version, lang),
        )

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

    def _law_changes(self, test: Test, facts: dict[str, Any], as_of: date, outcome: str, lang: str) -> list[KeyDateResult]:
        """Each change of law at which this case's outcome would change: the engine decides the
        case with its selecting date on the day before the change and on the day itself."""
        selecting = test.rule.law_versions.selected_by
        fact = next((f for f in selecting if f == "as_of" or facts.get(f) is not None), selecting[0])
        title = test.rule.facts[fact].title.get(lang) if fact in test.rule.facts else t("value.as_of", lang)
        out = []
        for version in test.versions[1:]:
            sides = []
            for day in (version.from_ - timedelta(days=1), version.from_):
                if fact == "as_of":
                    sides.append(self.outcome(test, facts, day))
                else:
                    sides.append(self.outcome(test, {**facts, fact: day}, as_of))
            if sides[0] != sides[1]:
                text = fill(test.rule.law_versions.change_text.get(lang), {"version": version.title.get(lang), "fact": title})
                out.append(KeyDateResult(f"law-change-{version.id}", version.from_.isoformat(), text))
        return out


def _caveats(test: Test, texts: "Texts", values: dict[str, Any]) -> list[list[str]]:
    """The caveats that apply to this result: all, less those whose `when` the case does not
    meet. (Which words to print, not a decision: the plain matcher of conditions.py suffices.)"""
    return [parts for parts, when in zip(texts.caveats, test.caveat_when)
            if when is None or conditions.matches(when, values)]


def _version_shown(test: Test, version: Any, lang: str) -> dict | None:
    if version is None:
        return None
    sources = test.rule.sources
    return {
        "id": version.id, "title": version.title.get(lang),
        "from": iso(version.from_), "until": iso(version.until), "confidence": version.confidence,
        "sources": [sources[s].cite() for s in version.sources],  # codes: English in every language, as `sources`
    }


def _mark_assumed(test: Test, result: TestResult) -> None:
    """Beside each criterion, the facts it reads that the rule assumed."""
    assumed = {a["fact"] for a in result.assumptions}
    if not assumed:
        return
    for crit in result.criteria:
        crit.assumed = [f for f in test.reads[crit.id] if f in assumed]
        if LAW_VERSION in assumed and crit.id in test.reads_version:
            crit.assumed.append(LAW_VERSION)


_ROW_SOURCES: dict[tuple[str, str], str] = {}


def _row_source(source: Any, lang: str) -> str:
    """A treaty row's citation in `lang`, rendered once: the same rows recur in every result."""
    key = (str(source), lang)
    found = _ROW_SOURCES.get(key)
    if found is None:
        found = tr(source, lang)
        if len(_ROW_SOURCES) < 10_000:
            _ROW_SOURCES[key] = found
    return found


def _missing(test: Test, facts: dict[str, Any], decision: Decision, rank: int) -> list[str]:
    """The absent facts read by the unknown criteria that left the outcome undetermined."""
    row = test.rule.outcome_table[rank]
    blamed = decision.unknown_hits.get(rank) or set(row.because_unknown or [])
    blamed = {c for c in blamed if decision.statuses[c] == "unknown"} or {
        c for c, s in decision.statuses.items() if s == "unknown"
    }
    reads = {f for c in blamed for f in test.reads[c]}
    return [f for f in test.rule.facts if f in reads and facts.get(f) is None and not falls_back(test, f, facts)]
