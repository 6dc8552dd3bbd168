"""Trainee exercises over a scenario pack: ask, grade against the engine, score, record.

A session shows each scenario (title, assessment date, narrative, facts; never the answer
key), asks for the outcome of each of its tests, and answers with the verdict, the engine's
outcome and the engine's full explanation. Answers are graded against the ENGINE's outcome;
where a scenario's own answer key (`expected`) disagrees with the engine, that is reported.

A class is graded without prompts from answer sheets (YAML or JSON):

    trainee: Aigerim
    answers:
      hague-one-year-day-before:          # scenario id
        hague-abduction-return: return-forthwith   # test id: outcome code (empty: not answered)

or a list of such mappings, one per trainee. `creval exercise PACK --sheet` prints a blank
sheet for a pack. Results are added to a JSON record file (`--record`) that the trainer keeps:
each run appends one session, with every answer and the scores per test and per trainee.
"""

from __future__ import annotations

import json
import os
import random
import sys
import tempfile
import textwrap
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, Callable, Optional

from creval import __version__
from creval.engine.evaluate import Evaluator, ScenarioResult, TestResult
from creval.output.i18n import t
from creval.input.loader import InputError, Refused, StopOnInput, line_of, load_paths, read_document, unexpected
from creval.law.rulebook import RuleBook
from creval.input.scenario import matter_facts

RECORD_FORMAT = "creval-exercise-record"
RECORD_VERSION = 1
MAX_SEED = 2**32
WIDTH = 100  # narrative lines are wrapped to this width


class ExerciseError(StopOnInput):
    """Input that stops an exercise."""


@dataclass
class Question:
    scenario: str
    test: str
    title: str  # the test's title in the session's language
    choices: list[str]  # the test's outcomes, in the rule file's order
    engine: str  # the engine's outcome: what the answer is graded against
    key: Optional[str]  # the scenario's answer key for this test, if any
    result: TestResult

    @property
    def key_disagrees(self) -> bool:
        return self.key is not None and self.key != self.engine


@dataclass
class Card:
    """One scenario of the pack, evaluated, with its questions (one per test)."""
    scenario: Any
    file: str
    result: ScenarioResult
    questions: list[Question]

    @property
    def id(self) -> str:
        return self.scenario.id


@dataclass
class Answer:
    scenario: str
    test: str
    answer: Optional[str]  # None: not answered
    engine: str
    correct: bool
    answer_key: Optional[str] = None
    key_disagrees: bool = False


@dataclass
class Sheet:
    trainee: Optional[str]
    answers: dict[tuple[str, str], Optional[str]] = field(default_factory=dict)


# ---------------------------------------------------------------- the pack


def load_pack(book: RuleBook, paths: list[str], lang: str = "en") -> list[Card]:
    """Every scenario under `paths`, evaluated. A pack with any bad file is refused whole:
    a trainer fixes the pack before a class, rather than teaching from part of it."""
    evaluator = Evaluator(book)
    cards, errors = [], []
    for loaded in load_paths(paths, book, lang=lang):
        if loaded.errors:
            errors.extend(str(e) for e in loaded.errors)
            continue
        try:
            result = evaluator.scenario(loaded.scenario, loaded.file, None, lang)
        except Exception as exc:  # a bug met on one scenario: named with the others' errors
            errors.append(str(unexpected(loaded.file, exc, lang)))
            continue
        if result.errors:
            errors.extend(f"{loaded.file}: {e}" for e in result.errors)
            continue
        questions = [
            Question(
                result.scenario, r.test, r.title, list(book.tests[r.test].rule.outcomes), r.outcome,
                result.expected.get(r.test), r,
            )
            for r in result.results
        ]
        cards.append(Card(loaded.scenario, loaded.file, result, questions))
    if errors:
        raise ExerciseError(errors)
    if not cards:
        raise ExerciseError([t("exercise.error.empty", lang, pack=", ".join(paths))])
    return cards


