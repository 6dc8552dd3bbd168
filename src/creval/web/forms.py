"""The case form: fields generated from a rule file's facts, and a scenario document from
what was typed. Nothing is checked here: the document goes through the CLI's loader, so a
wrong value gets the CLI's message, naming its field."""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, Optional

from creval.law.rulebook import Bound, Test
from creval.core.dates import FIRST_DATE, LAST_DATE
from creval.render import words

__all__ = ["Field", "TERM_PARTS", "as_yaml", "canonical", "fact_values", "fields", "scenario_doc"]

TERM_PARTS = ("years", "months", "days")
_INT = re.compile(r"-?\d{1,9}")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Field:
    name: str
    type: str  # date, state, bool, enum, int, term
    title: str
    question: str
    choices: list[tuple[str, str]] = field(default_factory=list)  # (code, label) for enum and bool
    low: Optional[int] = None
    high: Optional[int] = None
    value: Any = None  # the value shown: text, or a dict of term parts
    error: str = ""


def fields(test: Test, lang: str, values: Optional[dict] = None) -> list[Field]:
    """One field per fact of the test, in the rule file's order, filled with `values`."""
    return [fields_of_spec(name, spec, test, lang, (values or {}).get(name)) for name, spec in test.rule.facts.items()]


def fields_of_spec(name: str, spec, test: Test, lang: str, value: Any = None) -> Field:
    """The field of one fact (the case form's, and the interview's one question)."""
    f = Field(name, spec.type, spec.title.get(lang), spec.question.get(lang) if spec.question else spec.title.get(lang))
    if spec.type == "enum":
        f.choices = [(v, words.enum_word(name, v, lang, spec=spec)) for v in spec.values or []]
    elif spec.type == "bool":
        f.choices = [("true", words.yes_no(True, lang).capitalize()), ("false", words.yes_no(False, lang).capitalize())]
    for bound, attr in ((spec.min, "low"), (spec.max, "high")):
        setattr(f, attr, test.params[bound.param] if isinstance(bound, Bound) else bound)
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, dict) and set(value) <= {"from", "to"}:  # a date known roughly, as the form shows it
        value = rough_text(value)
    elif spec.type == "state" and isinstance(value, str) and len(value) == 2:
        value = words.state(value.upper(), lang, with_code=True)
    f.value = value
    return f


def rough_text(value: dict) -> str:
    """{from, to} as one would type it: 2010, 2024-06, before D, after D, or D..D."""
    lo, hi = value.get("from"), value.get("to")
    if lo and hi:
        a, b = date.fromisoformat(lo), date.fromisoformat(hi)
        if (a.month, a.day, b.month, b.day) == (1, 1, 12, 31) and a.year == b.year:
            return str(a.year)
        if a.day == 1 and b == date(a.year, a.month, calendar.monthrange(a.year, a.month)[1]):
            return a.strftime("%Y-%m")
        if lo <= FIRST_DATE.isoformat():
            return f"before {hi}"
        if hi >= LAST_DATE.isoformat():
            return f"after {lo}"
    if hi and not lo:
        return f"before {hi}"
    if lo and not hi:
        return f"after {lo}"
    return ""


# ---- states by name: the list the inputs offer, and the code from what was typed


@lru_cache(maxsize=4)
def state_choices(lang: str) -> list[str]:
    """Every state as `Name (XX)` in `lang`, sorted by name: the list a state's input offers."""
    import pycountry

    return sorted((words.state(c.alpha_2, lang, with_code=True) for c in pycountry.countries), key=str.casefold)


@lru_cache(maxsize=1)
def _codes_by_name() -> dict[str, str]:
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for lang in ("en", "ru", "kk"):
            names[words.state(country.alpha_2, lang).casefold()] = country.alpha_2
        for other in ("name", "official_name", "common_name"):
            if getattr(country, other, None):
                names[getattr(country, other).casefold()] = country.alpha_2
    return names


_NAMED = re.compile(r".*\(([A-Za-z]{2})\)\s*")


