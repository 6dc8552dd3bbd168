"""The facts of a case in words, and the facts still needed as questions.

A caseworker files a memo that restates what was given: each fact by its title in the rule
file, its value readable in the chosen language (dates ISO, yes/no, enumerated values and
states by name). A fact still missing is asked as the rule file's question, not named by
its code.
"""

from __future__ import annotations

from typing import Any

from creval.render import words

__all__ = ["given", "in_words", "question", "rows", "specs"]


def given(scenario: Any, unknown: bool = False) -> dict[str, dict[str, Any]]:
    """The facts the scenario itself states, by matter (defaults filled in left out). A memo
    leaves out the facts stated as unknown too (they are its questions); an exercise shows
    them (`unknown`), as a trainee must reason with them."""
    out: dict[str, dict[str, Any]] = {}
    for matter in sorted(scenario.facts.model_fields_set):
        stated = getattr(scenario.facts, matter)
        values = {}
        for name in stated.model_fields_set:
            value = getattr(stated, name)
            if value is not None or unknown:
                values[name] = value.model_dump() if hasattr(value, "model_dump") else value
        out[matter] = values
    return out


def specs(book: Any, matter: str) -> dict[str, Any]:
    """The facts of a matter as its rule files declare them, in the rule files' order (a fact
    two tests share, as the first declares it)."""
    out: dict[str, Any] = {}
    for test in book.matters.get(matter, []):
        for name, spec in test.rule.facts.items():
            out.setdefault(name, spec)
    return out


def rows(book: Any, matter: str, values: dict[str, Any], lang: str) -> list[tuple[str, str, str]]:
    """(fact code, title, value in words) of each fact of `values`, in the rule file's order:
    what every list of facts shows (the memo, the exercise and its handout, a twin's story,
    the classroom)."""
    declared = specs(book, matter)
    order = list(declared)
    out = []
    for name in sorted(values, key=lambda n: order.index(n) if n in order else len(order)):
        spec = declared.get(name)
        title = spec.title.get(lang) if spec is not None else name
        out.append((name, title, words.fact(name, values[name], lang, spec)))
    return out


def in_words(book: Any, facts: dict[str, dict[str, Any]], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(matter heading, [(fact title, value shown)])], facts in the rule file's order."""
    out = []
    for matter, values in facts.items():
        heading = "; ".join(test.rule.title.get(lang) for test in book.matters.get(matter, [])) or matter
        out.append((heading, [(words.capitalized(title), shown) for _, title, shown in rows(book, matter, values, lang)]))
    return out


def question(book: Any, test_id: str, fact: str, lang: str) -> str:
    """The rule file's question for a missing fact; its title, then its code, when it has none."""
    test = book.tests.get(test_id)
    spec = test.rule.facts.get(fact) if test is not None else None
    if spec is None:
        return fact
    if spec.question is not None:
        return spec.question.get(lang)
    return words.capitalized(spec.title.get(lang)) + "?"
