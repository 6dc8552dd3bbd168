"""Rule files: their schema, their cross-checks, and the loaded rule book.

A rule file (`rules/<test-id>.yaml`) is data: sources, parameters, the matter's facts,
derived quantities, criteria, the outcome table, key dates, notes and caveats. Everything
here is checked when the file loads; an error names the file and the key.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Literal, Optional, Union

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from creval.core import yamlsafe
from creval.core.text import Msg, bundled_rules_folder, default_rules_folder, placeholders
from creval.law import conditions
from creval.law.outcome_conditions import STATUSES, Conjunction, when_to_dnf
from creval.law.treaties import TreatyTable
from creval.law.bilateral import BilateralTable

__all__ = [
    "DERIVATIONS", "ENGINE_INT_LIMIT", "FACT_TYPES", "GUARDS", "LAW_VERSION", "Bound", "Constraint", "Criterion",
    "FactSpec", "KeyDate", "LawVersion", "RuleBook", "RuleFile", "RuleFileError", "Test", "Text",
    "bundled_rules_folder", "default_rules_folder", "load", "order_constraints",
]

LAW_VERSION = "law_version"  # the derived field naming the version of the law that governs the case
FACT_TYPES = ("date", "state", "bool", "enum", "int", "term")
GUARDS = ("unless_known", "unless_true")  # a derivation is skipped when that fact is known / true
DERIVATIONS = ("is_word", "first_known", "add_years", "days_after", "days_before", "part_of_term", "end_of_term",
               "treaty_status", "treaties_in_force", "copy")


class RuleFileError(Exception):
    """A rule file that cannot be used; the message names the file and the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text in the three languages. One rule for every text of a rule file (titles,
    summaries, reasons, notes, words): English is required to load; Russian and Kazakh fall
    back to it when absent, and `creval rules lint` reports each one absent."""
    en: str
    ru: Optional[str] = None
    kk: Optional[str] = None

    def get(self, lang: str = "en") -> str:
        return getattr(self, lang, None) or self.en


class Caveat(Text):
    """A caveat; with `when` (a condition on the facts and derived values, conditions.py) it is
    printed only with results that meet it, e.g. a commencement on the anniversary day."""
    when: Optional[dict] = None


class Cited(_Strict):
    """A citation (instrument, article) in Russian and Kazakh; English is `instrument, article`."""
    ru: str
    kk: str


class Source(_Strict):
    instrument: str
    article: str
    quote: str  # the sentence of the article the rule encodes
    confidence: Literal["CONFIRMED", "LIKELY", "NOT FOUND"]
    ref: Optional[str] = None
    note: Optional[str] = None
    translated: Optional[Cited] = None  # the citation in ru and kk, for text output (JSON keeps English)
    # or: the act's id in rules/i18n/terms/glossary.yaml and its article numbers ("3", "35, 38"),
    # from which the ru/kk citation is built with the act's official title
    act: Optional[str] = None
    articles: Optional[str] = None

    @model_validator(mode="after")
    def _known_act(self) -> "Source":
        if self.act is not None:
            from creval.law.glossary import acts

            if self.act not in acts():
                raise ValueError(f"act {self.act!r} is not in the glossary (rules/i18n/terms/glossary.yaml)")
        return self

    def cite(self, lang: str = "en") -> str:
        if lang != "en" and self.translated is not None:
            return getattr(self.translated, lang)
        if lang != "en" and self.act is not None:
            from creval.law.glossary import cite

            return cite(self.act, self.articles, lang)
        return f"{self.instrument}, {self.article}"


class Parameter(_Strict):
    value: Union[int, str, list[Union[int, str]]]
    unit: Optional[str] = None
    source: str
    note: Optional[str] = None

    def resolved(self) -> Any:
        """Fractions are written as "3/4"; Fraction parses them (no eval)."""
        if isinstance(self.value, str) and re.fullmatch(r"\d+/[1-9]\d*", self.value):
            return Fraction(self.value)
        return self.value


class Bound(_Strict):
    param: str


class FactSpec(_Strict):
    type: Literal[FACT_TYPES]  # type: ignore[valid-type]
    title: Text
    values: Optional[list[str]] = None  # enum
    min: Union[int, Bound, None] = None
    max: Union[int, Bound, None] = None
    default: Any = None
    question: Optional[Text] = None
    words: Optional[list[str]] = None  # int: words accepted beside a number (a ban for `life`)
    assumption: Optional[Text] = None  # when not stated: how `default` is read, printed as an assumption
    value_words: dict[str, Text] = Field(default_factory=dict)  # a value (or word) as readers see it, per language


class Constraint(_Strict):
    """Two dates of one matter that must come in order when both are known."""
    earlier: str
    later: str
    message: Text  # the input error, in the three languages (a plain string is English)
    # What the order proves when `earlier` is unknown and `later` known: the earlier date is a
    # range ending on the later one, decided over every possible day (engine/ranged.py); when
    # all agree the outcome is decided and this text ({date}: the later date) says why.
    proves: Optional[Text] = None

    @field_validator("message", mode="before")
    @classmethod
    def _plain_is_english(cls, value: Any) -> Any:
        return {"en": value} if isinstance(value, str) else value


class Criterion(_Strict):
    title: Text
    sources: list[str]
    reads: list[str]  # the facts it depends on: named in `missing` when absent
    met: dict
    unmet: Optional[dict] = None  # default: the negation of `met`
    reason: dict[Literal[STATUSES], Text]  # type: ignore[valid-type]

    @field_validator("reason")
    @classmethod
    def _all_statuses(cls, reason: dict) -> dict:
        missing = [s for s in STATUSES if s not in reason]
        if missing:
            raise ValueError(f"reason needs a text for {', '.join(missing)}")
        return reason


class OutcomeRule(_Strict):
    outcome: str
    when: Any  # see compiler.when_to_dnf
    text: Text
    because_unknown: Optional[list[str]] = None  # for a catch-all `undetermined`


class KeyDate(_Strict):
    event: str
    date: str  # a derived date
    text: Text
    moves: Optional[str] = None  # the date fact (or as_of) whose crossing this date changes things
    # shown only where it matters: under these versions of the law, and (when_it_changes) only if
    # the outcome with `moves` on the day before differs from the outcome on the day itself
    versions: Optional[list[str]] = None
    when_it_changes: bool = False


class LawVersion(_Strict):
    """One version of the law a test applies, with the period of case dates it governs.

    `from_`/`until` are inclusive dates of the selecting fact (an offence, a sale ...); an
    absent end is open. `parameters` replace the rule's own for cases this version governs
    (they become fields the conditions can read); `assumption` is printed with every result
    under this version, where its content could not be verified."""
    id: str
    title: Text
    from_: Optional[date] = Field(None, alias="from")
    until: Optional[date] = None
    sources: list[str]
    confidence: Literal["CONFIRMED", "LIKELY", "NOT FOUND"]
    parameters: dict[str, Union[int, str, None]] = Field(default_factory=dict)
    assumption: Optional[Text] = None

    def covers(self, day: date) -> bool:
        return (self.from_ is None or self.from_ <= day) and (self.until is None or day <= self.until)


class LawVersions(_Strict):
    """The versions of a test's law, in time order, and the case date that selects one:
    the first known of `selected_by` (facts or as_of)."""
    selected_by: list[str]
    change_text: Text  # the key date at a change of law; {version} and {fact} are filled in
    versions: list[LawVersion]


class Report(_Strict):
    name: str  # a derived value shown with the result
    title: Text


class RuleFile(_Strict):
    id: str
    matter: str
    title: Text
    summary: Text
    date_fact: Optional[str] = None  # the test's own date fact; falls back to as_of
    sources: dict[str, Source]
    parameters: dict[str, Parameter] = Field(default_factory=dict)
    facts: dict[str, FactSpec]
    constraints: list[Constraint] = Field(default_factory=list)
    derived: dict[str, dict] = Field(default_factory=dict)
    criteria: dict[str, Criterion]
    outcomes: list[str]
    outcome_words: dict[str, Text] = Field(default_factory=dict)  # an outcome's name, per language
    outcome_table: list[OutcomeRule]
    key_dates: list[KeyDate] = Field(default_factory=list)
    law_versions: Optional[LawVersions] = None
    report: list[Report] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    caveats: list[Caveat] = Field(default_factory=list)


class Test:
    """One legal test: its rule file, checked, with what the compiler and renderer need."""

    def __init__(self, rule: RuleFile, path: Path, tables: dict[str, TreatyTable],
                 bilateral: "BilateralTable | None" = None):
        self.rule = rule
        self.id, self.matter = rule.id, rule.matter  # read for every decision: attributes, not properties
        self.path = path
        self.bilateral = bilateral  # the bilateral treaties, for a treaties_in_force with `bilateral: true`
        self.params = {name: p.resolved() for name, p in rule.parameters.items()}
        self.versions = rule.law_versions.versions if rule.law_versions else []
        self.version_fields = self._check_versions()
        self.field_types = self._field_types(tables)
        self.enums = {n: f.values for n, f in rule.facts.items() if f.type == "enum"}
        self.enums.update((n, f.words) for n, f in rule.facts.items() if f.words)  # words are named like enum values
        # the rule's own words for its outcomes and values (else the shared catalogue's, else the code)
        self.outcome_words: dict[str, Text] = dict(rule.outcome_words)
        self.value_words: dict[str, dict[str, Text]] = {n: dict(f.value_words) for n, f in rule.facts.items() if f.value_words}
        self._check_words()
        # how texts show a value: a state code by its name, an enumerated code by its word (the
        # rule file's own words for the fact's values where it has them, else "enum": the catalogue's)
        self.shown_as: dict[str, Any] = {n: "state" for n, k in self.field_types.items() if k == "state"}
        self.shown_as.update((n, self.value_words.get(n) or "enum") for n in self.enums)
        # the values of every enumerated field conditions may read: the facts', and the versions of the law
        self.field_values = {**self.enums, LAW_VERSION: [v.id for v in self.versions]}
        schema = conditions.Schema(self.field_types, self.field_values, self.params)
        self.met: dict[str, conditions.Condition] = {}
        self.unmet: dict[str, conditions.Condition] = {}
        self.reads: dict[str, list[str]] = {}  # per criterion: its `reads`, and the selecting facts if it reads the version
        self.reads_version: set[str] = set()  # the criteria that depend on the version of the law
        for cid, crit in rule.criteria.items():
            where = f"criteria.{cid}"
            self._check_refs(crit.sources, rule.sources, f"{where}.sources", "source")
            self._check_refs(crit.reads, rule.facts, f"{where}.reads", "fact")
            self.met[cid] = conditions.parse(crit.met, schema, f"{where}.met")
            self.unmet[cid] = (
                conditions.parse(crit.unmet, schema, f"{where}.unmet") if crit.unmet else conditions.negate(self.met[cid])
            )
            self.reads[cid] = list(crit.reads)
            read = conditions.fields(self.met[cid]) | conditions.fields(self.unmet[cid])
            if read & ({LAW_VERSION} | set(self.version_fields)):
                self.reads_version.add(cid)
                self.reads[cid] += [f for f in rule.law_versions.selected_by if f in rule.facts and f not in crit.reads]
        for name, param in rule.parameters.items():
            self._check_refs([param.source], rule.sources, f"parameters.{name}.source", "source")
        for c in rule.constraints:
            self._check_refs([c.earlier, c.later], {**rule.facts, "as_of": None}, "constraints", "fact")
        for kd in rule.key_dates:
            if self.field_types.get(kd.date) != "date":
                raise conditions.ConditionError(f"key_dates.{kd.event}: {kd.date!r} is not a date")
            if kd.moves and kd.moves != "as_of" and getattr(rule.facts.get(kd.moves), "type", None) != "date":
                raise conditions.ConditionError(f"key_dates.{kd.event}.moves: {kd.moves!r} is not a date fact")
            if kd.versions is not None:
                self._check_refs(kd.versions, {v.id for v in self.versions}, f"key_dates.{kd.event}.versions", "law version")
            if kd.when_it_changes and not kd.moves:
                raise conditions.ConditionError(f"key_dates.{kd.event}.when_it_changes: needs `moves`")
        for rep in rule.report:
            self._check_refs([rep.name], self.field_types, "report", "value")
        self.outcome_dnf: list[list[Conjunction]] = []
        for i, row in enumerate(rule.outcome_table):
            if row.outcome not in rule.outcomes:
                raise conditions.ConditionError(f"outcome_table[{i}]: {row.outcome!r} is not in outcomes")
            self._check_refs(row.because_unknown or [], rule.criteria, f"outcome_table[{i}].because_unknown", "criterion")
            self.outcome_dnf.append(when_to_dnf(row.when, schema, set(rule.criteria), f"outcome_table[{i}].when"))
        self.caveat_when = [conditions.parse(c.when, schema, f"caveats[{i}].when") if c.when else None
                            for i, c in enumerate(rule.caveats)]
        self._check_placeholders()
        for name, spec in rule.facts.items():
            for bound in (spec.min, spec.max):
                if isinstance(bound, Bound):
                    self._check_refs([bound.param], self.params, f"facts.{name}", "parameter")

    def _check_words(self) -> None:
        """Words name outcomes and values the file has: a misspelt code would be words for nothing."""
        for code in self.outcome_words:
            self._check_refs([code], self.rule.outcomes, "outcome_words", "outcome")
        for name, words in self.value_words.items():
            self._check_refs(words, self.enums.get(name, ()), f"facts.{name}.value_words", "value")

    def outcome_word(self, code: str, lang: str = "en") -> str | None:
        """The rule's own name of an outcome in `lang` (English when that language lacks it), or None."""
        words = self.outcome_words.get(code)
        return words.get(lang) if words is not None else None

    def value_word(self, fact: str, value: str, lang: str = "en") -> str | None:
        """The rule's own word for an enumerated value of a fact in `lang`, or None."""
        words = self.value_words.get(fact, {}).get(value)
        return words.get(lang) if words is not None else None

    def _check_versions(self) -> dict[str, str]:
        """Versions come in time order, without gap or overlap, each citing known sources, and
        are selected by date facts; returns the fields their parameters define, with types."""
        if not self.versions:
            return {}
        lv = self.rule.law_versions
        for name in lv.selected_by:
            if name != "as_of" and getattr(self.rule.facts.get(name), "type", None) != "date":
                raise conditions.ConditionError(f"law_versions.selected_by: {name!r} is not a date fact or as_of")
        if len({v.id for v in self.versions}) != len(self.versions):
            raise conditions.ConditionError("law_versions.versions: two versions share an id")
        first, last = self.versions[0], self.versions[-1]
        if first.from_ is not None or last.until is not None:
            raise conditions.ConditionError("law_versions.versions: the first must have no `from`, the last no `until`")
        for i, (a, b) in enumerate(zip(self.versions, self.versions[1:])):
            if a.until is None or b.from_ is None or b.from_ != a.until + timedelta(days=1):
                raise conditions.ConditionError(
                    f"law_versions.versions[{i + 1}]: `from` must be the day after the previous version's `until`")
        types: dict[str, str] = {}
        for i, v in enumerate(self.versions):
            self._check_refs(v.sources, self.rule.sources, f"law_versions.versions[{i}].sources", "source")
            for name, value in v.parameters.items():
                if name in self.rule.facts or name in self.params:
                    raise conditions.ConditionError(f"law_versions.versions[{i}].parameters: {name!r} is a fact or parameter")
                if value is not None:
                    types[name] = "int" if isinstance(value, int) else "enum"
        return types

    def version_on(self, day) -> "LawVersion | None":
        return next((v for v in self.versions if v.covers(day)), None)

    @staticmethod
    def _check_refs(names, known, where: str, what: str) -> None:
        for name in names:
            if name not in known:
                raise conditions.ConditionError(f"{where}: unknown {what} {name!r}")

    def _field_types(self, tables: dict[str, TreatyTable]) -> dict[str, str]:
        """Types of every field a condition may read: facts, as_of, derived values."""
        types = {n: f.type for n, f in self.rule.facts.items() if f.type != "term"}
        self.treaty_tables: dict[str, TreatyTable] = {}  # the tables the derivations read (rules show)
        types["as_of"] = "date"
        if self.versions:
            types[LAW_VERSION] = "enum"
            types.update(self.version_fields)
        for name, spec in self.rule.derived.items():
            where = f"derived.{name}"
            fn = [k for k in spec if k not in GUARDS]
            for guard in GUARDS:
                if guard in spec and spec[guard] not in self.rule.facts:
                    raise conditions.ConditionError(f"{where}.{guard}: unknown fact {spec[guard]!r}")
            if len(fn) != 1 or fn[0] not in DERIVATIONS:
                raise conditions.ConditionError(f"{where}: expects one of {', '.join(DERIVATIONS)}")
            fn, args = fn[0], spec[fn[0]]
            if fn == "is_word":  # [fact, word]: whether the fact holds that word (a ban for `life`)
                fact = self.rule.facts.get(args[0]) if isinstance(args, list) and len(args) == 2 else None
                if fact is None or args[1] not in (fact.words or []):
                    raise conditions.ConditionError(f"{where}: expects [fact, one of the fact's words]")
                types[name] = "bool"
                continue
            self._check_args(args, types, where)
            if fn in ("treaty_status", "treaties_in_force"):
                for inst in [args.get("instrument")] if fn == "treaty_status" else args.get("instruments", []):
                    if inst not in tables:
                        raise conditions.ConditionError(f"{where}: no treaty table {inst!r} in rules/data")
                    self.treaty_tables[inst] = tables[inst]
                types[name] = "status"
            elif fn in ("days_after", "days_before"):  # `date` (the day after/before) or [date, days]
                if isinstance(args, str):
                    day, count = args, 1
                elif isinstance(args, list) and len(args) == 2:
                    day, count = args
                else:
                    day, count = None, None
                if types.get(day) != "date":
                    raise conditions.ConditionError(f"{where}: expects a date, or [date, days]")
                if not (type(count) is int or (isinstance(count, str) and type(self.params.get(count)) is int)):
                    raise conditions.ConditionError(f"{where}: the number of days is a whole number or an integer parameter")
                types[name] = "date"
            elif fn == "add_years":  # [date, years]: years a whole number, a parameter or a fact
                if not (isinstance(args, list) and len(args) == 2 and types.get(args[0]) == "date"):
                    raise conditions.ConditionError(f"{where}: expects [date, years]")
                types[name] = "date"
            elif fn in ("first_known", "copy"):
                first = args[0] if isinstance(args, list) else args
                if first not in types:
                    raise conditions.ConditionError(f"{where}: unknown field {first!r}")
                types[name] = types[first]
            else:
                types[name] = "date"
        return types

    def _check_placeholders(self) -> None:
        """Every {name} in a text is a fact, a derived value, a parameter, or a treaty note/list."""
        rule = self.rule
        known = {*self.field_types, *rule.facts, *self.params}
        known |= {f"{name}{suffix}" for name in rule.derived for suffix in ("_note", "_list")}
        texts = [(f"criteria.{c}.reason.{s}", t) for c, crit in rule.criteria.items() for s, t in crit.reason.items()]
        texts += [(f"outcome_table[{i}].text", row.text) for i, row in enumerate(rule.outcome_table)]
        texts += [(f"key_dates.{kd.event}.text", kd.text) for kd in rule.key_dates]
        texts += [(f"notes[{i}]", n) for i, n in enumerate(rule.notes)]
        texts += [(f"caveats[{i}]", c) for i, c in enumerate(rule.caveats)]
        for where, text in texts:
            for lang in ("en", "ru", "kk"):
                for name in placeholders(getattr(text, lang) or ""):
                    if name not in known:
                        raise conditions.ConditionError(f"{where}.{lang}: unknown placeholder {{{name}}}")

    def _check_args(self, args: Any, types: dict[str, str], where: str) -> None:
        """Every name a derivation reads is a field known so far, a term fact or a parameter."""
        if isinstance(args, dict):
            names = [v for k, v in args.items() if k not in ("instrument", "instruments")]
        else:
            names = args if isinstance(args, list) else [args]
        known = {**types, **self.rule.facts, **self.params}
        for name in names:
            if isinstance(name, list):
                self._check_args(name, types, where)
            elif isinstance(name, str) and name not in known:
                raise conditions.ConditionError(f"{where}: unknown field or parameter {name!r}")

    def sources_cited(self) -> list[str]:
        return [s.cite() for s in self.rule.sources.values()]


