"""Every value as a reader sees it, in English, Russian and Kazakh: the one value renderer.

A fact's value, a derived value in a rule text, a detail of a result, a field of the web
form, an exercise card, a twin's story: all are put into words here, so that a word (yes, a
state's name, a term, a rough date) reads the same everywhere and is fixed in one place.
`fact` is a given fact's value in every list of facts (the memo, the exercise and its handout,
a twin's story, the classroom, the interview's review). A list of facts is a table: its exact
dates stay ISO (YYYY-MM-DD) in every language. `in_text` is a value inside a rule's sentence
(render/explain.py): there a date is in words in Russian and Kazakh, and a template may name
the grammatical form it needs (core/grammar.py declines).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from creval.core.dates import FIRST_DATE, LAST_DATE, DateRange
from creval.core import grammar
from creval.core.grammar import capitalized  # noqa: F401  (exported: a line's first letter)
from creval.core.text import country_name, messages, state_in_text, t, tr

__all__ = [
    "TERM_PARTS", "capitalized", "date_range", "days_between", "enum_word", "fact", "in_text", "items", "state", "term",
    "unknown", "value", "yes_no",
]

TERM_PARTS = ("years", "months", "days")


def unknown(lang: str) -> str:
    return t("value.unknown", lang)


def yes_no(value: bool, lang: str) -> str:
    return t("value.yes" if value else "value.no", lang)


def date_range(value: DateRange, lang: str) -> str:
    """A date known only roughly, as a person says it: "some day in January 2026",
    «в январе 2026 г.»; an open end as "on or before"/"on or after" (the scenario limits
    stand for "no bound"); else "some day between 2024-06-01 and 2024-06-30"."""
    if value.year is not None:
        return t("ranged.in_year", lang, year=value.year)
    if value.month is not None:
        year, month = value.month
        return t("ranged.in_month", lang, year=year, month=t(f"ranged.month_in.{month}", lang))
    if value.lo <= FIRST_DATE:
        return t("ranged.on_or_before", lang, to=value.hi.isoformat())
    if value.hi >= LAST_DATE:
        return t("ranged.on_or_after", lang, **{"from": value.lo.isoformat()})
    return days_between(value.lo, value.hi, lang)


def days_between(lo: date, hi: date, lang: str) -> str:
    """A value known to fall on some day of a range: `some day between 2024-06-01 and 2024-06-30`."""
    return t("ranged.between", lang, **{"from": lo.isoformat(), "to": hi.isoformat()})


def state(code: str, lang: str, with_code: bool = False, in_text: bool = False) -> str:
    """A state by its name in `lang` (`Российская Федерация`); `with_code` adds the code, as
    the facts of a memo show it (`Российская Федерация (RU)`); `in_text`: as a sentence says
    it (`the Russian Federation`). An unknown code stays itself."""
    if in_text:
        return state_in_text(code, lang)
    name = country_name(code, lang)
    return f"{name} ({code})" if with_code and name != code else name


def term(value: dict, lang: str) -> str:
    """A term of years, months and days: `2 years, 0 months, 15 days`."""
    return t("value.term", lang, **{part: value.get(part, 0) for part in TERM_PARTS})


def enum_word(fact: str, code: str, lang: str, test: Any = None, spec: Any = None) -> str:
    """An enumerated fact's value by its word: the rule file's own (`value_words` of the fact's
    `spec`, or of its `test`), else the shared catalogue's (`enum.<fact>.<code>`), else the code."""
    own = (spec.value_words or {}).get(code) if spec is not None and getattr(spec, "value_words", None) else None
    if own is not None:
        return own.get(lang)
    own = test.value_word(fact, code, lang) if test is not None else None
    if own is not None:
        return own
    key = f"enum.{fact}.{code}"
    return t(key, lang) if key in messages() else code


def items(values: list, lang: str) -> str:
    """A list of values (treaty notes, instruments), joined; `none` when empty."""
    return ", ".join(tr(v, lang) for v in values) if values else t("value.none", lang)


def fact(name: str, given: Any, lang: str, spec: Any = None) -> str:
    """A given fact's value as every list of facts shows it: `spec` (the rule file's FactSpec)
    gives its type and its own value words; a state by its name and code, as it is typed
    («Российская Федерация (RU)»)."""
    return value(given, lang, None, name, with_code=True, spec=spec)


def value(value: Any, lang: str, kind: str | None = None, fact: str = "", with_code: bool = False, test: Any = None,
          spec: Any = None) -> str:
    """Any value in words. `kind` is the fact's type (state, enum, term, bool, date, int) when
    known, else the `spec`'s; `fact` names an enumerated fact, for its words (the rule's own,
    given its `test` or the fact's `spec`)."""
    if kind is None and spec is not None:
        kind = spec.type
    if value is None:
        return unknown(lang)
    if value is True or value is False:
        return yes_no(value, lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DateRange):
        return date_range(value, lang)
    if isinstance(value, list):
        return items(value, lang)
    if isinstance(value, str) and type(value) is str:
        if kind == "state":
            return state(value, lang, with_code)
        if fact:  # an enumerated value, or a word an int fact takes (a ban for `life`)
            return enum_word(fact, value, lang, test, spec)
        return value
    if isinstance(value, dict) and (kind == "term" or set(value) <= set(TERM_PARTS)):
        return term(value, lang)
    return tr(value, lang)  # a message, a rule text, a State: in `lang`


def in_text(given: Any, lang: str = "en", enum: str | None = None, is_state: bool = False, form: str = "") -> str:
    """A value inside a rule's sentence: ISO dates in English and in words in Russian and
    Kazakh, words for unknown, none, yes and no, treaty notes and instrument names translated,
    enumerated codes named in ru/kk (English rule texts are written around the codes), states
    by name (`is_state`); in the `form` a template names ({taken_to:in}: core/grammar.py)."""
    kind = type(given)
    if isinstance(given, grammar.DateSpan):
        return given.words(lang, form)
    if form and given is not None and not isinstance(given, list):
        if enum is not None and lang != "en":
            return grammar.inflect_text(in_text(given, lang, enum), lang, form)
        return grammar.inflect(given, lang, form, tr, is_state=is_state, name=country_name)
    if is_state and kind is str:
        return state(given, lang, in_text=True)
    if kind is str and (enum is None or lang == "en"):  # the common case: a plain text
        return given
    if isinstance(given, date):
        return given.isoformat() if lang == "en" else grammar.date_words(given, lang)
    if enum is not None and kind is str:
        return enum_word(enum, given, lang)
    return value(given, lang)
