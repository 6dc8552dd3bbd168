"""`creval ask TEST`: a caseworker's interview, one question at a time.

The interview asks for the facts one legal test needs, with each fact's `question` from the
rule file, and stops as soon as the answers decide the outcome. After each answer it
evaluates the test with the facts so far (Evaluator.test):

- outcome `undetermined`: the next question is the first fact, not asked yet, that could
  still change the outcome, looked for among the facts in the result's `missing`, then
  those read by criteria still unknown, then the facts the rule would otherwise fill in
  (below), then any other fact, each group in the rule file's fact order;
- any other outcome: decided, unless a single answer to a question not asked yet would still
  change it; that question is asked, first among the facts the rule fills in when absent (a
  test's own date that falls back to the assessment date, such as proceedings_date; a fact
  with a default, such as credited_days), then the others in the rule file's order (a
  defence that is not stated counts as not established, but an established one changes
  return-forthwith; a sex of female changes under-age to not-subject). Without this, the
  first outcome the engine reports would depend on the order of the questions.

"Could change the outcome" is tested by trying the values of probes.py. A fact is worth
asking when some value gives another outcome than leaving it unknown, with the other open facts unknown or, for facts that only matter together (the two
states of a removal), with one or two of them set as well. Values that contradict the
answers (a removal before the birth) are not tried.

Answers are checked with the scenario model (loader.validate), so a question is asked again
after an answer that is malformed or contradicts an earlier one. The answers can be saved as
a scenario file that `creval check` accepts. Several tests in one interview, and resuming a
saved one, are case.py's; the conversation (back, the review) is conversation.py's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from itertools import combinations, product
from pathlib import Path
from typing import Any, Iterator

from creval.engine.engine import EngineError
from creval.engine.evaluate import Evaluator, ScenarioResult, TestResult
from creval.input.forgiving import date_hint, state_meant, suggest, words
from creval.render.words import enum_word
import creval.tools.interview.probes as probes  # by its path: not through the package, which imports this module
from creval.render.i18n import LANGUAGES, t, tr
from creval.input.loader import validate
from creval.core.dates import FIRST_DATE, LAST_DATE, DateRange, as_saved, parse_date_fact
from creval.input.scenario import parse_iso_date
from creval.engine.ranged import decide_rough, rough_facts
from creval.law.absent import AS_OF, DEFAULT, treatments
from creval.law.rulebook import FactSpec, RuleBook, order_constraints
from creval.input.scenario import is_state, matter_facts

__all__ = [
    "Interview", "InterviewError", "Question", "SEARCH_BUDGET", "UNDETERMINED", "keep_interrupted", "save"
]

SEARCH_BUDGET = 2500  # evaluations per "is this fact worth asking?" (each ~0.1 ms)
UNDETERMINED = "undetermined"


class InterviewError(Exception):
    """A usage error (unknown test, unwritable file): one line for standard error."""


_words = words  # the words of an `ask.words.*` key in every language (answers are accepted in any)


@dataclass
class Question:
    fact: str
    text: str
    hint: str  # the terminal's hint, in brackets, with how to say "not known"
    detail: str = ""  # what the answer may be, without the terminal's wrapper (the web page's hint)


class Interview:
    """The state of one interview: the answers so far, and the choice of the next question."""

    def __init__(self, book: RuleBook, test_id: str, as_of: date, lang: str = "en",
                 scenario_id: str | None = None, evaluator: Evaluator | None = None,
                 answers: dict[str, Any] | None = None):
        if test_id not in book.tests:
            raise InterviewError(t("ask.error.unknown_test", lang, test=test_id, known=", ".join(book.tests)))
        self.book = book
        self.test = book.tests[test_id]
        self.rule = self.test.rule
        self.as_of = as_of
        self.lang = lang
        self.id = scenario_id or f"{test_id}-interview"
        self.evaluator = evaluator or Evaluator(book)
        # fact -> value, or None for "not known"; in the order asked. The tests of one matter
        # in one interview share this mapping (case.CaseInterview).
        self.answers: dict[str, Any] = {} if answers is None else answers
        self._outcomes: dict[tuple, str] = {}

    # ---- the scenario being built

    def doc(self) -> dict:
        """The answers as a scenario document (what --save writes)."""
        facts = {name: as_saved(value) for name, value in self.answers.items()}
        return {"id": self.id, "as_of": self.as_of.isoformat(), "facts": {self.test.matter: facts}}

    def validated(self):
        loaded = validate(self.doc(), "<interview>", self.book, lang=self.lang)
        if loaded.errors:  # every answer was validated when given
            raise InterviewError(str(loaded.errors[0]))
        return loaded.scenario

    def facts(self) -> dict[str, Any]:
        """The matter's facts as the evaluator sees them (defaults filled in)."""
        return matter_facts(self.validated())[self.test.matter]

    def result(self, facts: dict[str, Any] | None = None) -> TestResult:
        facts = self.facts() if facts is None else facts
        if rough_facts(self.test, facts):  # a date answered roughly: every possible day (engine/ranged.py)
            return decide_rough(self.evaluator, self.test, facts, self.as_of, order_constraints(self.book, self.test.matter))
        return self.evaluator.test(self.test, facts, self.as_of)

    def scenario_result(self) -> ScenarioResult:
        return self.evaluator.scenario(self.validated(), "", [self.test.id])

    # ---- questions and answers

    def question(self, fact: str) -> Question:
        spec = self.rule.facts[fact]
        text = (spec.question or spec.title).get(self.lang)
        detail = self._hint(fact, spec)
        return Question(fact, text, t("ask.hint", self.lang, hint=detail), detail)

    def _hint(self, fact: str, spec: FactSpec) -> str:
        lang = self.lang
        if spec.type == "enum":
            return t("ask.hint.enum", lang, choices=_choices(fact, spec, lang))
        if spec.type == "int":
            low, high = self._bounds(spec)
            if low is None and high is None:
                hint = t("ask.hint.int", lang)
            else:
                hint = t("ask.hint.int_range", lang, min=_shown_bound(low), max=_shown_bound(high))
            if spec.words:  # a number that may also be a word (a ban for life): say which words are taken
                hint = t("ask.hint.or_words", lang, hint=hint,
                         words=", ".join(enum_word(fact, w, lang, spec=spec) for w in spec.words))
            return hint
        return t(f"ask.hint.{spec.type}", lang)

    def _bounds(self, spec: FactSpec) -> tuple[int | None, int | None]:
        return probes.bounds(self.test, spec)

    def parse(self, fact: str, text: str) -> tuple[Any, str | None]:
        """(value, None), with None for "not known"; or (None, a one-line message)."""
        spec = self.rule.facts[fact]
        raw = " ".join(text.split())
        if raw in ("", "?") or raw.casefold() in _words("ask.words.unknown"):
            return None, None
        lang, shown = self.lang, raw[:60]
        if spec.type == "bool":
            word = raw.casefold()
            if word in _words("ask.words.yes"):
                return True, None
            if word in _words("ask.words.no"):
                return False, None
            return None, t("ask.bad_bool", lang, value=shown)
        if spec.type == "enum":
            values = list(spec.values)
            if raw.isdigit() and 1 <= int(raw) <= len(values):
                return values[int(raw) - 1], None
            wanted = re.sub(r"[\s-]+", "_", raw.casefold())
            for value in values:  # the code, or its word in any language
                names = {enum_word(fact, value, l, spec=spec).casefold() for l in LANGUAGES}
                if value.casefold() == wanted or raw.casefold() in names:
                    return value, None
            choices = ", ".join(enum_word(fact, v, lang, spec=spec) for v in values)  # each also accepted as typed
            message = t("ask.bad_choice", lang, value=shown, count=len(values), choices=choices)
            return None, tr(suggest(message, raw, values), lang)
        if spec.type == "date":
            if re.fullmatch(r"\d{4}(-\d{2})?|(on or |)(before|after)\s+\S+|не (позднее|ранее) \S+|\S+ (кешіктірмей|ерте емес)",
                            raw, re.IGNORECASE):  # known roughly: 2009, 2024-06, before D (не позднее D, D кешіктірмей)
                try:
                    return parse_date_fact(raw, exact=parse_iso_date, first=FIRST_DATE, last=LAST_DATE), None
                except ValueError:
                    return None, t("ask.bad_date", lang, value=shown)
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                hint = date_hint(raw)  # 20.05.2016: asked again, with the date it reads as
                if hint is not None:
                    return None, t("ask.bad_date_hint", lang, value=shown, hint=tr(hint, lang))
                return None, t("ask.bad_date", lang, value=shown)
            try:
                return date.fromisoformat(raw), None
            except ValueError:
                return None, t("ask.bad_calendar_date", lang, value=shown)
        if spec.type == "state":
            code = raw.upper()
            if not is_state(code):
                meant = state_meant(raw)
                message = t("ask.bad_state", lang, value=shown)
                return None, message if meant is None else t("forgiving.did_you_mean", lang, message=message, suggestion=meant)
            return code, None
        if spec.type == "int":
            for word in spec.words or []:  # a word the number may be (a ban for life), as coded or in words
                if raw.casefold() in (word.casefold(), enum_word(fact, word, lang, spec=spec).casefold()):
                    return word, None
            if not re.fullmatch(r"[+-]?\d{1,12}", raw):
                return None, t("ask.bad_int", lang, value=shown)
            number = int(raw)
            low, high = self._bounds(spec)
            if (low is not None and number < low) or (high is not None and number > high):
                return None, t("ask.bad_range", lang, value=shown, min=_shown_bound(low), max=_shown_bound(high))
            return number, None
        if spec.type == "term":
            term = _parse_term(raw)
            if term is None:
                return None, t("ask.bad_term", lang, value=shown)
            return term, None
        raise AssertionError(spec.type)  # the rule-file schema allows no other type

    def give(self, fact: str, text: str) -> str | None:
        """Record an answer; a one-line message instead when it is rejected."""
        value, error = self.parse(fact, text)
        if error:
            return error
        before = dict(self.answers)
        self.answers[fact] = value
        try:
            loaded = validate(self.doc(), "<interview>", self.book, lang=self.lang)
        except BaseException:  # Ctrl-C while checking: the answers kept are the checked ones
            self.answers = before
            raise
        if loaded.errors:
            self.answers = before
            return t("ask.rejected", self.lang, message=loaded.errors[0].message)
        return None

    # ---- which question next

    def next_fact(self) -> str | None:
        """The next fact to ask about, or None when no answer could change the outcome."""
        facts = self.facts()
        result = self.result(facts)
        open_facts = [f for f in self.rule.facts if f not in self.answers]
        filled_in = [f for f in open_facts if treatments(self.test)[f] in (AS_OF, DEFAULT)]
        if result.outcome != UNDETERMINED:
            groups, search = [filled_in, open_facts], False
        else:
            unknown = {f for c in result.criteria if c.status == "unknown" for f in self.rule.criteria[c.id].reads}
            groups = [[f for f in open_facts if f in result.missing], [f for f in open_facts if f in unknown],
                      filled_in, open_facts]
            search = True
        # the search tries exact values: a date answered roughly counts there as not known, so a
        # question is asked if it could matter on some day of the range
        exact = {k: (None if isinstance(v, DateRange) else v) for k, v in facts.items()}
        seen: set[str] = set()
        for group in groups:
            for fact in group:
                if fact not in seen:
                    seen.add(fact)
                    if self.worth(fact, exact, search):
                        return fact
        return None

    def worth(self, fact: str, facts: dict[str, Any], search: bool = True) -> bool:
        """Whether some value of `fact` gives another outcome than leaving it as it is."""
        spent = [0]
        for context in self._contexts(fact, facts, search):
            base_facts = {**facts, **context}
            if not self._consistent(base_facts):
                continue
            base = self._outcome(base_facts, spent)
            for value in probes.probes(self.book, self.test, fact, base_facts, self.as_of):
                if value == base_facts.get(fact):
                    continue
                tried = {**base_facts, fact: value}
                if self._consistent(tried) and self._outcome(tried, spent) not in (base, None):
                    return True
                if spent[0] > SEARCH_BUDGET:
                    return False
        return False

    def _contexts(self, fact: str, facts: dict[str, Any], search: bool) -> Iterator[dict]:
        """The open facts' values to try `fact` against: none set; one of the facts that
        share a criterion with it; one of the others; two of those sharing a criterion."""
        yield {}
        if not search:
            return
        others = [f for f in self.rule.facts if f not in self.answers and f != fact]
        partners = [f for f in others if f in self._partners[fact]]
        rest = [f for f in others if f not in self._partners[fact]]
        for size, pool in ((1, partners), (1, rest), (2, partners)):
            for names in combinations(pool, size):
                for values in product(*(probes.context_values(self.test, n, facts, self.as_of) for n in names)):
                    yield dict(zip(names, values))

    @cached_property
    def _partners(self) -> dict[str, set[str]]:
        """For each fact, the facts read by the same criteria (through derived values)."""
        rule = self.rule

        def expand(name: str, seen: set[str]) -> set[str]:
            if name in rule.facts:
                return {name}
            if name in rule.derived and name not in seen:
                seen.add(name)
                return set().union(*(expand(s, seen) for s in _strings(rule.derived[name])))
            return set()

        from creval.law.conditions import fields

        groups = []
        for cid, crit in rule.criteria.items():
            names = fields(self.test.met[cid]) | fields(self.test.unmet[cid]) | set(crit.reads)
            groups.append(set().union(*(expand(n, set()) for n in names)))
        return {f: set().union(*(g for g in groups if f in g)) - {f} for f in rule.facts}

    def _outcome(self, facts: dict[str, Any], spent: list[int]) -> str | None:
        key = tuple(sorted((k, repr(v)) for k, v in facts.items() if v is not None))
        found = self._outcomes.get(key)
        if found is None:
            spent[0] += 1
            try:
                found = self.evaluator.outcome(self.test, facts, self.as_of)
            except EngineError:
                return None
            self._outcomes[key] = found
        return found

    def _consistent(self, facts: dict[str, Any]) -> bool:
        """The scenario model's date-order constraints, for values being tried."""
        values = {**facts, "as_of": self.as_of}
        for test in self.book.matters[self.test.matter]:
            for c in test.rule.constraints:
                earlier, later = values.get(c.earlier), values.get(c.later)
                if earlier is not None and later is not None and later < earlier:
                    return False
        return True

