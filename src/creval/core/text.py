"""Messages and states: the words every layer raises, in English, Russian and Kazakh.

The base of creval: a `Msg` (a catalogue key and its values) is what a rule check, a scenario
check or a treaty table says; it *is* its English text and renders in any language later. Rule
texts (titles, reasons, notes) carry their own en/ru/kk inside the rule files; every other word
has a key in `rules/i18n/*.yaml` (one key set with all three languages). `t(key, lang, **values)`
looks a key up and fills its {placeholders}. A `State` is a state code that texts show by name.
Imports nothing of creval but the safe YAML reader beside it.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from creval.core import grammar, yamlsafe
from creval.core.folders import bundled_rules_folder, catalogue_folder, default_rules_folder  # noqa: F401  (exported)

__all__ = [
    "LANGUAGES", "Msg", "State", "bundled_rules_folder", "catalogue_folder", "country_name", "default_rules_folder",
    "fill_text", "in_language", "messages", "placeholder_parts", "placeholders", "shown", "state_in_text", "t", "tr",
]

LANGUAGES = ("en", "ru", "kk")
# {name} or {name:form}: the form a sentence needs (core/grammar.py: {state:in}, {date:abl})
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*(?::[a-z]+)?)\}")


def messages(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Every key of every `rules/i18n/*.yaml` file; a key defined twice is an error."""
    if folder is None:
        return _default_messages(os.environ.get("CREVAL_RULES"))
    return _load(folder.resolve())


@lru_cache(maxsize=4)
def _default_messages(rules_env: str | None) -> dict[str, dict[str, str]]:
    # Finding the folder costs a stat and a realpath; t() runs several times per scenario
    # (it was half of `creval batch`'s time), so the lookup is done once per CREVAL_RULES.
    return _load(catalogue_folder().resolve())


@lru_cache(maxsize=4)
def _load(folder: Path) -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.yaml")):
        for key, entry in (yamlsafe.safe_load(path) or {}).items():
            if key in merged:
                raise ValueError(f"{path}: key {key!r} is defined twice")
            merged[key] = entry
    return merged


_SPLIT: dict[str, list[str]] = {}  # text -> [text, name, text, name, ..., text]


def placeholder_parts(text: str) -> list[str]:
    """`text` split at its {placeholders}: [text, name, text, ..., text]. Each text is split
    once (messages and rule texts are few, and filled for every scenario)."""
    parts = _SPLIT.get(text)
    if parts is None:
        parts = _PLACEHOLDER.split(text)
        if len(_SPLIT) < 10_000:  # bounded, whatever texts a caller passes
            _SPLIT[text] = parts
    return parts


def placeholders(text: str) -> list[str]:
    """The names of the {placeholders} in `text` (without their :form)."""
    return [name.partition(":")[0] for name in placeholder_parts(text)[1::2]]


