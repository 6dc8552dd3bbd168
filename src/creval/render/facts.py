"""The facts of a case in words, and the facts still needed as questions.

A caseworker files a memo that restates what was given: each fact by its title in the rule
file, its value readable in the chosen language (dates ISO, yes/no, enumerated values and
states by name). A fact still missing is asked as the rule file's question, not named by
its code.
"""

from __future__ import annotations

import gettext
from datetime import date
from functools import lru_cache
from typing import Any

from creval.core.dates import FIRST_DATE, LAST_DATE, DateRange
from creval.render.i18n import messages, own_value_word, t

__all__ = ["given", "in_words", "question", "rough_date", "shown", "state_name"]


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
            rows.append((_capital(title), shown(values[name], spec.type if spec is not None else None, name, lang, spec)))
        out.append((heading, rows))
    return out


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def shown(value: Any, kind: str | None, name: str, lang: str, spec: Any = None) -> str:
    """One fact's value as a reader sees it in `lang` (`spec`: the fact's rule, for its own words)."""
    if value is True or value is False:
        return t("facts.yes" if value else "facts.no", lang)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, DateRange):
        return rough_date(value, lang)
    if kind == "state" and isinstance(value, str):
        return state_name(value, lang)
    own = own_value_word(spec, value, lang)
    if own is not None:
        return own
    if kind == "enum" or (isinstance(value, str) and f"enum.{name}.{value}" in messages()):
        key = f"enum.{name}.{value}"
        return t(key, lang) if key in messages() else str(value)
    if kind == "term" and isinstance(value, dict):
        return t("facts.term", lang, years=value.get("years", 0), months=value.get("months", 0), days=value.get("days", 0))
    return str(value)


def rough_date(value: DateRange, lang: str) -> str:
    """A date known only roughly, as a person says it: "some day in January 2026",
    «в январе 2026 г.»; an open end as "on or before"/"on or after" (the scenario limits
    stand for "no bound")."""
    if value.year is not None:
        return t("ranged.in_year", lang, year=value.year)
    if value.month is not None:
        year, month = value.month
        return t("ranged.in_month", lang, year=year, month=t(f"ranged.month_in.{month}", lang))
    if value.lo <= FIRST_DATE:
        return t("ranged.on_or_before", lang, to=value.hi.isoformat())
    if value.hi >= LAST_DATE:
        return t("ranged.on_or_after", lang, **{"from": value.lo.isoformat()})
    return t("ranged.between", lang, **{"from": value.lo.isoformat(), "to": value.hi.isoformat()})


@lru_cache(maxsize=512)
def state_name(code: str, lang: str = "en") -> str:
    """A state's name in `lang` with its code, e.g. `Российская Федерация (RU)`; the code
    alone when pycountry does not know it. Russian and Kazakh names come from the gettext
    catalogues pycountry ships (iso3166-1)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    name = getattr(country, "common_name", None) if lang == "en" else None
    name = name or country.name
    if lang != "en":
        try:
            name = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]).gettext(country.name)
        except OSError:  # no catalogue for this language: the English name
            pass
    return f"{name} ({code})"


def question(book: Any, test_id: str, fact: str, lang: str) -> str:
    """The rule file's question for a missing fact; its title, then its code, when it has none."""
    test = book.tests.get(test_id)
    spec = test.rule.facts.get(fact) if test is not None else None
    if spec is None:
        return fact
    if spec.question is not None:
        return spec.question.get(lang)
    return _capital(spec.title.get(lang)) + "?"