# ---- helpers


def _choices(fact: str, spec: FactSpec, lang: str) -> str:
    """`1 male, 2 female`: the numbered choices of an enumerated fact, as words in `lang`."""
    return ", ".join(f"{i} {enum_word(fact, v, lang, spec=spec)}" for i, v in enumerate(spec.values, 1))


def _shown_bound(value: int | None) -> str:
    return "…" if value is None else str(value)


def _strings(spec: Any) -> Iterator[str]:
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        for item in spec.values():
            yield from _strings(item)
    elif isinstance(spec, list):
        for item in spec:
            yield from _strings(item)


_TERM_PART = re.compile(r"(\d{1,4})\s*([^\W\d_]+)\.?")


def _parse_term(text: str) -> dict | None:
    """'8y', '1y 2m', '3 years 7 months 10 days', '3г 7м', '3/7/10' (years/months/days)."""
    raw = text.casefold().strip()
    numbers = re.fullmatch(r"(\d{1,4})\s*[/ ]\s*(\d{1,4})\s*[/ ]\s*(\d{1,4})", raw)
    if numbers:
        term = dict(zip(("years", "months", "days"), map(int, numbers.groups())))
    else:
        units = {unit: _words(f"ask.words.{unit}") for unit in ("years", "months", "days")}
        term = {"years": 0, "months": 0, "days": 0}
        seen = set()
        for match in _TERM_PART.finditer(raw):
            unit = next((u for u, words in units.items() if match.group(2) in words), None)
            if unit is None or unit in seen:
                return None
            seen.add(unit)
            term[unit] = int(match.group(1))
        leftover = _TERM_PART.sub(" ", raw)
        if not seen or re.sub(r"[\s,;+]+|\band\b|\bи\b|\bжәне\b", "", leftover):
            return None
    if not any(term.values()):
        return None
    return term


