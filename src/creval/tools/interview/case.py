"""One interview about a case: several tests, the answers so far, going back, resuming.

`creval ask hague-abduction-return maintenance-recovery` (or `creval ask abduction
maintenance`: a matter stands for its tests) interviews for each test in turn; each test's
questions are chosen by interview.Interview. The tests of one matter share that matter's
answers. Two matters may name a fact alike: it is asked once for both only when the rule
files declare the same fact (same type, choices and title in every language), such as the
child's date of birth in abduction and adoption; otherwise (the date of the activity in a
work ban and in military involvement) it is asked for each matter.

`--from case.yaml` starts from a saved interview or any scenario file: its answers, null ones
included (asked, not known), are kept and not asked again. Every answer given is in the saved
file, so a resumed interview can be corrected and saved again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from creval.engine.evaluate import Evaluator, ScenarioResult
from creval.engine.ranged import TooWide
from creval.input.forgiving import close_matches, either
from creval.core.dates import DateRange, as_saved
from creval.input.loader import load_file, validate
from creval.input.scenario import matter_facts
from creval.law.rulebook import FactSpec, RuleBook, Test
from creval.render import words
from creval.render.i18n import t, tr
from creval.tools.interview import Interview, InterviewError, Question

__all__ = ["CaseInterview", "KEPT_FIELDS", "Key", "resolve"]

KEPT_FIELDS = ("title", "narrative", "expected")  # a resumed file's other fields, saved again as they were


@dataclass(frozen=True)
class Key:
    """One question: a fact, and the matters whose answer it gives (one, or several that
    declare the same fact)."""
    fact: str
    matters: tuple[str, ...]


def resolve(book: RuleBook, names: list[str], lang: str = "en") -> list[str]:
    """Test ids for names that are test ids or matters (a matter: each of its tests), in the
    order given, each once; an unknown name is a usage error with the names it is near."""
    found: list[str] = []
    for name in names:
        if name in book.tests:
            found.append(name)
        elif name in book.matters:
            found.extend(test.id for test in book.matters[name])
        else:
            near = close_matches(name, [*book.tests, *book.matters], n=2)
            if near:
                raise InterviewError(t("ask.error.unknown_name_near", lang, name=name, suggestion=tr(either(near), lang)))
            raise InterviewError(t("ask.error.unknown_name", lang, name=name, tests=", ".join(book.tests),
                                   matters=", ".join(book.matters)))
    return list(dict.fromkeys(found))


class CaseInterview:
    """The answers of one interview by matter, and the order in which questions come."""

    def __init__(self, book: RuleBook, test_ids: list[str], as_of: date, lang: str = "en",
                 scenario_id: str | None = None, evaluator: Evaluator | None = None,
                 given: dict[str, dict[str, Any]] | None = None, kept: dict[str, Any] | None = None):
        self.book, self.as_of, self.lang = book, as_of, lang
        self.tests: list[Test] = [book.tests[i] for i in test_ids]
        self.id = scenario_id or f"{'-'.join(test_ids)}-interview"
        self.kept = dict(kept or {})
        self.evaluator = evaluator or Evaluator(book)
        # matter -> fact -> value (None: asked, not known); the matters of the tests, then
        # any other matter a resumed file holds (kept and saved, not asked about)
        self.answers: dict[str, dict[str, Any]] = {test.matter: {} for test in self.tests}
        for matter, facts in (given or {}).items():
            self.answers.setdefault(matter, {}).update(facts)
        self._share_given()
        self.interviews = [Interview(book, test.id, as_of, lang, self.id, self.evaluator, self.answers[test.matter])
                           for test in self.tests]
        self.history: list[Key] = []  # the questions answered in this session, in order (for `back`)

    def _share_given(self) -> None:
        """A fact a resumed file states for one matter is known for every matter of this
        interview that declares the same fact (the child's birth date for abduction and adoption)."""
        for matter, facts in list(self.answers.items()):
            for fact, value in list(facts.items()):
                for other in self.key(matter, fact).matters:
                    self.answers[other].setdefault(fact, value)

    @classmethod
    def resume(cls, book: RuleBook, path, test_ids: list[str] | None, as_of: date | None, lang: str = "en",
               scenario_id: str | None = None, evaluator: Evaluator | None = None) -> "CaseInterview":
        """An interview that starts from a scenario file's answers (`--from`)."""
        loaded = load_file(path, book, as_of, lang)  # --as-of replaces the file's date, as in `check`
        if loaded.errors:
            raise InterviewError(t("ask.error.from", lang, error=str(loaded.errors[0])))
        return cls.from_loaded(book, loaded, test_ids, as_of, lang, scenario_id, evaluator)

    @classmethod
    def from_loaded(cls, book: RuleBook, loaded, test_ids: list[str] | None, as_of: date | None, lang: str = "en",
                    scenario_id: str | None = None, evaluator: Evaluator | None = None) -> "CaseInterview":
        """An interview that starts from a validated scenario (a file, or the web page's form)."""
        scenario, raw = loaded.scenario, loaded.doc
        facts = matter_facts(scenario)
        # only the facts the file states: a fact absent from it (even one with a default) is still to be asked
        given = {m: {f: facts[m][f] for f in (raw["facts"].get(m) or {})} for m in facts}
        if not test_ids:
            test_ids = [test.id for matter in sorted(facts) for test in book.matters[matter]]
        kept = {name: _plain(raw[name]) for name in KEPT_FIELDS if raw.get(name) is not None}
        return cls(book, test_ids, as_of or scenario.as_of or date.today(), lang, scenario_id or scenario.id,
                   evaluator, given, kept)

    # ---- questions

    def next_question(self) -> tuple[Test, Key] | None:
        """The next question and the test it is asked for; None when no answer could change
        any test's outcome."""
        for test, interview in zip(self.tests, self.interviews):
            fact = interview.next_fact()
            if fact is not None:
                return test, self.key(test.matter, fact)
        return None

    def key(self, matter: str, fact: str) -> Key:
        """The question for `fact` of `matter`: with every other matter of this interview
        that declares the same fact."""
        spec = self.spec(matter, fact)
        same = [m for m in self.answers if m == matter or _same_fact(spec, self.spec(m, fact))]
        return Key(fact, tuple(same))

    def spec(self, matter: str, fact: str) -> FactSpec | None:
        for test in self.book.matters.get(matter, []):
            if fact in test.rule.facts:
                return test.rule.facts[fact]
        return None

    def interview_for(self, key: Key) -> Interview:
        """An Interview whose test declares the fact (for its question, hint and parsing)."""
        matter = key.matters[0]
        for interview in self.interviews:
            if interview.test.matter == matter and key.fact in interview.rule.facts:
                return interview
        test = next(test for test in self.book.matters[matter] if key.fact in test.rule.facts)
        return Interview(self.book, test.id, self.as_of, self.lang, self.id, self.evaluator, self.answers[matter])

    def question(self, key: Key) -> Question:
        return self.interview_for(key).question(key.fact)

    # ---- answers

    def give(self, key: Key, text: str, remember: bool = True) -> str | None:
        """Record an answer for every matter of the question; a one-line message instead
        when it is rejected. `remember`: a new answer, that `back` can take back (an answer
        changed at the review is not)."""
        value, error = self.interview_for(key).parse(key.fact, text)
        if error:
            return error
        before = {m: dict(self.answers[m]) for m in key.matters}
        for matter in key.matters:
            self.answers[matter][key.fact] = value
        try:
            loaded = validate(self.doc(), "<interview>", self.book, lang=self.lang)
        except BaseException:  # Ctrl-C while checking: the answers kept are the checked ones
            self._restore(before)
            raise
        if loaded.errors:
            self._restore(before)
            return t("ask.rejected", self.lang, message=loaded.errors[0].message)
        if isinstance(value, DateRange):  # rough dates too wide to decide together: asked again
            try:
                for interview in self.interviews:
                    if interview.test.matter in key.matters:
                        interview.result()
            except TooWide as exc:
                self._restore(before)
                return t("ask.rejected", self.lang, message=tr(exc.args[0], self.lang))
        if remember:
            self.history.append(key)
        return None

    def _restore(self, before: dict[str, dict[str, Any]]) -> None:
        for matter, facts in before.items():  # the same mappings: the tests' Interviews hold them
            self.answers[matter].clear()
            self.answers[matter].update(facts)

    def back(self) -> Key | None:
        """Take back the last answer given in this session; the question to ask again."""
        if not self.history:
            return None
        key = self.history.pop()
        for matter in key.matters:
            self.answers[matter].pop(key.fact, None)
        return key

    def answered(self) -> list[tuple[Key, Any]]:
        """Every answer, each shared one once, in the order given (for the review)."""
        seen: set[Key] = set()
        out = []
        for matter, facts in self.answers.items():
            for fact, value in facts.items():
                key = self.key(matter, fact) if matter in self._asked_matters else Key(fact, (matter,))
                if any(self.answers[m].get(fact) != value for m in key.matters):
                    key = Key(fact, (matter,))  # a file that gives the matters different values: each is shown
                if key not in seen:
                    seen.add(key)
                    out.append((key, value))
        return out

    @property
    def _asked_matters(self) -> set[str]:
        return {test.matter for test in self.tests}

    def shown(self, key: Key, value: Any) -> str:
        """An answer as the review shows it (in the terminal and on the web): as every list of
        facts shows a value (render/words.py), a choice and a state by name."""
        return words.fact(key.fact, value, self.lang, self.spec(key.matters[0], key.fact))

    def label(self, key: Key) -> str:
        """What a fact is, in the interview's language (its title in the rule file)."""
        spec = self.spec(key.matters[0], key.fact)
        return spec.title.get(self.lang) if spec is not None else key.fact

    # ---- the case as a scenario

    def doc(self) -> dict:
        """The answers as a scenario document (what --save writes)."""
        doc: dict[str, Any] = {"id": self.id}
        if "title" in self.kept:
            doc["title"] = self.kept["title"]
        doc["as_of"] = self.as_of.isoformat()
        if "narrative" in self.kept:
            doc["narrative"] = self.kept["narrative"]
        doc["facts"] = {m: {f: as_saved(v) for f, v in facts.items()} for m, facts in self.answers.items()}
        if "expected" in self.kept:
            doc["expected"] = self.kept["expected"]
        return doc

    def validated(self):
        loaded = validate(self.doc(), "<interview>", self.book, lang=self.lang)
        if loaded.errors:  # every answer was validated when given
            raise InterviewError(str(loaded.errors[0]))
        return loaded.scenario

    def scenario_result(self) -> ScenarioResult:
        return self.evaluator.scenario(self.validated(), "", [test.id for test in self.tests])

    def outcomes(self, result: ScenarioResult) -> str:
        from creval.render.i18n import outcome_shown

        shown = [(r.test, outcome_shown(r.outcome, self.lang)) for r in result.results]
        if len(shown) == 1:
            return shown[0][1]
        return "; ".join(f"{test}: {outcome}" for test, outcome in shown) or "-"


def _same_fact(a: FactSpec | None, b: FactSpec | None) -> bool:
    """Whether two rule files declare the same fact: the same type, choices and title."""
    if a is None or b is None:
        return False
    return (a.type == b.type and list(a.values or []) == list(b.values or [])
            and all(a.title.get(lang) == b.title.get(lang) for lang in ("en", "ru", "kk")))


def _plain(value: Any) -> Any:
    """A ruamel value as plain dicts, lists and strings (to save it again)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value
