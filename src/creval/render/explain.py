"""A decided result put into words, in any language: the rule's texts filled from its values.

The engine returns codes and values (engine/results.py); `explain(result, lang)` writes what a
reader sees: each criterion's reason, the outcome's sentence, key dates, notes, caveats,
assumptions, the law applied and the sources, in `lang`. A result is explained as often as
asked, in as many languages, without deciding again. The explained result keeps the shape
of the JSON contract (`to_json`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Sequence

from creval.core import grammar
from creval.core.dates import iso
from creval.core.text import Msg, State, fill_text, in_language, placeholder_parts, t, tr
from creval.engine.results import ScenarioResult, TestResult
from creval.law.rulebook import LAW_VERSION, Test
from creval.render import words
from creval.render.words import in_text as shown  # a value inside a rule's sentence

__all__ = [
    "BRIEF_MISUSED", "CriterionText", "KeyDateText", "ScenarioText", "TestText", "condition_shown", "explain", "explain_test", "fact_words",
    "fill", "when_shown", "words_memo",
]


def fill(template: str, values: dict[str, Any], lang: str = "en", enums: Any = ()) -> str:
    """Replace {name} placeholders; no format mini-language, so templates cannot reach objects.
    Values are shown in `lang`; `enums` names the placeholders that are enumerated facts, or
    maps them to "enum" or "state" (a test's `shown_as`)."""
    return filled(placeholder_parts(template), values, lang, enums)


def filled(parts: list[str], values: dict[str, Any], lang: str, enums: Any) -> str:
    """`fill` of a template already split by `placeholder_parts`."""
    if len(parts) == 1:
        return parts[0]
    return _Template(parts, enums).fill(values, lang)


class _Template:
    """A rule text split at its placeholders, each read once: (place, name, form, how the value is
    shown: None, "enum", "state" or the rule's own words). Every result of a test fills the same few."""

    __slots__ = ("parts", "slots", "dots")

    def __init__(self, parts: list[str], enums: Any):
        self.parts = parts
        slots = []
        for i in range(1, len(parts), 2):
            name, _, form = parts[i].partition(":")
            kind = enums.get(name) if isinstance(enums, dict) else ("enum" if name in enums else None)
            slots.append((i, name, form, kind))
        self.slots = tuple(slots)
        # the placeholders a full stop follows: only there can a value's own («2025 г.») print twice (grammar.joined)
        self.dots = tuple(i for i in range(1, len(parts) - 1, 2) if parts[i + 1].startswith("."))

    def fill(self, values: dict[str, Any], lang: str, memo: dict | None = None) -> str:
        """The text with `values` in `lang`; `memo` (words_memo()) keeps the words of plain values."""
        parts = self.parts
        if not self.slots:
            return parts[0]
        out = parts[:]
        english = lang == "en"
        # the dates and states already written (_day, _state), looked up here without a call
        days, names = _DAYS.get(lang, _NONE_YET), _STATE_NAMES.get(lang, _NONE_YET)
        for i, name, form, kind in self.slots:
            value = values.get(name)
            vt = type(value)
            if not form:  # the common values, as in_text shows them when the template names no form
                if vt is str:
                    if kind is None or (english and kind != "state"):
                        out[i] = value  # a code or a text as it is (English rule texts are written around the codes)
                        continue
                    if kind == "state":
                        word = names.get(value)
                        out[i] = word if word is not None else _state(value, lang)
                        continue
                elif vt is date:
                    word = days.get(value)
                    out[i] = word if word is not None else _day(value, lang)
                    continue
                elif vt is int:
                    out[i] = str(value)
                    continue
                elif vt is Msg and english:  # as in_text shows it; in ru and kk kept in memo below
                    out[i] = value.tr(lang)
                    continue
            if memo is not None and vt in _PLAIN:
                key = (self, i, lang, vt, value)
                found = memo.get(key)
                if found is None:
                    found = memo[key] = self._shown(value, lang, name, form, kind)
                out[i] = found
            elif memo is not None and not english and (vt is Msg or vt is list) and (held := _held(value)) is not None:
                key = (self, i, lang, held)  # a treaty's note in Russian or Kazakh: messages within messages
                found = memo.get(key)
                if found is None:
                    found = memo[key] = self._shown(value, lang, name, form, kind)
                out[i] = found
            else:
                out[i] = self._shown(value, lang, name, form, kind)
            if lang == "ru" and isinstance(value, grammar.DateSpan):  # «на в период …»: the span brings its own
                out[i - 1], out[i] = grammar.joined_span(out[i - 1], out[i])
        return grammar.joined(out, self.dots) if self.dots else "".join(out)

    @staticmethod
    def _shown(value: Any, lang: str, name: str, form: str, kind: Any) -> str:
        if isinstance(kind, dict):  # the rule file's own words for this fact's values (Test.shown_as)
            own = kind.get(value) if isinstance(value, str) and lang != "en" else None  # English shows the code
            if own is None:
                return shown(value, lang, name, False, form)
            return grammar.inflect_text(own.get(lang), lang, form) if form else own.get(lang)  # {name:form}: that form
        return shown(value, lang, name if kind == "enum" else None, kind == "state", form)


# Values whose words depend on nothing but the value, its type and the template's slot (a Msg or a
# list does not qualify: a Msg equals its English text whatever its Russian one).
_PLAIN = frozenset({type(None), bool, int, str, date, State})  # not float: 0.0 == -0.0
_MEMOS: dict[str | None, dict] = {}
_ROW = object()  # the memo's keys of treaty rows' citations start with it
_DAYS: dict[str, dict[date, str]] = {}  # by language
_NONE_YET: dict = {}  # no date or state written yet in a language
_STATE_NAMES: dict[str, dict[str, str]] = {}  # by language: code -> name as a sentence says it (pycountry's, whatever the catalogue)


def _state(code: str, lang: str) -> str:
    """A state's name as a sentence says it, in `lang`, kept (by language, at most 5,000)."""
    names = _STATE_NAMES.get(lang)
    if names is None or len(names) >= 5_000:
        names = _STATE_NAMES[lang] = {}
    word = names[code] = words.state(code, lang, in_text=True)
    return word


def _day(day: date, lang: str) -> str:
    """A date inside a sentence (ISO in English, in words in Russian and Kazakh), kept: the same
    dates recur in a result's texts, and date.isoformat is slow (printf)."""
    days = _DAYS.get(lang)
    if days is None or len(days) > 20_000:
        days = _DAYS[lang] = {}
    text = days.get(day)
    if text is None:
        text = days[day] = day.isoformat() if lang == "en" else grammar.date_words(day, lang)
    return text


def _held(value: Any) -> tuple | None:
    """What the words of a Msg or a list depend on, as a key: its key, English, values and
    parts, down to plain values; None when something in it is not plain."""
    vt = type(value)
    if vt in _PLAIN:
        return (vt, value)
    if vt is Msg:
        if value.parts:
            inner = tuple(map(_held, value.parts))
            return None if None in inner else (Msg, value.sep, inner)
        held = []
        for name, v in value.values.items():
            inner = _held(v)
            if inner is None:
                return None
            held.append((name, inner))
        return (Msg, value.key, value.en, tuple(held))
    if vt is list:
        inner = tuple(map(_held, value))
        return None if None in inner else (list, inner)
    return None


def words_memo() -> dict:
    """The words already written for plain values and treaty rows' citations, for the message
    catalogue in use: CREVAL_RULES names its folder, as for core.text.messages. A caller that
    explains many results with one catalogue (a batch) keeps it and passes it to `explain`:
    reading the environment for each result cost more than a result's treaty rows."""
    catalogue = os.environ.get("CREVAL_RULES")
    memo = _MEMOS.get(catalogue)
    if memo is None:
        memo = _MEMOS[catalogue] = {}
    return _bounded(memo)


def _bounded(memo: dict) -> dict:
    if len(memo) > _MEMO_LIMIT:  # cleared in place: a caller may keep it
        memo.clear()
    return memo


_MEMO_LIMIT = 50_000


@dataclass(frozen=True)
class _Texts:
    """A test's texts in one language, split at their placeholders once: every result fills them.
    A text without a placeholder (most: ten of a result's thirteen) is kept as its str, and
    taken as it is (`type(text) is str`) rather than filled."""
    criteria: list[tuple[str, dict[str, str | _Template], str, str]]  # id, reason by status, cited sources, title
    key_dates: dict[str, str | _Template]  # by event
    caveats: list[str | _Template]
    notes: list[str | _Template]
    explanations: list[str | _Template]  # by line of the outcome table
    sources: list[str]
    title: str
    detail_titles: dict[str, str]
    sources_shown: list[str]
    law_versions: dict[str, dict]  # by id: the version of the law applied, as JSON shows it

    @classmethod
    def of(cls, test: Test, lang: str) -> "_Texts":
        rule = test.rule

        def parts(text) -> str | _Template:
            split = placeholder_parts(text.get(lang))
            return split[0] if len(split) == 1 else _Template(split, test.shown_as)

        return cls(
            criteria=[(cid, {status: parts(text) for status, text in crit.reason.items()},
                       "; ".join(rule.sources[s].cite() for s in crit.sources), crit.title.get(lang))
                      for cid, crit in rule.criteria.items()],
            key_dates={kd.event: parts(kd.text) for kd in rule.key_dates},
            caveats=[parts(c) for c in rule.caveats],
            notes=[parts(n) for n in rule.notes],
            explanations=[parts(row.text) for row in rule.outcome_table],
            sources=test.sources_cited(),
            title=rule.title.get(lang),
            detail_titles={rep.name: rep.title.get(lang) for rep in rule.report},
            sources_shown=[s.cite(lang) for s in rule.sources.values()],
            law_versions={v.id: _law_version(test, v, lang) for v in test.versions},
        )


def fact_words(test: Test, fact: str, lang: str) -> str:
    """A fact as a Russian or Kazakh sentence names it: its title, not its code."""
    spec = test.rule.facts.get(fact)
    return spec.title.get(lang) if spec is not None else fact


def when_shown(when_list: list[dict], lang: str, test: Test | None = None) -> str:
    """`removal_date 2024-06-01 to 2024-06-14` (one day: `removal_date 2024-06-15`), joined."""
    parts = []
    for w in when_list:
        fact = fact_words(test, w["fact"], lang) if lang != "en" and test is not None else w["fact"]  # ru/kk: its words
        if w["from"] == w["to"]:
            parts.append(t("ranged.when_day", lang, fact=fact, day=w["from"]))
        else:
            parts.append(t("ranged.when_range", lang, fact=fact, **{"from": w["from"], "to": w["to"]}))
    return "; ".join(parts)


def condition_shown(alt: dict, titles: dict[str, str], lang: str) -> str:
    """An alternative's `if` in words (`where <criterion> is <status>`); '' when it has none.
    `titles`: the criteria's titles in `lang`, by id."""
    conditions = alt.get("if") or []
    return "; ".join(t("ranged.if_criterion", lang, criterion=titles.get(c["criterion"], c["criterion"]),
                       status=t(f"status.{c['status']}", lang)) for c in conditions)


@lru_cache(maxsize=256)
def _texts(test: Test, lang: str) -> _Texts:
    """What every result of a test repeats, built once per test and language."""
    return _Texts.of(test, lang)


# --- The result in words: the shape of the JSON contract ---------------------------------

@dataclass
class CriterionText:
    id: str
    status: str
    reason: str
    source: str
    title: str
    assumed: Sequence[str] = ()  # the facts assumed (engine/results.py CriterionResult.assumed)


@dataclass
class KeyDateText:
    event: str
    date: str
    text: str
    until: str | None = None  # dates known only roughly: the latest possible day; else not in JSON

    def to_json(self) -> dict:
        if self.until is None:
            return {"event": self.event, "date": self.date, "text": self.text}
        return {"event": self.event, "date": self.date, "text": self.text, "until": self.until}


@dataclass
class TestText:
    test: str
    outcome: str
    criteria: list[CriterionText]
    missing: list[str]
    dates: list[KeyDateText]
    sources: list[str]
    caveats: list[str]
    title: str = ""
    explanation: str = ""
    assessed_on: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    assumptions: list[dict] = field(default_factory=list)  # {fact, treated_as, value, text}
    law_version: dict | None = None  # the version of the law applied: id, title, period, sources, confidence
    # not in JSON, and read only (a result may share its test's):
    detail_titles: dict[str, str] = field(default_factory=dict)  # details' names in the result's language
    sources_shown: list[str] = field(default_factory=list)  # `sources` cited in the result's language
    ranged: list[dict] | None = None  # dates known only roughly; None (and not in JSON) when every date is exact
    alternatives: list[dict] | None = None
    alternatives_more: int = 0  # alternatives left out of `alternatives` (at most a dozen are listed); in JSON when not 0

    def to_json(self) -> dict:
        """The fields in their order, written out (copying __dict__ and popping cost more). It
        shares the text's own lists (each made for this text): read it, or copy what you change."""
        criteria = []
        for c in self.criteria:
            criteria.append({"id": c.id, "status": c.status, "reason": c.reason, "source": c.source, "title": c.title,
                             "assumed": c.assumed})
        dates = []
        for d in self.dates:
            dates.append(d.to_json())
        details = {k: list(v) if isinstance(v, list) else v for k, v in self.details.items()} if self.details else {}
        out = {
            "test": self.test, "outcome": self.outcome, "criteria": criteria, "missing": self.missing,
            "dates": dates, "sources": self.sources, "caveats": self.caveats, "title": self.title,
            "explanation": self.explanation, "assessed_on": self.assessed_on, "details": details,
            "notes": self.notes, "assumptions": self.assumptions, "law_version": self.law_version,
        }
        if self.ranged is not None:
            out["ranged"], out["alternatives"] = self.ranged, self.alternatives
        if self.alternatives_more:
            out["alternatives_more"] = self.alternatives_more
        return out


@dataclass
class ScenarioText:
    scenario: str
    file: str
    as_of: str
    creval: str
    rules_digest: str
    results: list[TestText]
    expected: dict[str, str]
    mismatches: list[str]
    title: str = ""
    errors: list[str] = field(default_factory=list)
    scenario_digest: str = ""
    lang: str = "en"  # the language of the texts
    brief: bool = False  # only what the short answer shows (explain); not in JSON

    def to_json(self) -> dict:
        """Equal to `dataclasses.asdict(self)`, written out field by field: asdict deep-copies
        every value and was a third of the time of `creval batch`. It shares the text's own
        lists, as TestText.to_json does."""
        if self.brief:  # it lacks the criteria, notes, caveats and sources that JSON holds
            raise ValueError(BRIEF_MISUSED)
        results = []
        for r in self.results:
            results.append(r.to_json())
        return {
            "scenario": self.scenario, "file": self.file, "as_of": self.as_of, "creval": self.creval,
            "rules_digest": self.rules_digest, "results": results, "expected": self.expected,
            "mismatches": self.mismatches, "title": self.title, "errors": self.errors,
            "scenario_digest": self.scenario_digest, "lang": self.lang,
        }


def explain(result: ScenarioResult, lang: str = "en", brief: bool = False, memo: dict | None = None) -> ScenarioText:
    """A scenario's result in words, in `lang`. `brief`: only what the short answer shows
    (render/short.py), for it alone: no criteria, notes, caveats or sources. `memo`: a
    words_memo() the caller keeps, when it explains many results."""
    memo = words_memo() if memo is None else _bounded(memo)
    return ScenarioText(
        result.scenario, result.file, result.as_of, result.creval, result.rules_digest,
        [explain_test(r, lang, memo, brief) for r in result.results], dict(result.expected), list(result.mismatches),
        in_language(result.title, lang), [tr(e, lang) for e in result.errors] if result.errors else [],
        result.scenario_digest, lang, brief,
    )


BRIEF_MISUSED = "a brief explanation holds only what the short answer shows: explain it in full for this output"


def explain_test(r: TestResult, lang: str = "en", memo: dict | None = None, brief: bool = False) -> TestText:
    """One test's result in words, in `lang`: its rule's texts filled from the result's values.
    `memo`: words_memo(), when the caller explains several; `brief`: as for explain."""
    # Loops rather than comprehensions, and no keyword arguments: this runs for every result, and
    # each comprehension (a function object before Python 3.12) cost more than its few items.
    test = r.rule
    texts = _texts(test, lang)
    if memo is None:
        memo = words_memo()
    values = r.values
    if r.varying:  # a value known only as a range of days reads as one
        values = {**values, **{k: grammar.DateSpan(lo, hi) if lang != "en" else words.days_between(lo, hi, lang)
                               for k, (lo, hi) in r.varying.items()}}
    if r.rank is not None:
        text = texts.explanations[r.rank]
        explanation = text if type(text) is str else text.fill(values, lang, memo)
    else:
        split = r.split_facts if lang == "en" else [fact_words(test, f, lang) for f in r.split_facts]  # ru/kk: words
        explanation = t("ranged.undetermined", lang, facts=", ".join(split))
        if r.alternatives_more:
            explanation += " " + t("ranged.more_alternatives", lang, count=r.alternatives_more, facts=", ".join(split))
    dates = []
    for d in r.dates:
        dates.append(_key_date(d, test, texts, values, lang, memo))
    assumptions = []
    for a in r.assumptions:
        assumptions.append(_assumption(a, test, lang, memo))
    criteria, notes, caveats, sources, shown = ([], [], [], [], []) if brief else \
        _beyond_short(r, test, texts, values, lang, memo)
    return TestText(
        r.test, r.outcome, criteria, list(r.missing), dates, sources, caveats, texts.title, explanation, r.assessed_on,
        dict(r.details), notes, assumptions, None if r.law_version is None else _copied(texts.law_versions[r.law_version]),
        texts.detail_titles, shown, r.ranged, r.alternatives, r.alternatives_more,  # detail_titles: the test's, read only
    )


def _beyond_short(r: TestResult, test: Test, texts: _Texts, values: dict, lang: str, memo: dict) -> tuple:
    """What only the full outputs show: the criteria with their reasons, the notes, the caveats,
    and the sources (in English, and as cited in `lang`)."""
    criteria = []
    rough = r.ranged is not None  # only then can a criterion's status change over the possible days
    for c, (cid, reasons, cited, title) in zip(r.criteria, texts.criteria):
        if rough and (c.parts or c.changes is not None):
            reason = _changes(c, test, lang)
        else:
            reason = reasons[c.status]
            if type(reason) is not str:
                reason = reason.fill(values, lang, memo)
        criteria.append(CriterionText(cid, c.status, reason, "; ".join([cited, *map(str, c.rows)]) if c.rows else cited,
                                      title, c.assumed))  # a tuple, shared and never changed (JSON writes it as a list)
    notes = []
    for note in texts.notes:
        notes.append(note if type(note) is str else note.fill(values, lang, memo))
    if r.proved:  # an unknown date the known ones bound: say what the facts prove, in the rule's words
        constraints = test.rule.constraints
        notes += [filled(placeholder_parts(constraints[place].proves.get(lang)), {"date": later}, lang, ())
                  for place, later in r.proved]
    elif r.ranged is not None:
        ranges = when_shown(r.ranged, lang, test)
        notes.append(t("ranged.depends" if r.rank is None else "ranged.holds_for_all", lang, ranges=ranges))
    caveats = []
    for i in r.caveats:
        caveat = texts.caveats[i]
        caveats.append(caveat if type(caveat) is str else caveat.fill(values, lang, memo))
    sources = texts.sources[:]  # in JSON: each result its own
    if not r.row_sources:
        return criteria, notes, caveats, sources, texts.sources_shown  # not in JSON, read only: the test's own
    shown = texts.sources_shown[:]
    for row in r.row_sources:
        text = str(row)
        sources.append(text)
        key = (_ROW, lang, text)  # a treaty row's citation in `lang`, rendered once: the same rows recur
        found = memo.get(key)
        if found is None:
            found = memo[key] = tr(row, lang)
        shown.append(found)
    return criteria, notes, caveats, sources, shown


def _changes(c: Any, test: Test, lang: str) -> str:
    """A criterion's reason where rough dates change its status."""
    if c.parts:  # along a diagonal: the statuses, not hundreds of parts
        changes = t("ranged.criterion_parts", lang, count=c.parts, statuses=", ".join(t(f"status.{s}", lang) for s in c.statuses))
    else:
        changes = "; ".join(f"{when_shown(w, lang, test)}: {t(f'status.{s}', lang)}" for w, s in c.changes)
    return t("ranged.criterion_changes", lang, changes=changes)


def _key_date(d: Any, test: Test, texts: _Texts, values: dict, lang: str, memo: dict) -> KeyDateText:
    if d.version is not None:  # a change of law
        version = next(v for v in test.versions if v.id == d.version)
        facts = test.rule.facts
        fact = facts[d.fact].title.get(lang) if d.fact in facts else t("value.as_of", lang)
        text = fill(test.rule.law_versions.change_text.get(lang), {"version": version.title.get(lang), "fact": fact})
    else:
        text = texts.key_dates[d.event]
        if type(text) is not str:
            text = text.fill(values, lang, memo)
    if d.until is not None:
        text = t("ranged.key_date", lang, text=text, **{"from": d.date, "to": d.until})
    return KeyDateText(d.event, d.date, text, d.until)


def _assumption(a: dict, test: Test, lang: str, memo: dict) -> dict:
    """An assumption in words: the rule's own text where it has one, else the catalogue's; in
    Russian and Kazakh the fact is named by its title, never its code (JSON keeps `fact`)."""
    kind, name, value = a["treated_as"], a["fact"], a["value"]
    if kind == LAW_VERSION:
        version = next(v for v in test.versions if v.id == value)
        return {**a, "text": version.assumption.get(lang)}
    vt = type(value)
    key = (test, name, kind, lang, vt, value) if vt in _PLAIN else None  # the same few again and again
    found = memo.get(key) if key is not None else None
    if found is None:
        spec = test.rule.facts[name]
        title = spec.title.get(lang) if lang != "en" else name
        if spec.assumption:
            text = fill_text(spec.assumption.get(lang), lang, value=value)
        else:
            text = t(f"memo.assume.{kind}", lang, fact=title, value="" if value is None else value)
        found = {"fact": name, "fact_title": title, "treated_as": kind, "value": value, "text": text}
        if key is not None:
            memo[key] = found
    return found.copy()  # each result its own


def _law_version(test: Test, version: Any, lang: str) -> dict:
    sources = test.rule.sources
    return {
        "id": version.id, "title": version.title.get(lang),
        "from": iso(version.from_), "until": iso(version.until), "confidence": version.confidence,
        "sources": [sources[s].cite() for s in version.sources],  # codes: English in every language, as `sources`
    }


def _copied(version: dict) -> dict:
    """A law version of _Texts for one result: its own dict and list, as when built for it."""
    return {**version, "sources": list(version["sources"])}