def shuffled(cards: list[Card], seed: Optional[int]) -> list[Card]:
    """The pack in a random order that depends only on the seed (None: the pack's order)."""
    if seed is None:
        return list(cards)
    order = list(cards)
    random.Random(seed).shuffle(order)
    return order


def questions_of(cards: list[Card]) -> list[Question]:
    return [q for card in cards for q in card.questions]


# ---------------------------------------------------------------- grading and scores


def grade(question: Question, answer: Optional[str]) -> Answer:
    return Answer(
        question.scenario, question.test, answer, question.engine, answer == question.engine,
        question.key, question.key_disagrees,
    )


def parse_choice(text: str, choices: list[str]) -> Optional[str]:
    """A choice by its number (1..N) or by its outcome code; None if it is neither."""
    text = text.strip()
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    return text if text in choices else None


def score(answers: list[Answer]) -> dict:
    """Right answers out of the questions, in total and per test."""
    def tally(items: list[Answer]) -> dict:
        answered = [a for a in items if a.answer is not None]
        right = sum(a.correct for a in items)
        return {"right": right, "answered": len(answered), "questions": len(items)}

    by_test: dict[str, list[Answer]] = {}
    for a in answers:
        by_test.setdefault(a.test, []).append(a)
    return {"total": tally(answers), "by_test": {test: tally(items) for test, items in by_test.items()}}


def _percent(right: int, out_of: int) -> str:
    return f"{round(100 * right / out_of)}%" if out_of else "-"


# ---------------------------------------------------------------- showing a scenario


def _value(value: Any, lang: str) -> str:
    if value is None:
        return t("exercise.value.unknown", lang)
    if value is True:
        return t("exercise.value.true", lang)
    if value is False:
        return t("exercise.value.false", lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):  # a term
        return t("exercise.value.term", lang, years=value.get("years", 0), months=value.get("months", 0), days=value.get("days", 0))
    return str(value)


def show_scenario(card: Card, number: int, count: int, book: RuleBook, lang: str) -> str:
    scenario = card.scenario
    lines = ["", t("exercise.scenario.heading", lang, n=number, count=count, title=scenario.title or "").rstrip(" :")]
    lines.append(t("exercise.scenario.as_of", lang, date=card.result.as_of))
    if scenario.narrative:
        lines.append("")
        lines += [textwrap.fill(line, WIDTH) if line.strip() else "" for line in scenario.narrative.rstrip().splitlines()]
    lines += ["", t("exercise.scenario.facts", lang)]
    given = matter_facts(scenario)
    for matter in sorted(given):
        lines.append(f"  {matter}")
        specs = {n: s for test in book.matters[matter] for n, s in test.rule.facts.items()}
        model = getattr(scenario.facts, matter)
        for name in [n for n in specs if n in model.model_fields_set]:
            lines.append(f"    {name} ({specs[name].title.get(lang)}): {_value(given[matter][name], lang)}")
    return "\n".join(lines)


def show_question(question: Question, number: int, count: int, lang: str) -> str:
    lines = ["", t("exercise.question", lang, n=number, count=count, test=question.test, title=question.title)]
    lines += [f"  {i}. {choice}" for i, choice in enumerate(question.choices, 1)]
    return "\n".join(lines)


def show_feedback(question: Question, card: Card, answer: Answer, lang: str) -> str:
    from creval.output.report import as_text

    if answer.correct:
        lines = [t("exercise.right", lang, outcome=question.engine)]
    else:
        lines = [t("exercise.wrong", lang, answer=answer.answer, outcome=question.engine)]
    lines.append(t("exercise.engine_outcome", lang, outcome=question.engine))
    if question.key_disagrees:
        lines.append(t("exercise.key_disagrees", lang, answer_key=question.key, outcome=question.engine))
    one = replace(card.result, results=[question.result], mismatches=[m for m in card.result.mismatches if m == question.test])
    lines += ["", as_text(one)]
    return "\n".join(lines)


