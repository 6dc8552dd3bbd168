"""From a validated scenario to its results: derive, let the engine decide, explain.

For each test whose matter the scenario names: compute the derived quantities, ask the
engine (or, for cross-checks, the oracle) which criteria hold and which outcome lines fire,
then fill in the explanation: reasons, missing facts, key dates, sources, notes, caveats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Callable

from creval import __version__
from creval.law import dates
from creval.law.dates import iso
from creval.engine.derive import Derived, derive
from creval.engine import conditions
from creval.engine.engine import Decision, Engine, EngineError
from creval.output.i18n import State, country_name, messages, placeholder_parts, t, tr
from creval.output.memo import assumptions, falls_back, scenario_digest, version_assumption
from creval.law.rulebook import LAW_VERSION, RuleBook, Test
from creval.input.scenario import _constraints, in_language, matter_facts
from creval.engine.ranged import decide_rough, rough_facts
from creval.input.daterange import FIRST_DATE, LAST_DATE, DateRange



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
    assumptions: list[dict] = field(default_factory=list)  # absent facts and how they were treated (memo.py)
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
    scenario_digest: str = ""  # sha256 of the validated scenario's canonical JSON (memo.py)
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




_WORDS: dict[str, dict[Any, str]] = {}  # lang -> the words for unknown, none, true, false


def _words(lang: str) -> dict[Any, str]:
    words = _WORDS.get(lang)
    if words is None:
        words = _WORDS[lang] = {w: t(f"value.{w}", lang) for w in ("unknown", "none", "true", "false")}
    return words


def _shown(value: Any, lang: str = "en", enum: str | None = None, state: bool = False) -> str:
    """A value as a rule text shows it: ISO dates, words for unknown/none/true/false in `lang`,
    treaty notes and instrument names translated, enumerated codes named in ru/kk, state
    codes by the state's name (`state`)."""
    kind = type(value)
    if state and kind is str:
        return country_name(value, lang)
    if kind is str and (enum is None or lang == "en"):  # the common case: a plain text
        return value
    if kind is date:
        return value.isoformat()
    if value is None:
        return _words(lang)["unknown"]
    if value is True or value is False:
        return _words(lang)["true" if value else "false"]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return ", ".join(tr(v, lang) for v in value) if value else _words(lang)["none"]
    if enum is not None and lang != "en":
        return t(f"enum.{enum}.{value}", lang) if f"enum.{enum}.{value}" in messages() else str(value)
    return tr(value, lang)


def fill(template: str, values: dict[str, Any], lang: str = "en", enums: Any = ()) -> str:
    """Replace {name} placeholders; no format mini-language, so templates cannot reach objects.
    Values are shown in `lang`; `enums` names the placeholders that are enumerated facts, or
    maps them to "enum" or "state" (a test's `shown_as`)."""
    return _filled(placeholder_parts(template), values, lang, enums)


def _filled(parts: list[str], values: dict[str, Any], lang: str, enums: Any) -> str:
    """`fill` of a template already split by `placeholder_parts`."""
    if len(parts) == 1:
        return parts[0]
    out = parts[:]
    for i in range(1, len(parts), 2):
        name = parts[i]
        kind = enums.get(name) if isinstance(enums, dict) else ("enum" if name in enums else None)
        out[i] = _shown(values.get(name), lang, name if kind == "enum" else None, kind == "state")
    return "".join(out)


