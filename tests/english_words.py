"""Finding English words left in Russian or Kazakh output (issue 10: everything printed is
in the chosen language). A word counts as English when it is written in Latin letters and is
none of: a code (an id, outcome, criterion, fact, event or enumerated value of the rule files,
anything joined by `_`, `-`, `.`, `/` or digits, a two-letter state code), text in backticks
or «quotes» (a quoted source or a code as written), or a word on the short ALLOWED list."""

from __future__ import annotations

import re

from creval.law.rulebook import load

# Proper names and abbreviations that stay Latin in Russian and Kazakh text:
ALLOWED = {
    "creval",  # the program's name
    "sha256", "SHA",  # the digest's name
    "HCCH", "ILO", "OCSS", "HHS", "ACF", "PILDB", "UN",  # organisations and databases named in sources
    "Art",  # "Art 12(1)" inside quoted citations of instruments without an official translation
    "x",  # the multiplication sign in formulas ("3/4 x term")
    "a", "b", "c", "d", "e",  # sub-paragraph letters of articles: ст. 4(c), (d)
    "JSON", "Markdown", "YAML",  # formats named in the stamp
    "I", "II", "III", "IV", "V", "VI",  # Roman numerals of law numbers (№ 518-IV)
}

_LATIN = re.compile(r"[A-Za-z][A-Za-z'’]*")
_QUOTED = re.compile(r"«[^»]*»|`[^`]*`|\"[^\"]*\"")


def codes() -> set[str]:
    """Every code of the rule files: test ids, matters, outcomes, criteria, facts, derived
    values, key-date events and enumerated values."""
    out: set[str] = set()
    for test in load(None).tests.values():
        rule = test.rule
        out |= {test.id, test.matter, *rule.outcomes, *rule.criteria, *rule.facts, *rule.derived}
        out |= {getattr(k, "event", "") for k in getattr(rule, "key_dates", []) or []}
        for fact in rule.facts.values():
            out |= set(fact.values or []) | set(getattr(fact, "words", None) or [])
    return out


_CODES: set[str] = set()


def english_words(text: str) -> list[tuple[str, str]]:
    """The English words of `text`, each with a little context."""
    if not _CODES:
        _CODES.update(codes())
    found = []
    plain = _QUOTED.sub(" ", text)
    for token in re.finditer(r"\S+", plain):
        core = token.group().strip(".,;:()[]{}!?'|*#>")
        if not core or re.search(r"[_\-./:@0-9=<]", core):
            continue
        for word in _LATIN.findall(core):
            if word in _CODES or word in ALLOWED or re.fullmatch(r"[A-Z]{2}", word):
                continue
            start = token.start()
            found.append((word, plain[max(0, start - 60):start + 60]))
    return found