def show_score(trainee: Optional[str], answers: list[Answer], lang: str, complete: bool = True,
               pack_questions: Optional[int] = None) -> str:
    s = score(answers)
    total = s["total"]
    heading = t("exercise.score.heading_named", lang, trainee=trainee) if trainee else t("exercise.score.heading", lang)
    lines = ["", heading]
    for a in answers:
        if a.answer is None:
            lines.append("  " + t("exercise.score.unanswered", lang, scenario=a.scenario, test=a.test, outcome=a.engine))
        elif a.correct:
            lines.append("  " + t("exercise.score.right", lang, scenario=a.scenario, test=a.test, answer=a.answer))
        else:
            lines.append("  " + t("exercise.score.wrong", lang, scenario=a.scenario, test=a.test, answer=a.answer, outcome=a.engine))
    lines.append(t("exercise.score.by_test", lang))
    for test, tally in s["by_test"].items():
        lines.append("  " + t("exercise.score.test_line", lang, test=test, right=tally["right"], count=tally["questions"],
                               percent=_percent(tally["right"], tally["questions"])))
    if not complete:
        lines.append(t("exercise.stopped", lang, answered=total["answered"], count=pack_questions or total["questions"]))
    lines.append(t("exercise.score.total", lang, right=total["right"], count=total["questions"],
                   percent=_percent(total["right"], total["questions"])))
    return "\n".join(lines)


def show_class(cards: list[Card], graded: list[tuple[Optional[str], list[Answer]]], lang: str) -> str:
    """The class per question: how many got it right, and what the engine says."""
    lines = ["", t("exercise.class.heading", lang, trainees=len(graded))]
    for q in questions_of(cards):
        right = sum(1 for _, answers in graded for a in answers if a.scenario == q.scenario and a.test == q.test and a.correct)
        lines.append("  " + t("exercise.class.question", lang, scenario=q.scenario, test=q.test, right=right,
                               count=len(graded), outcome=q.engine))
        lines += textwrap.wrap(q.result.explanation, WIDTH, initial_indent="      ", subsequent_indent="      ")
    everyone = [a for _, answers in graded for a in answers]
    lines.append(t("exercise.score.by_test", lang))
    for test, tally in score(everyone)["by_test"].items():
        lines.append("  " + t("exercise.score.test_line", lang, test=test, right=tally["right"], count=tally["questions"],
                               percent=_percent(tally["right"], tally["questions"])))
    return "\n".join(lines)


def blank_sheet(cards: list[Card], paths: list[str], lang: str) -> str:
    """A YAML answer sheet for the pack: the trainee fills in one outcome code per test."""
    lines = [f"# {t('exercise.sheet.comment', lang, pack=', '.join(paths))}", "trainee: ", "answers:"]
    for card in cards:
        lines.append(f"  {card.id}:" + (f"  # {card.scenario.title}" if card.scenario.title else ""))
        for q in card.questions:
            lines.append(f"    {q.test}:   # {' | '.join(q.choices)}")
    return "\n".join(lines)


# ---------------------------------------------------------------- answer sheets