def state_code(text: str) -> str:
    """The code of a state as typed or chosen from the list: `Россия (RU)`, `RU`, `ru`,
    `Russia`, `Россия`; anything else as it was typed (the loader names the field)."""
    text = " ".join(text.split())
    named = _NAMED.fullmatch(text)
    if named:
        return named.group(1).upper()
    if len(text) == 2 and text.isalpha():
        return text.upper()
    return _codes_by_name().get(text.casefold(), text)


def safe_name(filename: Optional[str]) -> str:
    """An upload's base name, for messages only (never opened): no folders, printable, short."""
    base = (filename or "upload.yaml").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable())[:100]
    return base or "upload.yaml"


def _text(form, key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def _int_or_text(text: str) -> Any:
    return int(text) if _INT.fullmatch(text) else text  # not a number: the model names the field


def fact_values(test: Test, form) -> dict[str, Any]:
    """The facts typed into the form; a blank field is unknown and left out."""
    facts: dict[str, Any] = {}
    for name, spec in test.rule.facts.items():
        key = f"f.{name}"
        if spec.type == "term":
            parts = {p: _text(form, f"{key}.{p}") for p in TERM_PARTS}
            if any(parts.values()):
                facts[name] = {p: _int_or_text(v) if v else 0 for p, v in parts.items()}
            continue
        text = _text(form, key)
        if not text:
            continue
        if spec.type == "bool":
            facts[name] = {"true": True, "false": False}.get(text, text)
        elif spec.type == "int":
            facts[name] = _int_or_text(text)
        elif spec.type == "state":
            facts[name] = state_code(text)
        else:
            facts[name] = text
    return facts


def scenario_doc(test: Test, form, today: date) -> dict:
    """A scenario document (as a scenario file holds it) for one test's matter."""
    doc: dict[str, Any] = {"id": _text(form, "id") or f"{test.id}-case"}
    title = _text(form, "title")
    if title:
        doc["title"] = title
    doc["as_of"] = _text(form, "as_of") or today.isoformat()
    narrative = _text(form, "narrative")
    if narrative:
        doc["narrative"] = narrative
    doc["facts"] = {test.matter: fact_values(test, form)}
    return doc


def _scalar(value: Any) -> str:
    """One YAML value: text double-quoted (so NO stays Norway and no text becomes a tag), ISO dates plain."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in value.items()) + "}"
    if isinstance(value, str) and _ISO.fullmatch(value):
        return value
    if value is None:
        return "null"
    return json.dumps(value, ensure_ascii=False)


def as_yaml(doc: dict, comment: str = "", keep_unknown: bool = False) -> str:
    """A scenario document as a YAML file that `creval check` reads back unchanged;
    `keep_unknown`: a fact asked and not known is written as null (an interview's answers)."""
    lines = [f"# {line}" for line in comment.splitlines()]
    for key in ("id", "title", "as_of", "narrative"):
        if key in doc and doc[key] is not None:
            lines.append(f"{key}: {_scalar(doc[key])}")
    lines.append("facts:")
    for matter, facts in (doc.get("facts") or {}).items():
        facts = {k: v for k, v in (facts or {}).items() if keep_unknown or v is not None}
        lines.append(f"  {matter}:" + ("" if facts else " {}"))
        lines += [f"    {name}: {_scalar(value)}" for name, value in facts.items()]
    if doc.get("expected"):
        lines.append("expected:")
        lines += [f"  {test}: {_scalar(outcome)}" for test, outcome in doc["expected"].items()]
    return "\n".join(lines) + "\n"


def canonical(scenario) -> dict:
    """A validated scenario as a plain document (unknown facts left out): what is stored.

    A fact the user did not state is left out even where the rule gives it a default (no
    exemption, applicant not barred): stored, it would read as stated, and the result would
    no longer print the rule's assumption."""
    doc = scenario.model_dump(mode="json", exclude_none=True)
    for matter, facts in (doc.get("facts") or {}).items():
        given = getattr(scenario.facts, matter).model_fields_set
        doc["facts"][matter] = {k: v for k, v in facts.items() if k in given}
    return doc
