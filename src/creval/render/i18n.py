"""Outcome names and value words as texts show them, in English, Russian and Kazakh.

The catalogue itself (`t`, `tr`, `messages`, `Msg`) lives in core/text.py: it is the base every
layer raises messages with. This module adds what only rendering needs.
"""

from __future__ import annotations


from typing import Any

from creval.core.text import LANGUAGES, Msg, State, country_name, messages, placeholder_parts, placeholders, shown, t, tr

__all__ = [
    "LANGUAGES", "Msg", "State", "country_name", "messages", "outcome_label", "outcome_shown", "placeholder_parts",
    "placeholders", "shown", "t", "tr",
]


def outcome_label(test_id: str, outcome: str, lang: str = "en", test: Any = None) -> str:
    """A readable name for an outcome code (the code itself stays in JSON): the test's own
    (its rule file's `outcome_words`) when `test` is given and has one, else the shared
    catalogue's `outcome.<code>`, else the code."""
    own = test.outcome_word(outcome, lang) if test is not None else None
    if own is not None:
        return own
    key = f"outcome.{outcome}"
    return t(key, lang) if key in messages() else outcome


def outcome_shown(outcome: str, lang: str = "en", test: Any = None) -> str:
    """An outcome code as text output shows it: the bare code in English, `code (label)` in
    Russian and Kazakh (JSON keeps the bare code in every language). `test` (a rule book's
    test) gives its own words for its outcomes."""
    if lang == "en":
        return outcome
    label = outcome_label("", outcome, lang, test)
    return outcome if label == outcome else f"{outcome} ({label})"