class RuleBook:
    """Every test in a rules folder, with the treaty tables and the digest of the files."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.tables: dict[str, TreatyTable] = {}
        digest = hashlib.sha256()
        data_files = sorted((folder / "data").glob("*.yaml"))
        rule_files = sorted(folder.glob("*.yaml"))
        texts = {path: _read(path) for path in data_files + rule_files}  # read once: digested, then parsed
        for path, data in texts.items():
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + data)
        self.digest = "sha256:" + digest.hexdigest()
        self.bilateral: BilateralTable | None = None  # rules/data/bilateral.yaml: a list of two-state treaties
        for path in data_files:
            if path.name == "bilateral.yaml":
                self.bilateral = _load(path, texts[path], BilateralTable)
                continue
            table = _load(path, texts[path], TreatyTable)
            self.tables[table.instrument] = table
        self.tests: dict[str, Test] = {}
        for path in rule_files:
            rule = _load(path, texts[path], RuleFile)
            if rule.id != path.stem:
                raise RuleFileError(f"{path}: id {rule.id!r} differs from the file name")
            try:
                self.tests[rule.id] = Test(rule, path, self.tables, self.bilateral)
            except (conditions.ConditionError, ValueError, TypeError, KeyError) as exc:
                raise RuleFileError(f"{path}: {exc}") from None
        if not self.tests:
            raise RuleFileError(f"{folder}: no rule files found")

    @cached_property
    def matters(self) -> dict[str, list[Test]]:
        by_matter: dict[str, list[Test]] = {}
        for test in self.tests.values():
            by_matter.setdefault(test.matter, []).append(test)
        return by_matter


def _read(path: Path) -> bytes:
    try:
        return yamlsafe.read_source(path)
    except yamlsafe.LimitError as exc:
        raise RuleFileError(f"{path}: {Msg(exc.key, **exc.values)}") from None
    except OSError as exc:
        raise RuleFileError(f"{path}: {Msg('rulefile.cannot_read', reason=exc.strerror or str(exc))}") from None


def _load(path: Path, data: bytes, model: type[BaseModel]):
    try:
        raw = yamlsafe.safe_load(path, data=data)  # parsed once per file version, then cached
    except (yamlsafe.YAMLError, UnicodeDecodeError) as exc:
        # the line where the parser found the problem (for an unclosed [ or {, where it opened:
        # the fix is there), and the problem in its words
        context, opened = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        mark = opened if "flow" in (context or "") and opened else getattr(exc, "problem_mark", None) or opened
        where = f"{path}:{mark.line + 1}" if mark is not None else f"{path}"
        said = [context, getattr(exc, "problem", None)]
        problem = ": ".join(s for s in said if s) or str(exc).splitlines()[0]
        raise RuleFileError(f"{where}: not valid YAML: {problem}") from None
    except yamlsafe.LimitError as exc:
        raise RuleFileError(f"{path}: {Msg(exc.key, **exc.values)}") from None
    except ValueError as exc:  # an integer of more than 4,300 digits, which Python will not read
        raise RuleFileError(f"{path}: not valid YAML: {str(exc).splitlines()[0]}") from None
    wide = _wide_integer(raw, ())
    if wide is not None:
        where, value = wide
        shown = str(value) if len(str(value)) <= 40 else str(value)[:40] + "…"
        raise RuleFileError(f"{path}: {'.'.join(map(str, where)) or '(top level)'}: "
                            f"{Msg('rulefile.wide_integer', value=shown)}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        # An unknown key is usually a misspelt one: name it before the "missing" it causes.
        errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
        err = errors[0]
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
        raise RuleFileError(f"{path}: {key}: {message}") from None


ENGINE_INT_LIMIT = 2**63  # durable_rules compares 64-bit integers; wider ones saturate silently


def _wide_integer(value: Any, where: tuple) -> tuple[tuple, int] | None:
    """The path and value of the first integer the engine cannot hold (the oracle, in plain
    Python, would compare it exactly, and the two would disagree). Runs on every load, so
    leaves are checked in place (`type(x) is int` leaves booleans out)."""
    if type(value) is int:
        return None if -ENGINE_INT_LIMIT < value < ENGINE_INT_LIMIT else (where, value)
    pairs = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in pairs:
        if type(key) is int and not -ENGINE_INT_LIMIT < key < ENGINE_INT_LIMIT:
            return where, key
        if isinstance(item, (dict, list)) or type(item) is int:
            found = _wide_integer(item, where + (key,))
            if found is not None:
                return found
    return None


@lru_cache(maxsize=64)
def order_constraints(book: RuleBook, matter: str) -> tuple:
    """The order constraints of a matter's tests, each once (tests of one matter share facts)."""
    found = {}
    for test in book.matters[matter]:
        for c in test.rule.constraints:
            found.setdefault((c.earlier, c.later), c)
    return tuple(found.values())


_BOOKS: dict[Path, RuleBook] = {}


def load(folder: Path | None = None) -> RuleBook:
    """The rule book of a folder, loaded once per process."""
    folder = (folder or default_rules_folder()).resolve()
    if folder not in _BOOKS:
        _BOOKS[folder] = RuleBook(folder)
    return _BOOKS[folder]