def read_sheets(path: Path, cards: list[Card], lang: str = "en") -> list[Sheet]:
    """Answer sheets from a YAML or JSON file: one mapping, or a list of them."""
    name = str(path)
    try:
        if not path.is_file():
            raise ExerciseError([str(InputError(name, t("exercise.error.no_file", lang)))])
        doc = read_document(path)
    except Refused as exc:
        raise ExerciseError([str(InputError(name, str(exc), exc.line, exc.field))]) from None
    except OSError as exc:
        raise ExerciseError([str(InputError(name, exc.strerror or str(exc)))]) from None
    known = {q.scenario: {} for q in questions_of(cards)}
    for q in questions_of(cards):
        known[q.scenario][q.test] = q.choices
    docs = doc if isinstance(doc, list) else [doc]
    many = isinstance(doc, list)
    errors: list[str] = []
    sheets: list[Sheet] = []
    seen: dict[str, int] = {}

    def error(loc: tuple, message: str) -> None:
        errors.append(str(InputError(name, message, line_of(doc, loc), ".".join(map(str, loc)) or None)))

    if many and not docs:
        error((), t("exercise.error.sheet_empty", lang))
    for i, entry in enumerate(docs):
        at = (i,) if many else ()
        if not isinstance(entry, dict):
            error(at, t("exercise.error.sheet_mapping", lang))
            continue
        for extra in [k for k in entry if k not in ("trainee", "answers")]:
            error(at + (extra,), t("exercise.error.sheet_field", lang, field=extra))
        trainee = entry.get("trainee")
        if not isinstance(trainee, str) or not trainee.strip():
            error(at + ("trainee",), t("exercise.error.trainee", lang))
            trainee = None
        elif trainee in seen:
            error(at + ("trainee",), t("exercise.error.trainee_twice", lang, trainee=trainee, n=seen[trainee] + 1))
        else:
            seen[trainee] = i
        answers = entry.get("answers")
        sheet = Sheet(trainee)
        if answers is None:
            answers = {}
        if not isinstance(answers, dict):
            error(at + ("answers",), t("exercise.error.answers_mapping", lang))
            answers = {}
        for sid, tests in answers.items():
            loc = at + ("answers", sid)
            if sid not in known:
                error(loc, t("exercise.error.unknown_scenario", lang, scenario=sid))
                continue
            if tests is None:
                continue
            if not isinstance(tests, dict):
                error(loc, t("exercise.error.tests_mapping", lang))
                continue
            for tid, outcome in tests.items():
                if tid not in known[sid]:
                    error(loc + (tid,), t("exercise.error.unknown_test", lang, test=tid, tests=", ".join(known[sid])))
                    continue
                if outcome is not None and (not isinstance(outcome, str) or outcome not in known[sid][tid]):
                    error(loc + (tid,), t("exercise.error.bad_outcome", lang, answer=outcome, outcomes=", ".join(known[sid][tid])))
                    continue
                sheet.answers[(sid, tid)] = outcome
        sheets.append(sheet)
    if errors:
        raise ExerciseError(errors)
    return sheets


# ---------------------------------------------------------------- the record


