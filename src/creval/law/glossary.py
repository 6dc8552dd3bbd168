"""The glossary: official Russian and Kazakh titles of the acts creval cites, and its legal terms.

`rules/i18n/terms/glossary.yaml` holds each act's title in en/ru/kk with its source; a rule
file's source names an act by id (`act: hague-1980`, `articles: "3"`) and its citation in
Russian and Kazakh is built here, so a title is typed once. The `wrong` variants are what
tests/test_words.py looks for in every Russian and Kazakh text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from creval.core import yamlsafe

__all__ = ["act_title", "acts", "articles", "cite", "glossary", "glossary_file", "wrong_variants"]


def glossary_file(rules_folder: Path | None = None) -> Path:
    from creval.core.folders import bundled_rules_folder

    path = (rules_folder or bundled_rules_folder()) / "i18n" / "terms" / "glossary.yaml"
    return path if path.is_file() else bundled_rules_folder() / "i18n" / "terms" / "glossary.yaml"


@lru_cache(maxsize=4)
def _load(path: Path) -> dict[str, Any]:
    # through the rule files' reader: bounded, and parsed once per version of the file (the
    # cache), not at every start (a pure-Python parse of the glossary was a third of it)
    return yamlsafe.safe_load(path) or {}


def glossary(rules_folder: Path | None = None) -> dict[str, Any]:
    return _load(glossary_file(rules_folder))


def acts(rules_folder: Path | None = None) -> dict[str, dict]:
    return glossary(rules_folder).get("acts") or {}


def act_title(act: str, lang: str, rules_folder: Path | None = None) -> str:
    """An act's title as a source line names it (with its year where the title has none)."""
    entry = acts(rules_folder)[act]
    return (entry.get("cite") or {}).get(lang) or entry[lang]


def articles(articles: str, lang: str) -> str:
    """Article numbers as each language cites them: "Art 3" / «ст. 3» / «3-бап»; several:
    «ст. 35, 38» / «35, 38-баптар»."""
    several = bool(re.search(r"[,–-]\s*\d", articles))
    if lang == "ru":
        return f"ст. {articles}"
    if lang == "kk":
        return f"{articles}-{'баптар' if several else 'бап'}"
    return f"{'Arts' if several else 'Art'} {articles}"


def cite(act: str, article_numbers: str | None, lang: str, rules_folder: Path | None = None) -> str:
    """A source's citation in `lang`: the act's official title, then its articles."""
    title = act_title(act, lang, rules_folder)
    return f"{title}, {articles(article_numbers, lang)}" if article_numbers else title


def wrong_variants(rules_folder: Path | None = None) -> dict[str, list[tuple[str, str]]]:
    """lang -> [(variant, the glossary entry that rules it out)]."""
    out: dict[str, list[tuple[str, str]]] = {"ru": [], "kk": []}
    for section in ("acts", "terms"):
        for entry_id, entry in (glossary(rules_folder).get(section) or {}).items():
            for lang, variants in (entry.get("wrong") or {}).items():
                out.setdefault(lang, []).extend((v, entry_id) for v in variants)
    return out
