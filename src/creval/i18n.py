"""The words creval prints, in English, Russian and Kazakh.

Rule texts (titles, reasons, notes) carry their own en/ru/kk inside the rule files. Every
other word (labels, statuses, outcome names, questions, errors) has a key in
`rules/i18n/*.yaml` (one file per part of creval), one key set with all three languages. `t(key, lang, **values)`
looks a key up and fills its {placeholders}; a test fails when a key lacks a language.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

LANGUAGES = ("en", "ru", "kk")
_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@lru_cache(maxsize=2)
def messages(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """Every key of every `rules/i18n/*.yaml` file; a key defined twice is an error."""
    from .rulebook import default_rules_folder

    merged: dict[str, dict[str, str]] = {}
    for path in sorted(((folder or default_rules_folder()) / "i18n").glob("*.yaml")):
        for key, entry in (YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8")) or {}).items():
            if key in merged:
                raise ValueError(f"{path}: key {key!r} is defined twice")
            merged[key] = entry
    return merged


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The text of `key` in `lang` (English when that language lacks it; the key when unknown)."""
    entry = messages().get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry.get("en") or key
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


def outcome_label(test_id: str, outcome: str, lang: str = "en") -> str:
    """A readable name for an outcome code (the code itself stays in JSON)."""
    key = f"outcome.{outcome}"
    return t(key, lang) if key in messages() else outcome