@dataclass(frozen=True)
class _Texts:
    """A test's texts in one language, split at their placeholders once: every result fills them."""
    criteria: list[tuple[str, dict[str, list[str]], str, str]]  # id, reason parts by status, cited sources, title
    key_dates: list[tuple[str, str, list[str]]]  # event, date field, text parts
    caveats: list[list[str]]
    notes: list[list[str]]
    explanations: list[list[str]]  # by line of the outcome table
    sources: list[str]
    title: str
    detail_titles: dict[str, str]
    sources_shown: list[str]
    treaty_notes: dict[str, list[str]]  # criterion -> derived values whose treaty note its reasons show

    @classmethod
    def of(cls, test: Test, lang: str) -> "_Texts":
        rule = test.rule

        def parts(text) -> list[str]:
            return placeholder_parts(text.get(lang))

        return cls(
            criteria=[(cid, {status: parts(text) for status, text in crit.reason.items()},
                       "; ".join(rule.sources[s].cite() for s in crit.sources), crit.title.get(lang))
                      for cid, crit in rule.criteria.items()],
            key_dates=[(kd.event, kd.date, parts(kd.text)) for kd in rule.key_dates],
            caveats=[parts(c) for c in rule.caveats],
            notes=[parts(n) for n in rule.notes],
            explanations=[parts(row.text) for row in rule.outcome_table],
            sources=test.sources_cited(),
            title=rule.title.get(lang),
            detail_titles={rep.name: rep.title.get(lang) for rep in rule.report},
            sources_shown=[s.cite(lang) for s in rule.sources.values()],
            treaty_notes={cid: [name for name in rule.derived
                                if any(f"{{{name}_note}}" in text.en for text in crit.reason.values())]
                          for cid, crit in rule.criteria.items()},
        )


