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

or a list of such mappings, one per trainee; an answer is an outcome code in any case, or the
number of the choice as the session shows it. Every readable sheet is graded; a sheet with a
mistake is named by its trainee and set aside. `creval exercise PACK --sheet` prints a blank
sheet for a pack, `--handout` a printable page per scenario with an answer grid, and `--csv`
the class's answers as a spreadsheet (trainee by question). Results are added to a JSON record file (`--record`) that the trainer keeps:
each run appends one session, with every answer and the scores per test and per trainee.
Sessions that end at the same time take turns (a lock file beside the record), and each adds
its session to the record as it then is, so none is lost.
"""

from __future__ import annotations

import fcntl
import json
import os
import random
import stat
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from creval import __version__
from creval.app.evaluation import evaluate_paths
from creval.core.yamlsafe import read_regular
from creval.engine.evaluate import ScenarioResult, TestResult
from creval.input.loader import InputError, Refused, StopOnInput, line_of, read_document
from creval.input.scenario import in_language
from creval.law.rulebook import RuleBook
from creval.render.explain import explain
from creval.render.i18n import outcome_shown, t
from creval.render.report import as_text
import creval.tools.exercise.gradebook as gradebook
from creval.tools.exercise.handout import facts_shown, handout as handout_page

__all__ = [
    "Answer", "BadSheet", "Card", "ExerciseError", "Interrupted", "MAX_RECORD_BYTES", "MAX_SEED", "Question",
    "RECORD_FORMAT", "RECORD_LOCK_WAIT", "RECORD_VERSION", "Sheet", "WIDTH", "add_session", "ask_all",
    "blank_sheet", "check_record", "grade", "load_pack", "parse_choice", "questions_of",
    "read_line", "read_sheets", "run", "score", "session_record", "show_class", "show_feedback", "show_question",
    "show_scenario", "show_score", "shuffled", "wrong_choices"
]

RECORD_FORMAT = "creval-exercise-record"
RECORD_VERSION = 1
MAX_SEED = 2**32
WIDTH = 100  # narrative lines are wrapped to this width
MAX_RECORD_BYTES = 64_000_000  # a results file; each session adds a few KB per trainee
RECORD_LOCK_WAIT = 60.0  # seconds a session waits while another adds its own to the record


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
    cards, errors = [], []
    for evaluated in evaluate_paths(book, paths):
        errors.extend(evaluated.lines(lang))
        if evaluated.errors:
            continue
        result = explain(evaluated.result, lang)
        questions = [
            Question(
                result.scenario, r.test, r.title, list(book.tests[r.test].rule.outcomes), r.outcome,
                result.expected.get(r.test), r,
            )
            for r in result.results
        ]
        cards.append(Card(evaluated.scenario, evaluated.file, result, questions))
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
    """A choice by its number (1..N) or by its outcome code in any case; None if neither."""
    text = text.strip()
    if text.isdigit():
        return choices[int(text) - 1] if 1 <= int(text) <= len(choices) else None
    return next((c for c in choices if c.lower() == text.lower()), None)


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


def show_scenario(card: Card, number: int, count: int, book: RuleBook, lang: str) -> str:
    scenario = card.scenario
    lines = ["", t("exercise.scenario.heading", lang, n=number, count=count, title=in_language(scenario.title, lang)).rstrip(" :")]
    lines.append(t("exercise.scenario.as_of", lang, date=card.result.as_of))
    if scenario.narrative:
        story = in_language(scenario.narrative, lang)
        lines.append("")
        lines += [textwrap.fill(line, WIDTH) if line.strip() else "" for line in story.rstrip().splitlines()]
    lines += ["", t("exercise.scenario.facts", lang)]
    for matter, facts in facts_shown(card, book, lang):
        lines.append(f"  {matter}")
        lines += [f"    {name} ({title}): {value}" for name, title, value in facts]
    return "\n".join(lines)


def show_question(question: Question, number: int, count: int, lang: str, book: Optional[RuleBook] = None) -> str:
    """The question and its numbered choices: each outcome as the handout and the answers name
    it (in ru/kk its words after the code, the rule file's own when `book` has the test)."""
    test = book.tests.get(question.test) if book is not None else None
    lines = ["", t("exercise.question", lang, n=number, count=count, test=question.test, title=question.title)]
    lines += [f"  {i}. {outcome_shown(choice, lang, test)}" for i, choice in enumerate(question.choices, 1)]
    return "\n".join(lines)


def show_feedback(question: Question, card: Card, answer: Answer, lang: str, book: Optional[RuleBook] = None) -> str:
    test = book.tests.get(question.test) if book is not None else None

    def named(outcome: Optional[str]) -> str:
        return outcome_shown(outcome, lang, test) if outcome else str(outcome)

    if answer.correct:
        lines = [t("exercise.right", lang, outcome=named(question.engine))]
    else:
        lines = [t("exercise.wrong", lang, answer=named(answer.answer), outcome=named(question.engine))]
    lines.append(t("exercise.engine_outcome", lang, outcome=named(question.engine)))
    if question.key_disagrees:
        lines.append(t("exercise.key_disagrees", lang, answer_key=named(question.key), outcome=named(question.engine)))
    one = replace(card.result, results=[question.result], mismatches=[m for m in card.result.mismatches if m == question.test])
    lines += ["", as_text(one)]
    return "\n".join(lines)


def _named(book: Optional[RuleBook], test: str, outcome: Optional[str], lang: str) -> Optional[str]:
    """An outcome as the choices show it (in ru/kk the rule file's own word after the code)."""
    return outcome_shown(outcome, lang, book.tests.get(test) if book is not None else None) if outcome else outcome


def show_score(trainee: Optional[str], answers: list[Answer], lang: str, complete: bool = True,
               pack_questions: Optional[int] = None, book: Optional[RuleBook] = None) -> str:
    s = score(answers)
    total = s["total"]
    heading = t("exercise.score.heading_named", lang, trainee=trainee) if trainee else t("exercise.score.heading", lang)
    lines = ["", heading]
    for a in answers:
        if a.answer is None:
            lines.append("  " + t("exercise.score.unanswered", lang, scenario=a.scenario, test=a.test,
                                  outcome=_named(book, a.test, a.engine, lang)))
        elif a.correct:
            lines.append("  " + t("exercise.score.right", lang, scenario=a.scenario, test=a.test,
                                  answer=_named(book, a.test, a.answer, lang)))
        else:
            lines.append("  " + t("exercise.score.wrong", lang, scenario=a.scenario, test=a.test,
                                  answer=_named(book, a.test, a.answer, lang), outcome=_named(book, a.test, a.engine, lang)))
    lines.append(t("exercise.score.by_test", lang))
    for test, tally in s["by_test"].items():
        lines.append("  " + t("exercise.score.test_line", lang, test=test, right=tally["right"], count=tally["questions"],
                               percent=_percent(tally["right"], tally["questions"])))
    if not complete:
        lines.append(t("exercise.stopped", lang, answered=total["answered"], count=pack_questions or total["questions"]))
    lines.append(t("exercise.score.total", lang, right=total["right"], count=total["questions"],
                   percent=_percent(total["right"], total["questions"])))
    return "\n".join(lines)


def show_class(cards: list[Card], graded: list[tuple[Optional[str], list[Answer]]], lang: str,
               book: Optional[RuleBook] = None) -> str:
    """The class per question: how many got it right, and what the engine says."""
    lines = ["", t("exercise.class.heading", lang, trainees=len(graded))]
    for q in questions_of(cards):
        right = sum(1 for _, answers in graded for a in answers if a.scenario == q.scenario and a.test == q.test and a.correct)
        lines.append("  " + t("exercise.class.question", lang, scenario=q.scenario, test=q.test, right=right,
                               count=len(graded), outcome=_named(book, q.test, q.engine, lang)))
        wrong = wrong_choices(q, graded)
        if wrong:
            chosen = ", ".join(t("exercise.class.chosen", lang, outcome=_named(book, q.test, o, lang), n=n) for o, n in wrong)
            lines.append("      " + t("exercise.class.wrong", lang, chosen=chosen))
        lines += textwrap.wrap(q.result.explanation, WIDTH, initial_indent="      ", subsequent_indent="      ")
    everyone = [a for _, answers in graded for a in answers]
    lines.append(t("exercise.score.by_test", lang))
    for test, tally in score(everyone)["by_test"].items():
        lines.append("  " + t("exercise.score.test_line", lang, test=test, right=tally["right"], count=tally["questions"],
                               percent=_percent(tally["right"], tally["questions"])))
    return "\n".join(lines)


def wrong_choices(question: Question, graded: list[tuple[Optional[str], list[Answer]]]) -> list[tuple[str, int]]:
    """The wrong answers given to `question`, each with how many chose it, most chosen first
    (ties in the order of the choices)."""
    counts: dict[str, int] = {}
    for _, answers in graded:
        for a in answers:
            if a.scenario == question.scenario and a.test == question.test and a.answer is not None and not a.correct:
                counts[a.answer] = counts.get(a.answer, 0) + 1
    order = {c: i for i, c in enumerate(question.choices)}
    return sorted(counts.items(), key=lambda item: (-item[1], order.get(item[0], len(order))))


def blank_sheet(cards: list[Card], paths: list[str], lang: str) -> str:
    """A YAML answer sheet for the pack: the trainee fills in one outcome code per test."""
    lines = [f"# {t('exercise.sheet.comment_numbers', lang, pack=', '.join(paths))}", "trainee: ", "answers:"]
    for card in cards:
        lines.append(f"  {card.id}:" + (f"  # {in_language(card.scenario.title, lang)}" if card.scenario.title else ""))
        for q in card.questions:
            lines.append(f"    {q.test}:   # {' | '.join(f'{i} {c}' for i, c in enumerate(q.choices, 1))}")
    return "\n".join(lines)


# ---------------------------------------------------------------- answer sheets


@dataclass
class BadSheet:
    """An answer sheet that is not graded: whose it is, and why (file, line, field each)."""
    label: str
    errors: list[str]


def read_sheets(path: Path, cards: list[Card], lang: str = "en") -> tuple[list[Sheet], list[BadSheet]]:
    """Answer sheets from a YAML or JSON file: one mapping, or a list of them.

    A file that cannot be read at all stops the grading; a sheet with a mistake in it is
    set aside, named by its trainee, and every other sheet is graded. An answer is an
    outcome code in any case (`Return-Forthwith`) or the number of the choice as shown."""
    name = str(path)
    try:
        if not path.is_file():
            raise ExerciseError([str(InputError(name, t("exercise.error.no_file", lang)))])
        doc = read_document(path)
    except Refused as exc:
        raise ExerciseError([str(InputError(name, str(exc), exc.line, exc.field))]) from None
    except OSError as exc:
        raise ExerciseError([str(InputError(name, exc.strerror or str(exc)))]) from None
    known: dict[str, dict[str, list[str]]] = {}
    for q in questions_of(cards):
        known.setdefault(q.scenario, {})[q.test] = q.choices
    docs = doc if isinstance(doc, list) else [doc]
    many = isinstance(doc, list)
    if many and not docs:
        raise ExerciseError([str(InputError(name, t("exercise.error.sheet_empty", lang)))])
    sheets: list[Sheet] = []
    bad: list[BadSheet] = []
    seen: set[str] = set()
    for i, entry in enumerate(docs):
        at = (i,) if many else ()
        errors: list[str] = []

        def error(loc: tuple, message: str) -> None:
            # the field within the sheet: the sheet itself is named by its 1-based number above
            # the lines ("sheet 2"), not by the list's 0-based index
            inside = loc[1:] if many else loc
            errors.append(str(InputError(name, message, line_of(doc, loc), ".".join(map(str, inside)) or None)))

        if not isinstance(entry, dict):
            error(at, t("exercise.error.sheet_mapping", lang))
            bad.append(BadSheet(t("exercise.sheet.unnamed", lang, n=i + 1), errors))
            continue
        for extra in [k for k in entry if k not in ("trainee", "answers")]:
            error(at + (extra,), t("exercise.error.sheet_field", lang, field=extra))
        trainee = entry.get("trainee")
        if isinstance(trainee, (int, float)) and not isinstance(trainee, bool):
            trainee = str(trainee)
        if not isinstance(trainee, str) or not trainee.strip():
            error(at + ("trainee",), t("exercise.error.trainee", lang))
            trainee = None
        else:
            trainee = trainee.strip()
            if trainee in seen:
                error(at + ("trainee",), t("exercise.error.trainee_again", lang, trainee=trainee))
            seen.add(trainee)
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
                choices = known[sid][tid]
                chosen = None
                if outcome is not None:
                    readable = isinstance(outcome, (str, int)) and not isinstance(outcome, bool)
                    chosen = parse_choice(str(outcome), choices) if readable else None
                    if chosen is None:
                        error(loc + (tid,), t("exercise.error.bad_answer", lang, answer=outcome, count=len(choices),
                                              outcomes=", ".join(choices)))
                        continue
                sheet.answers[(sid, tid)] = chosen
        if errors:
            label = trainee or t("exercise.sheet.unnamed", lang, n=i + 1)
            bad.append(BadSheet(label, errors))
        else:
            sheets.append(sheet)
    return sheets, bad


# ---------------------------------------------------------------- the record


def check_record(path: Path, lang: str = "en") -> dict:
    """The record file to add to (a new one if it does not exist); refused before the
    session starts if it exists and is not a creval exercise record. It is read again,
    under the lock, when the session is added (add_session)."""
    try:
        raw = read_regular(path, MAX_RECORD_BYTES, follow=True)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise ExerciseError([str(InputError(str(path), t("exercise.error.record_folder", lang)))]) from None
        return {"format": RECORD_FORMAT, "version": RECORD_VERSION, "sessions": []}
    except OSError:
        raw = None
    if raw is not None and len(raw) > MAX_RECORD_BYTES:
        raise ExerciseError([str(InputError(str(path), t("exercise.error.record_too_big", lang,
                                                         limit=f"{MAX_RECORD_BYTES:,}")))])
    try:
        data = json.loads(raw) if raw is not None else None
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if not (isinstance(data, dict) and data.get("format") == RECORD_FORMAT and isinstance(data.get("sessions"), list)):
        raise ExerciseError([str(InputError(str(path), t("exercise.error.not_record", lang)))])
    return data


def add_session(path: Path, session: dict, lang: str = "en") -> None:
    """Add one session to the record: under the record's lock, read it again, append, and
    replace it, so a session another trainee added meanwhile is kept. When that fails (the
    lock not had within RECORD_LOCK_WAIT seconds, the file no longer a record, a full disk,
    Ctrl-C while waiting), the session is saved in a file of its own beside the record and
    ExerciseError says where: a recorded answer is never dropped."""
    try:
        with _record_lock(path, lang):
            record = check_record(path, lang)
            record["sessions"].append(session)
            _replace(path, json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    except KeyboardInterrupt:
        sys.stderr.write(f"creval: {_save_aside(path, session, t('exercise.error.interrupted', lang), lang)}\n")
        raise
    except ExerciseError as exc:
        raise ExerciseError([_save_aside(path, session, exc.lines[0].removeprefix(f"{path}: "), lang)]) from None
    except OSError as exc:
        raise ExerciseError([_save_aside(path, session, exc.strerror or str(exc), lang)]) from None


@contextmanager
def _record_lock(path: Path, lang: str) -> Iterator[None]:
    """An exclusive flock on `<record>.lock` beside the record. The lock file stays: removing
    it would let a third session lock a new file while a second still holds the old one."""
    lock = path.with_name(path.name + ".lock")
    fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOFOLLOW", 0), 0o666)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ExerciseError([str(InputError(str(lock), t("exercise.error.lock_not_file", lang)))])
        deadline = time.monotonic() + RECORD_LOCK_WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise ExerciseError([str(InputError(str(path), t("exercise.error.record_locked", lang, lock=str(lock),
                                                                       seconds=RECORD_LOCK_WAIT)))]) from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _replace(path: Path, text: str) -> None:
    """Write a new file beside `path`, then move it in place: a reader sees the old record
    or the new one, never half of one. The record keeps its permissions."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            try:
                os.fchmod(handle.fileno(), stat.S_IMODE(os.stat(path).st_mode))
            except FileNotFoundError:
                pass
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone already once replaced


def _save_aside(path: Path, session: dict, reason: str, lang: str) -> str:
    """The session as a record of its own, in a new file beside `path` (or, if that cannot be
    written either, as JSON on standard output); the line that says where."""
    record = {"format": RECORD_FORMAT, "version": RECORD_VERSION, "sessions": [session]}
    text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.{stamp}-{os.getpid()}.session.json")
    try:
        with open(aside, "x", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        sys.stdout.write(text)
        sys.stdout.flush()
        return str(InputError(str(path), t("exercise.error.record_stdout", lang, reason=reason,
                                           aside_reason=exc.strerror or str(exc))))
    return str(InputError(str(path), t("exercise.error.record_aside", lang, reason=reason, aside=str(aside))))


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


class Interrupted(Exception):
    """Ctrl-C at a prompt: the session ends as at the end of input, and is still recorded."""


def ask_all(cards: list[Card], book: RuleBook, lang: str, out: Callable[..., None],
            ask: Callable[[str], str]) -> tuple[list[Answer], bool | Interrupted]:
    """Ask every question in turn; an invalid choice asks again, EOF ends the session, and so
    does Ctrl-C at a prompt (complete is then an Interrupted, so the caller exits 130)."""
    answers: list[Answer] = []
    count = len(questions_of(cards))
    number = 0
    for n, card in enumerate(cards, 1):
        out(show_scenario(card, n, len(cards), book, lang))
        for question in card.questions:
            number += 1
            out(show_question(question, number, count, lang, book))
            while True:
                try:
                    text = ask(t("exercise.prompt", lang, count=len(question.choices)))
                except EOFError:
                    return answers, False
                except KeyboardInterrupt:
                    out("")
                    return answers, Interrupted()
                choice = parse_choice(text, question.choices)
                if choice is not None:
                    break
                out(t("exercise.invalid", lang, count=len(question.choices)))
            answer = grade(question, choice)
            answers.append(answer)
            out(show_feedback(question, card, answer, lang, book))
    return answers, True


def run(book: RuleBook, paths: list[str], *, answers_file: Optional[Path] = None, record: Optional[Path] = None,
        shuffle: bool = False, seed: Optional[int] = None, trainee: Optional[str] = None, sheet: bool = False,
        handout: bool = False, csv_file: Optional[Path] = None,
        lang: str = "en", out: Callable[..., None], warn: Callable[[str], None],
        ask: Optional[Callable[[str], str]] = None) -> int:
    """The whole `creval exercise` command; returns the exit status. ExerciseError: exit 2."""
    started = _now()
    if seed is not None and not 0 <= seed < MAX_SEED:
        raise ExerciseError([t("exercise.error.seed", lang, max=MAX_SEED - 1)])
    if csv_file is not None and answers_file is None and record is None:
        raise ExerciseError([t("exercise.error.csv_source", lang)])
    if shuffle and seed is None:
        seed = random.SystemRandom().randrange(MAX_SEED)
    cards = shuffled(load_pack(book, paths, lang), seed if (shuffle or seed is not None) else None)
    if sheet:
        out(blank_sheet(cards, paths, lang))
        return 0
    if handout:
        out(handout_page(cards, paths, book, lang))
        return 0
    existing = check_record(record, lang) if record else None
    if csv_file is not None and answers_file is None:
        # the class so far, from the results file: no session
        if not record.exists():
            raise ExerciseError([str(InputError(str(record), t("exercise.error.no_record", lang)))])
        _write_csv(csv_file, gradebook.as_csv(questions_of(cards), gradebook.rows_of_record(existing), lang), lang)
        out(t("exercise.csv.written", lang, file=str(csv_file), rows=len(gradebook.rows_of_record(existing))))
        return 0
    status = 0
    interrupted = False
    if answers_file is not None:
        sheets, bad = read_sheets(answers_file, cards, lang)
        for b in bad:
            warn(t("exercise.sheet.not_graded", lang, trainee=b.label))
            for line in b.errors:
                warn(f"  {line}")
        graded = []
        for s in sheets:
            answers = [grade(q, s.answers.get((q.scenario, q.test))) for q in questions_of(cards)]
            graded.append((s.trainee, answers, True))
            out(show_score(s.trainee, answers, lang, book=book))
        if graded:
            out(show_class(cards, [(n, a) for n, a, _ in graded], lang, book))
        if bad:
            warn(t("exercise.sheet.not_graded_count", lang, bad=len(bad), count=len(bad) + len(sheets),
                   trainees=", ".join(b.label for b in bad)))
            status = 2
        mode = "sheet"
    else:
        if seed is not None:
            out(t("exercise.seed", lang, seed=seed))
        out(t("exercise.intro", lang, scenarios=len(cards), questions=len(questions_of(cards))))
        answers, complete = ask_all(cards, book, lang, out, ask or (lambda p: read_line(p, out)))
        if isinstance(complete, Interrupted):
            interrupted, complete = True, False
            out(t("exercise.interrupted", lang))
        elif not complete:
            out(t("exercise.eof", lang))
        out(show_score(trainee, answers, lang, complete, len(questions_of(cards)), book))
        graded = [(trainee, answers, complete)]
        mode = "prompt"
    asked = {(a.scenario, a.test) for _, answers, _ in graded for a in answers}
    for q in questions_of(cards):
        if q.key_disagrees and (mode == "sheet" or (q.scenario, q.test) in asked):
            warn(t("exercise.warn.key", lang, scenario=q.scenario, test=q.test, answer_key=q.key, outcome=q.engine))
    if record is not None and existing is not None and graded:
        add_session(record, session_record(
            book, cards, paths, mode, seed, started, lang, graded, str(answers_file) if answers_file else None), lang)
        out(t("exercise.recorded", lang, file=str(record)))
    if csv_file is not None:
        rows = [gradebook.Row(name, started, {(a.scenario, a.test): a.answer for a in answers})
                for name, answers, _ in graded]
        _write_csv(csv_file, gradebook.as_csv(questions_of(cards), rows, lang), lang)
        out(t("exercise.csv.written", lang, file=str(csv_file), rows=len(rows)))
    return 130 if interrupted else status


def _write_csv(path: Path, text: str, lang: str) -> None:
    try:
        # utf-8-sig: spreadsheet programs then read Cyrillic names right
        path.write_text(text, encoding="utf-8-sig")
    except OSError as exc:
        raise ExerciseError([str(InputError(str(path), exc.strerror or str(exc)))]) from None