def check_record(path: Path, lang: str = "en") -> dict:
    """The record file to add to (a new one if it does not exist); refused before the
    session starts if it exists and is not a creval exercise record."""
    if not path.exists():
        if not path.parent.is_dir():
            raise ExerciseError([str(InputError(str(path), t("exercise.error.record_folder", lang)))])
        return {"format": RECORD_FORMAT, "version": RECORD_VERSION, "sessions": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not (isinstance(data, dict) and data.get("format") == RECORD_FORMAT and isinstance(data.get("sessions"), list)):
        raise ExerciseError([str(InputError(str(path), t("exercise.error.not_record", lang)))])
    return data


def write_record(path: Path, record: dict, session: dict) -> None:
    record["sessions"].append(session)
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def session_record(book: RuleBook, cards: list[Card], paths: list[str], mode: str, seed: Optional[int],
                   started: str, lang: str, graded: list[tuple[Optional[str], list[Answer], bool]],
                   answers_file: Optional[str] = None) -> dict:
    return {
        "started": started,
        "finished": _now(),
        "creval": __version__,
        "rules_digest": book.digest,
        "pack": paths,
        "mode": mode,
        "answers_file": answers_file,
        "shuffle_seed": seed,
        "lang": lang,
        "order": [c.id for c in cards],
        "questions": len(questions_of(cards)),
        "key_disagreements": [
            {"scenario": q.scenario, "test": q.test, "answer_key": q.key, "engine": q.engine}
            for q in questions_of(cards) if q.key_disagrees
        ],
        "trainees": [
            {"trainee": trainee, "complete": complete, "score": score(answers)["total"],
             "by_test": score(answers)["by_test"], "answers": [asdict(a) for a in answers]}
            for trainee, answers, complete in graded
        ],
    }


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ---------------------------------------------------------------- the session


def read_line(prompt: str, out: Callable[..., None]) -> str:
    """One line of standard input after a prompt; EOFError at the end of input."""
    out(prompt, nl=False)
    line = sys.stdin.readline()
    if not line:
        out("")
        raise EOFError
    return line.rstrip("\r\n")


def ask_all(cards: list[Card], book: RuleBook, lang: str, out: Callable[..., None],
            ask: Callable[[str], str]) -> tuple[list[Answer], bool]:
    """Ask every question in turn; an invalid choice asks again, EOF ends the session."""
    answers: list[Answer] = []
    count = len(questions_of(cards))
    number = 0
    for n, card in enumerate(cards, 1):
        out(show_scenario(card, n, len(cards), book, lang))
        for question in card.questions:
            number += 1
            out(show_question(question, number, count, lang))
            while True:
                try:
                    text = ask(t("exercise.prompt", lang, count=len(question.choices)))
                except EOFError:
                    return answers, False
                choice = parse_choice(text, question.choices)
                if choice is not None:
                    break
                out(t("exercise.invalid", lang, count=len(question.choices)))
            answer = grade(question, choice)
            answers.append(answer)
            out(show_feedback(question, card, answer, lang))
    return answers, True


def run(book: RuleBook, paths: list[str], *, answers_file: Optional[Path] = None, record: Optional[Path] = None,
        shuffle: bool = False, seed: Optional[int] = None, trainee: Optional[str] = None, sheet: bool = False,
        lang: str = "en", out: Callable[..., None], warn: Callable[[str], None],
        ask: Optional[Callable[[str], str]] = None) -> int:
    """The whole `creval exercise` command; returns the exit status. ExerciseError: exit 2."""
    started = _now()
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise ExerciseError([t("exercise.error.seed", lang, max=MAX_SEED - 1)])
    if shuffle and seed is None:
        seed = random.SystemRandom().randrange(MAX_SEED)
    cards = shuffled(load_pack(book, paths, lang), seed if (shuffle or seed is not None) else None)
    if sheet:
        out(blank_sheet(cards, paths, lang))
        return 0
    existing = check_record(record, lang) if record else None
    if answers_file is not None:
        sheets = read_sheets(answers_file, cards, lang)
        graded = []
        for s in sheets:
            answers = [grade(q, s.answers.get((q.scenario, q.test))) for q in questions_of(cards)]
            graded.append((s.trainee, answers, True))
            out(show_score(s.trainee, answers, lang))
        out(show_class(cards, [(n, a) for n, a, _ in graded], lang))
        mode = "sheet"
    else:
        if seed is not None:
            out(t("exercise.seed", lang, seed=seed))
        out(t("exercise.intro", lang, scenarios=len(cards), questions=len(questions_of(cards))))
        answers, complete = ask_all(cards, book, lang, out, ask or (lambda p: read_line(p, out)))
        if not complete:
            out(t("exercise.eof", lang))
        out(show_score(trainee, answers, lang, complete, len(questions_of(cards))))
        graded = [(trainee, answers, complete)]
        mode = "prompt"
    asked = {(a.scenario, a.test) for _, answers, _ in graded for a in answers}
    for q in questions_of(cards):
        if q.key_disagrees and (mode == "sheet" or (q.scenario, q.test) in asked):
            warn(t("exercise.warn.key", lang, scenario=q.scenario, test=q.test, answer_key=q.key, outcome=q.engine))
    if record is not None and existing is not None:
        write_record(record, existing, session_record(
            book, cards, paths, mode, seed, started, lang, graded, str(answers_file) if answers_file else None))
        out(t("exercise.recorded", lang, file=str(record)))
    return 0