def shown(value: Any, lang: str, form: str = "") -> str:
    """A value as a sentence in `lang` shows it: in `form` when the template names one (a state
    declined, a date or number with its case ending); a date in words in Russian and Kazakh."""
    if form:
        return grammar.inflect(value, lang, form, tr, is_state=isinstance(value, State), name=country_name)
    if lang != "en" and grammar.as_date(value) is not None:
        return grammar.date_words(grammar.as_date(value), lang)
    return tr(value, lang)


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The text of `key` in `lang` (English when that language lacks it; the key when unknown)."""
    entry = messages().get(key)
    if entry is None:
        return key
    return fill_text(entry.get(lang) or entry.get("en") or key, lang, **values)


def fill_text(text: str, lang: str = "en", /, **values: Any) -> str:
    """`text` with its {placeholders} filled as a sentence in `lang` shows the values."""
    parts = placeholder_parts(text)
    if len(parts) == 1:
        return text
    out = parts[:]
    for i in range(1, len(parts), 2):
        name, _, form = parts[i].partition(":")
        out[i] = shown(values[name], lang, form) if name in values else "{" + parts[i] + "}"
    return grammar.joined(out)


class Msg(str):
    """A message that can be shown in any language: a key of `rules/i18n/*.yaml` and its values.

    It *is* its English text (a str), so code that logs, joins or compares messages keeps
    working; `tr(message, lang)` renders it in another language. Values may be Msg
    themselves (rendered in the same language), or rule texts (anything with `.get(lang)`
    and `.en`, such as rulebook.Text). `en` overrides the English text (e.g. pydantic's own
    message, kept verbatim). `Msg.joined(sep, parts)` is a list of messages joined by `sep`.
    """

    key: str | None
    values: dict
    en: str | None
    parts: tuple
    sep: str
    _english: str | None  # a joined message's English, once made

    def __new__(cls, key: str | None, /, en: str | None = None, **values: Any) -> "Msg":
        obj = super().__new__(cls, en if en is not None else _render(key, "en", values))
        obj.key, obj.values, obj.en, obj.parts, obj.sep = key, values, en, (), ""
        return obj

    @classmethod
    def joined(cls, sep: str, parts: list) -> "Msg":
        obj = super().__new__(cls, sep.join(str(p) for p in parts))
        obj.key, obj.values, obj.en, obj.parts, obj.sep = None, {}, None, tuple(parts), sep
        obj._english = None
        return obj

    def tr(self, lang: str = "en") -> str:
        if self.parts:
            if lang != "en":
                return self.sep.join(tr(p, lang) for p in self.parts)
            if self._english is None:  # made once: the English of its parts never changes (treaty notes share parts)
                self._english = self.sep.join(tr(p, lang) for p in self.parts)
            return self._english
        if lang == "en" or self.key is None:
            return str(self)
        return _render(self.key, lang, self.values)

    def __reduce__(self):  # pickles (worker processes) and copies keep key and values
        if self.parts:
            return (Msg.joined, (self.sep, list(self.parts)))
        return (_rebuild, (self.key, self.en, self.values))


def _rebuild(key, en, values):
    return Msg(key, en=en, **values)


def _render(key: str | None, lang: str, values: dict) -> str:
    return t(key or "", lang, **values)


def tr(value: Any, lang: str = "en") -> str:
    """Any value as text in `lang`: a Msg or a rule text is translated, the rest is str()."""
    if isinstance(value, Msg):
        return value.tr(lang)
    if hasattr(value, "en") and callable(getattr(value, "get", None)):
        return value.get(lang)
    return str(value)


# --- States by name --------------------------------------------------------

@lru_cache(maxsize=512)
def country_name(code: str, lang: str = "en") -> str:
    """A state's name for an ISO 3166-1 alpha-2 code, in `lang` (pycountry's gettext
    catalogues, which ship ru and kk); the English name when the language lacks it; the code
    itself when pycountry does not know it."""
    import gettext

    import pycountry

    country = pycountry.countries.get(alpha_2=str(code).upper()) if isinstance(code, str) and len(code) == 2 else None
    if country is None:
        return str(code)
    if lang != "en" and grammar.state_name(code, lang):  # the name the declined forms are of
        return grammar.state_name(code, lang)
    name = getattr(country, "common_name", None) if lang == "en" else None
    name = name or country.name
    if lang == "en":
        return name
    try:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return name
    return catalogue.gettext(country.name) or name


def state_in_text(code: str, lang: str = "en") -> str:
    """A state's name as a sentence says it: in English with "the" where the name takes it."""
    name = country_name(code, lang)
    return grammar.en_in_sentence(code, name) if lang == "en" else name


class State(str):
    """A state code that texts show by its name in the reader's language, as a sentence says
    it (`tr` reads it like a rule text: `.en` and `.get(lang)`); as a str it stays the code,
    so JSON, ids and comparisons keep the code."""

    @property
    def en(self) -> str:
        return state_in_text(str(self), "en")

    def get(self, lang: str = "en") -> str:
        return state_in_text(str(self), lang)


def in_language(value: Any, lang: str) -> str:
    """A text given as plain text or by language ({en: ..., ru: ..., kk: ...}) in `lang`: plain
    text as it is; from a mapping the text in `lang`, else English, else any language given."""
    if isinstance(value, dict):
        return value.get(lang) or value.get("en") or next((v for v in value.values() if v), "")
    return value or ""