class Evaluator:
    def __init__(self, book: RuleBook, decide: Callable[[str, dict], Decision] | None = None):
        self.book = book
        self._decide = decide or Engine(book).decide
        self._static: dict[tuple[str, str], _Texts] = {}
        self._trying = False  # inside _can_change: the results it computes keep their own `missing`

    def _texts(self, test: Test, lang: str) -> _Texts:
        """What a test's result repeats for every scenario, built once per test and language."""
        found = self._static.get((test.id, lang))
        if found is None:
            found = self._static[(test.id, lang)] = _Texts.of(test, lang)
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
                        result = decide_rough(self, test, facts, as_of, lang, _constraints(self.book, matter))
                    else:
                        result = self.test(test, facts, as_of, lang)
                        if result.outcome == "undetermined":
                            result = self._proved(test, facts, as_of, lang, matter) or result
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

    def _can_change(self, test: Test, facts: dict[str, Any], as_of: date, names: list[str]) -> list[str]:
        """Of the facts blamed for `undetermined`, those whose value alone can change the
        outcome (the others as given): a fact that cannot is not asked for. A date is tried over
        every possible day through engine/ranged.py; other facts over their values. When none
        can alone (two facts are needed together), all are kept."""
        if len(names) < 2 or self._trying:
            return names
        self._trying = True
        try:
            kept = [name for name in names if self._changes(test, facts, as_of, name)]
        finally:
            self._trying = False
        return kept or names

    def _changes(self, test: Test, facts: dict[str, Any], as_of: date, name: str) -> bool:
        spec = test.rule.facts[name]
        if spec.type == "date":
            values = _days_to_try(test, facts, as_of, name, derive(test, facts, as_of, self.book.tables).values)
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
        for value in values:
            seen.add(self.outcome(test, {**facts, name: value}, as_of))
            if len(seen) > 1:
                return True
        return False

    def _proved(self, test: Test, facts: dict[str, Any], as_of: date, lang: str, matter: str) -> TestResult | None:
        """What the facts prove: an unknown date that an order constraint with `proves` bounds
        by a known one (an offence on or before the start of its sentence) is a range, decided
        over every possible day; the result is kept only if every day gives one outcome."""
        bounded: dict[str, DateRange] = {}
        why = []
        for c in test.rule.constraints:
            later = facts.get(c.later)
            if c.proves is None or facts.get(c.earlier) is not None or type(later) is not date:
                continue
            known = bounded.get(c.earlier)
            hi = min(later, known.hi) if known else later
            bounded[c.earlier] = DateRange(FIRST_DATE, hi)
            why.append(fill(c.proves.get(lang), {"date": later}))
        if not bounded:
            return None
        try:
            result = decide_rough(self, test, {**facts, **bounded}, as_of, lang, _constraints(self.book, matter))
        except EngineError:
            return None
        if result.outcome == "undetermined":
            return None
        result.explanation = " ".join([result.explanation, *why])
        return result

    def _decided(self, test: Test, facts: dict[str, Any], as_of: date) -> tuple[Derived, Decision, int]:
        """Derived values, the engine's decision, and the first outcome line that fired."""
        derived = derive(test, facts, as_of, self.book.tables)
        decision = self._decide(test.id, derived.values)
        if not decision.ranks:
            raise EngineError("no line of the outcome table applies: the rule file is incomplete")
        return derived, decision, min(decision.ranks)

    def outcome(self, test: Test, facts: dict[str, Any], as_of: date) -> str:
        """Only the outcome code: the cheap path for callers that try many fact values."""
        return test.rule.outcome_table[self._decided(test, facts, as_of)[2]].outcome

    def test(self, test: Test, facts: dict[str, Any], as_of: date, lang: str = "en") -> TestResult:
        derived, decision, rank = self._decided(test, facts, as_of)
        row = test.rule.outcome_table[rank]
        values = _template_values(test, derived)
        rule, texts, enums = test.rule, self._texts(test, lang), test.shown_as
        statuses = decision.statuses
        rows = derived.sources  # the treaty-table rows behind a derived value: cited as sources
        criteria = [
            CriterionResult(cid, statuses[cid], _filled(reasons[statuses[cid]], values, lang, enums),
                            "; ".join([cited, *(str(s) for name in texts.treaty_notes[cid] for s in rows.get(name, ()))]),
                            title)
            for cid, reasons, cited, title in texts.criteria
        ]
        row_sources = list(dict.fromkeys(s for found in rows.values() for s in found))
        missing = self._can_change(test, facts, as_of, _missing(test, facts, decision, rank)) \
            if row.outcome == "undetermined" else []
        dates = [
            KeyDateResult(event, derived.values[field].isoformat(), _filled(parts, values, lang, enums))
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
            [_filled(parts, values, lang, enums) for parts in _caveats(test, texts, derived.values)],
            title=texts.title, explanation=_filled(texts.explanations[rank], values, lang, enums),
            assessed_on=(date_fact or as_of).isoformat(), details=details,
            notes=[_filled(parts, values, lang, enums) for parts in texts.notes],
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


def _caveats(test: Test, texts: "_Texts", values: dict[str, Any]) -> list[list[str]]:
    """The caveats that apply to this result: all, less those whose `when` the case does not
    meet. (Which words to print, not a decision: the plain matcher of conditions.py suffices.)"""
    return [parts for parts, when in zip(texts.caveats, test.caveat_when)
            if when is None or conditions.matches(when, values)]


def _days_to_try(test: Test, facts: dict[str, Any], as_of: date, name: str, values: dict[str, Any]) -> list[date]:
    """The days on which an unknown date fact can change an outcome, if any can: the case's
    own dates and derived dates (anniversaries, ends of terms), the law's change dates, and
    the assessment date decades back, each with the day before and after, kept where the
    order constraints allow. The outcome depends only on the order of dates, so these probe
    every place the unknown date can take among them."""
    days = {v for v in values.values() if type(v) is date}
    days |= {v.from_ for v in test.versions if v.from_}
    days |= {dates.add_years(as_of, -n) for n in (100, 30, 16, 10)} | {dates.add_years(as_of, 1)}
    days |= {d + timedelta(days=k) for d in list(days) for k in (-1, 1)}
    for c in test.rule.constraints:
        if c.earlier == name and type(other := values.get(c.later)) is date:
            days = {d for d in days if d <= other}
        if c.later == name and type(other := values.get(c.earlier)) is date:
            days = {d for d in days if other <= d}
    return sorted(days)


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


def _template_values(test: Test, derived: Derived) -> dict[str, Any]:
    values = {**test.params, **derived.values}
    values.update({f"{k}_note": v for k, v in derived.notes.items()})
    values.update({f"{k}_list": v for k, v in derived.lists.items()})
    return values


def _missing(test: Test, facts: dict[str, Any], decision: Decision, rank: int) -> list[str]:
    """The absent facts read by the unknown criteria that left the outcome undetermined."""
    row = test.rule.outcome_table[rank]
    blamed = decision.unknown_hits.get(rank) or set(row.because_unknown or [])
    blamed = {c for c in blamed if decision.statuses[c] == "unknown"} or {
        c for c, s in decision.statuses.items() if s == "unknown"
    }
    reads = {f for c in blamed for f in test.reads[c]}
    return [f for f in test.rule.facts if f in reads and facts.get(f) is None and not falls_back(test, f, facts)]
