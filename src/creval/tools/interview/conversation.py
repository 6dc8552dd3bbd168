"""The interview as a conversation: questions, `back`, and a review before the result.

Questions come one at a time until no answer could change any test's outcome. `back` (назад,
артқа, <) takes the last answer back and asks that question again. Then every answer is
listed, numbered: Enter (or the end of input) accepts them; a number asks that question
again, after which any question the new answer makes worth asking is asked, and the review
comes again.
"""

from __future__ import annotations

from typing import Callable

from creval.input.forgiving import words
from creval.render.i18n import t
from creval.tools.interview.case import CaseInterview, Key

__all__ = ["EndOfInput", "Say", "converse"]

Say = Callable[[str, bool], None]


class EndOfInput(Exception):
    """The end of standard input: the facts not given stay unknown."""


def converse(case: CaseInterview, read_line: Callable[[], str], say: Say, echo_answers: bool = False) -> int:
    """The whole interview; the number of answers given in it.

    `read_line` returns a line with its newline, or "" at the end of input; `say(text,
    newline)` writes to the user (standard error: standard output is for the result)."""
    lang = case.lang
    tests = case.tests
    say(t("ask.intro", lang, test=", ".join(test.id for test in tests),
          title="; ".join(test.rule.title.get(lang) for test in tests), as_of=case.as_of.isoformat()), True)
    say(t("ask.instructions", lang), True)
    say(t("ask.instructions.back", lang), True)
    if any(case.answers.values()):
        say(t("ask.resumed", lang, n=sum(len(facts) for facts in case.answers.values())), True)

    def read() -> str:
        line = read_line()
        if line == "":
            raise EndOfInput
        answer = line.rstrip("\r\n")
        if echo_answers:
            say(answer, True)
        return answer

    try:
        _questions(case, read, say)
        while _review(case, read, say):
            _questions(case, read, say)
    except EndOfInput:
        say("", True)
        say(t("ask.eof", lang), True)
    return len(case.history)


def _is(word: str, key: str) -> bool:
    return " ".join(word.split()).casefold() in words(key)


def _questions(case: CaseInterview, read: Callable[[], str], say: Say, again: Key | None = None) -> None:
    """Ask until no answer could change an outcome; `again`: a question to ask first."""
    lang = case.lang
    section = None
    while True:
        if again is not None:
            key, again = again, None
            test = None
        else:
            found = case.next_question()
            if found is None:
                return
            test, key = found
        if test is not None and len(case.tests) > 1 and test.id != section:
            section = test.id  # several tests: say which one the questions are for
            say("", True)
            say(t("ask.section", lang, test=test.id, title=test.rule.title.get(lang)), True)
        back = _ask(case, key, read, say, len(case.history) + 1, remember=True)
        if back:
            again = case.back()
            if again is None:
                say(t("ask.back.none", lang), True)
                again = key


def _ask(case: CaseInterview, key: Key, read: Callable[[], str], say: Say, number: int, remember: bool) -> bool:
    """Put one question until it gets an accepted answer; True when the answer was `back`."""
    lang = case.lang
    question = case.question(key)
    while True:
        say("", True)
        say(t("ask.question", lang, n=number, question=question.text), True)
        say(question.hint, True)
        say(t("ask.prompt", lang), False)
        answer = read()
        if _is(answer, "ask.words.back"):
            return True
        error = case.give(key, answer, remember=remember)
        if error is None:
            return False
        say(error.replace("\n", " "), True)


def _review(case: CaseInterview, read: Callable[[], str], say: Say) -> bool:
    """List every answer; True when one was changed (so more questions may follow)."""
    lang = case.lang
    answered = case.answered()
    if not answered:
        return False
    while True:
        say("", True)
        say(t("ask.review.title", lang), True)
        for n, (key, value) in enumerate(answered, 1):
            say(t("ask.review.line", lang, n=n, fact=case.label(key), value=case.shown(key, value)), True)
        say(t("ask.review.prompt", lang, count=len(answered)), True)
        say(t("ask.prompt", lang), False)
        try:
            answer = " ".join(read().split())
        except EndOfInput:
            return False  # the end of input accepts the answers as they are
        if answer == "" or _is(answer, "ask.words.done"):
            return False
        if _is(answer, "ask.words.back") and case.history:
            _questions(case, read, say, again=case.back())
            return True
        number, _, given = answer.partition(" ")
        if given and number.isdigit() and 1 <= int(number) <= len(answered):  # `3 unknown`: answer 3 changed at once
            error = case.give(answered[int(number) - 1][0], given, remember=False)
            if error is None:
                return True
            say(error.replace("\n", " "), True)
            continue
        if answer.isdigit() and 1 <= int(answer) <= len(answered):
            key = answered[int(answer) - 1][0]
            if not _ask(case, key, read, say, int(answer), remember=False):
                return True
            answered = case.answered()  # `back` while changing an answer: the review again
            continue
        say(t("ask.review.bad", lang, value=answer[:60], count=len(answered)), True)