# ---- the saved file (the conversation itself: conversation.py)


def save(interview, path: Path, overwrite: bool = True) -> None:
    """Write the answers as a YAML scenario file (`creval check` accepts it); with
    overwrite=False an existing file is left alone (FileExistsError). `interview`: an
    Interview, or an case.CaseInterview (several matters)."""
    doc = interview.doc()
    tests = ", ".join(test.id for test in interview.tests) if hasattr(interview, "tests") else interview.test.id
    lines = [f"# {t('ask.saved_comment', interview.lang, test=tests, as_of=doc['as_of'])}"]
    for name, value in doc.items():
        if isinstance(value, dict) and name in ("facts", "expected"):
            lines.append(f"{name}:")
            for key, inner in value.items():
                if name == "facts":
                    lines.append(f"  {key}:" + (" {}" if not inner else ""))
                    lines.extend(f"    {fact}: {_scalar(v)}" for fact, v in inner.items())
                else:
                    lines.append(f"  {key}: {_scalar(inner)}")
        else:
            lines.append(f"{name}: {_scalar(value)}")
    if overwrite and path.is_symlink():
        path.unlink()  # --force replaces the link, never the file it points to (as `twin` does)
    with open(path, "w" if overwrite else "x", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def keep_interrupted(interview, path: Path | None, overwrite: bool) -> str:
    """After Ctrl-C: the answers given so far saved to `path` (from --save), else to a new
    file in the current folder, `<id>.partial.yaml` (numbered, never overwriting); the line
    that says where. If no file can be written, the scenario is that line."""
    lang, count = interview.lang, _count(interview)
    if not count:
        return t("ask.interrupted.nothing", lang)
    names = [path] if path is not None else [Path(f"{interview.id}.partial{f'-{n}' if n else ''}.yaml") for n in range(100)]
    reason = ""
    for name in names:
        try:
            save(interview, name, overwrite=overwrite and name == path)
        except FileExistsError as exc:
            reason = exc.strerror or str(exc)
            continue
        except OSError as exc:
            reason = exc.strerror or str(exc)
            break
        return t("ask.interrupted.saved", lang, n=count, file=str(name))
    doc = json.dumps(interview.doc(), ensure_ascii=False)
    return t("ask.interrupted.unsaved", lang, n=count, reason=reason or "-", scenario=doc)


def _count(interview) -> int:
    """The answers held: an Interview's facts, or a CaseInterview's (one shared by matters counts once)."""
    return len(interview.answered()) if hasattr(interview, "answered") else len(interview.answers)


def _scalar(value: Any) -> str:
    """One YAML value: strings double-quoted (so NO stays Norway), ISO dates plain."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return value
    return json.dumps(value, ensure_ascii=False)
