"""A test's texts filled in from a decision's values, in one language.

(To move to render/explain.py: the engine should not write text.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from creval.core import grammar
from creval.core.text import country_name, messages, placeholder_parts, t, tr
from creval.law.derive import Derived
from creval.law.rulebook import Test

__all__ = ["Texts", "condition_shown", "fact_words", "fill", "filled", "shown", "template_values", "when_shown"]


_WORDS: dict[str, dict[Any, str]] = {}  # lang -> the words for unknown, none, true, false


def _words(lang: str) -> dict[Any, str]:
    words = _WORDS.get(lang)
    if words is None:
        words = _WORDS[lang] = {w: t(f"value.{w}", lang) for w in ("unknown", "none", "true", "false")}
    return words


def shown(value: Any, lang: str = "en", enum: str | None = None, state: bool = False, form: str = "") -> str:
    """A value as a rule text shows it: ISO dates, words for unknown/none/true/false in `lang`,
    treaty notes and instrument names translated, enumerated codes named in ru/kk, state
    codes by the state's name (`state`)."""
    kind = type(value)
    if isinstance(value, grammar.DateSpan):
        return value.words(lang, form)
    if form and value is not None and not isinstance(value, list):  # {name:form}: core/grammar.py
        if enum is not None and lang != "en":
            return grammar.inflect_text(shown(value, lang, enum), lang, form)
        return grammar.inflect(value, lang, form, tr, is_state=state, name=country_name)
    if state and kind is str:
        return country_name(value, lang)
    if kind is str and (enum is None or lang == "en"):  # the common case: a plain text
        return value
    if kind is date:
        return value.isoformat() if lang == "en" else grammar.date_words(value, lang)
    if value is None:
        return _words(lang)["unknown"]
    if value is True or value is False:
        return _words(lang)["true" if value else "false"]
    if isinstance(value, date):
        return value.isoformat() if lang == "en" else grammar.date_words(value, lang)
    if isinstance(value, list):
        return ", ".join(tr(v, lang) for v in value) if value else _words(lang)["none"]
    if enum is not None and lang != "en":
        return t(f"enum.{enum}.{value}", lang) if f"enum.{enum}.{value}" in messages() else str(value)
    return tr(value, lang)


def fill(template: str, values: dict[str, Any], lang: str = "en", enums: Any = ()) -> str:
    """Replace {name} placeholders; no format mini-language, so templates cannot reach objects.
    Values are shown in `lang`; `enums` names the placeholders that are enumerated facts, or
    maps them to "enum" or "state" (a test's `shown_as`)."""
    return filled(placeholder_parts(template), values, lang, enums)


def filled(parts: list[str], values: dict[str, Any], lang: str, enums: Any) -> str:
    """`fill` of a template already split by `placeholder_parts`."""
    if len(parts) == 1:
        return parts[0]
    out = parts[:]
    for i in range(1, len(parts), 2):
        name, _, form = parts[i].partition(":")
        kind = enums.get(name) if isinstance(enums, dict) else ("enum" if name in enums else None)
        value = values.get(name)
        if isinstance(kind, dict):  # the rule file's own words for this fact's values (Test.shown_as)
            words = kind.get(value) if isinstance(value, str) and lang != "en" else None  # English shows the code
            if words is None:
                out[i] = shown(value, lang, name, False, form)
            else:  # {name:form}: the word in that grammatical form
                out[i] = grammar.inflect_text(words.get(lang), lang, form) if form else words.get(lang)
        else:
            out[i] = shown(value, lang, name if kind == "enum" else None, kind == "state", form)
        if lang == "ru" and isinstance(value, grammar.DateSpan):  # «на в период …»: the span brings its own
            out[i - 1], out[i] = grammar.joined_span(out[i - 1], out[i])
    return grammar.joined(out)


@dataclass(frozen=True)
class Texts:
    """A test's texts in one language, split at their placeholders once: every result fills them."""
    criteria: list[tuple[str, dict[str, list[str]], str, str]]  # id, reason parts by status, cited sources, title
    key_dates: list[tuple[str, str, list[str]]]  # event, date field, text parts
    caveats: list[list[str]]
    notes: list[list[str]]
    explanations: list[list[str]]  # by line of the outcome table
    sources: list[str]
    title: str
    detail_titles: dict[str, str]
    sources_shown: list[str]
    treaty_notes: dict[str, list[str]]  # criterion -> derived values whose treaty note its reasons show

    @classmethod
    def of(cls, test: Test, lang: str) -> "Texts":
        rule = test.rule

        def parts(text) -> list[str]:
            return placeholder_parts(text.get(lang))

        return cls(
            criteria=[(cid, {status: parts(text) for status, text in crit.reason.items()},
                       "; ".join(rule.sources[s].cite() for s in crit.sources), crit.title.get(lang))
                      for cid, crit in rule.criteria.items()],
            key_dates=[(kd.event, kd.date, parts(kd.text)) for kd in rule.key_dates],
            caveats=[parts(c) for c in rule.caveats],
            notes=[parts(n) for n in rule.notes],
            explanations=[parts(row.text) for row in rule.outcome_table],
            sources=test.sources_cited(),
            title=rule.title.get(lang),
            detail_titles={rep.name: rep.title.get(lang) for rep in rule.report},
            sources_shown=[s.cite(lang) for s in rule.sources.values()],
            treaty_notes={cid: [name for name in rule.derived
                                if any(f"{{{name}_note}}" in text.en for text in crit.reason.values())]
                          for cid, crit in rule.criteria.items()},
        )


def template_values(test: Test, derived: Derived) -> dict[str, Any]:
    """The values a test's texts can name: its parameters, derived values, treaty notes and lists."""
    values = {**test.params, **derived.values}
    values.update({f"{k}_note": v for k, v in derived.notes.items()})
    values.update({f"{k}_list": v for k, v in derived.lists.items()})
    return values


def fact_words(test: Test, fact: str, lang: str) -> str:
    """A fact as a Russian or Kazakh sentence names it: its title, not its code."""
    spec = test.rule.facts.get(fact)
    return spec.title.get(lang) if spec is not None else fact


def when_shown(when_list: list[dict], lang: str, test: Test | None = None) -> str:
    """`removal_date 2024-06-01 to 2024-06-14` (one day: `removal_date 2024-06-15`), joined."""
    parts = []
    for w in when_list:
        fact = fact_words(test, w["fact"], lang) if lang != "en" and test is not None else w["fact"]  # ru/kk: its words
        if w["from"] == w["to"]:
            parts.append(t("ranged.when_day", lang, fact=fact, day=w["from"]))
        else:
            parts.append(t("ranged.when_range", lang, fact=fact, **{"from": w["from"], "to": w["to"]}))
    return "; ".join(parts)


def condition_shown(alt: dict, titles: dict[str, str], lang: str) -> str:
    """An alternative's `if` in words (`where <criterion> is <status>`); '' when it has none.
    `titles`: the criteria's titles in `lang`, by id."""
    conditions = alt.get("if") or []
    return "; ".join(t("ranged.if_criterion", lang, criterion=titles.get(c["criterion"], c["criterion"]),
                       status=t(f"status.{c['status']}", lang)) for c in conditions)
