"""The facts of a case in words, and the facts still needed as questions.

A caseworker files a memo that restates what was given: each fact by its title in the rule
file, its value readable in the chosen language (dates ISO, yes/no, enumerated values and
states by name). A fact still missing is asked as the rule file's question, not named by
its code.
"""

from __future__ import annotations

from typing import Any

from creval.render import words

__all__ = ["given", "in_words", "question"]


def given(scenario: Any) -> dict[str, dict[str, Any]]:
    """The facts the scenario itself states, by matter (defaults filled in and unknown
    facts left out: they are assumptions or questions, not facts as given)."""
    out: dict[str, dict[str, Any]] = {}
    for matter in sorted(scenario.facts.model_fields_set):
        stated = getattr(scenario.facts, matter)
        values = {}
        for name in stated.model_fields_set:
            value = getattr(stated, name)
            if value is not None:
                values[name] = value.model_dump() if hasattr(value, "model_dump") else value
        out[matter] = values
    return out


def _spec(book: Any, matter: str, name: str) -> Any:
    for test in book.matters.get(matter, []):
        if name in test.rule.facts:
            return test.rule.facts[name]
    return None


def in_words(book: Any, facts: dict[str, dict[str, Any]], lang: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(matter heading, [(fact title, value shown)])], facts in the rule file's order."""
    out = []
    for matter, values in facts.items():
        tests = book.matters.get(matter, [])
        heading = "; ".join(test.rule.title.get(lang) for test in tests) or matter
        order = [n for test in tests for n in test.rule.facts]
        rows = []
        for name in sorted(values, key=lambda n: order.index(n) if n in order else len(order)):
            spec = _spec(book, matter, name)
            title = spec.title.get(lang) if spec is not None else name
            rows.append((_capital(title), words.value(values[name], lang, spec.type if spec is not None else None, name, with_code=True, spec=spec)))
        out.append((heading, rows))
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def question(book: Any, test_id: str, fact: str, lang: str) -> str:
    """The rule file's question for a missing fact; its title, then its code, when it has none."""
    test = book.tests.get(test_id)
    spec = test.rule.facts.get(fact) if test is not None else None
    if spec is None:
        return fact
    if spec.question is not None:
        return spec.question.get(lang)
    return _capital(spec.title.get(lang)) + "?"
