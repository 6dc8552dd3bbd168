"""The short answer: what a caseworker needs on one screen, at most 15 lines for one test.

The outcome and its sentence, the version of the law applied, the assumptions made, what is
still missing (asked as the rule file's questions), other outcomes for ranged dates, and the
key dates in date order with those before the assessment date marked. Criteria, sources,
notes and caveats are left to `--full`, JSON and the memo.

Assumptions of the same kind are put on one line (four defences "not established" are one
line, not four). Should a test still need more than 15 lines, the longest list is cut and
ends with a line saying how many items `--full` shows besides.
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from typing import Any

from creval.render.facts import question
from creval.render.i18n import outcome_shown, t
from creval.render.parts import alternative, key_date_lines, law_line, scenario_header

__all__ = ["MAX_LINES", "as_short_text", "test_lines"]

MAX_LINES = 15  # for one test, from its `--` line to its last
WIDTH = 100
GROUPED = ("not_established", "tables")  # assumption kinds whose texts differ only by the fact


def as_short_text(result: Any, lang: str | None = None, book: Any = None) -> str:
    """The short answer for every test of one scenario result."""
    lang = lang or getattr(result, "lang", None) or "en"
    book = book or _default_book()
    lines = scenario_header(result, lang, t("short.hint", lang))
    for r in result.results:
        lines.append("")
        lines.extend(test_lines(r, result.as_of, result.expected.get(r.test), lang, book))
    return "\n".join(lines)


def _default_book():
    from creval.law.rulebook import load

    return load()


def test_lines(r: Any, as_of: str, expected: str | None, lang: str, book: Any) -> list[str]:
    """One test's short answer, at most MAX_LINES lines."""
    labels = {k: t(k, lang) for k in ("report.outcome", "report.law", "report.assumptions", "report.missing",
                                       "short.alternatives", "report.key_dates")}
    width = max(len(v) for v in labels.values()) + 2
    pad = " " * (3 + width)
    test = book.tests.get(r.test) if book is not None else None
    verdict = ""
    if expected:
        verdict = f"  [{t('report.as_expected', lang)}]" if expected == r.outcome else \
            f"  [{t('report.mismatch', lang, expected=outcome_shown(expected, lang, test))}]"
    head = [f"-- {r.test}: {r.title}", f"   {labels['report.outcome'].ljust(width)}{outcome_shown(r.outcome, lang, test)}{verdict}"]
    head += _wrap(r.explanation, pad)
    law = law_line(r, lang)
    if law:
        head += _wrap(law, pad, first=f"   {labels['report.law'].ljust(width)}")
    sections = [  # (label key, items): each item one text, wrapped
        ("report.missing", [_question(book, r.test, m, lang) for m in r.missing]),
        ("short.alternatives", [alternative(a, book, r.test, lang) for a in (getattr(r, "alternatives", None) or [])]),
        ("report.assumptions", _assumptions(r.assumptions, lang)),
        ("report.key_dates", key_date_lines(r.dates, as_of, lang)),
    ]
    sections = [(labels[key], items) for key, items in sections if items]
    caps = [len(items) for _, items in sections]
    while True:
        body = _render(sections, caps, width, pad, lang)
        if len(head) + len(body) <= MAX_LINES or not any(c > 1 for c in caps):
            break
        longest = max((i for i, c in enumerate(caps) if c > 1), key=lambda i: len(_render([sections[i]], [caps[i]], width, pad, lang)))
        caps[longest] -= 1
    out = head + body
    if len(out) > MAX_LINES:  # an explanation longer than a screen: its end is in --full
        out = out[:MAX_LINES - 1] + [pad + t("short.more", lang, count=len(out) - MAX_LINES + 1)]
    return out


def _render(sections, caps, width, pad, lang) -> list[str]:
    out = []
    for (label, items), cap in zip(sections, caps):
        first = f"   {label.ljust(width)}"
        for i, item in enumerate(_kept(items, cap)):  # wrapped once: the cut loop renders a list many times
            out += _wrapped(item, pad, first if i == 0 else None)
        if cap < len(items):
            out.append(pad + t("short.more", lang, count=len(items) - cap))
    return out


def _kept(items: list, cap: int) -> list[str]:
    """The `cap` items to show, in order: an item marked passed (a `(text, False)` pair)
    gives way first (the oldest first), so that a cut list keeps the dates still to come."""
    def rank(i):
        passed = isinstance(items[i], tuple) and not items[i][1]
        return (passed, -i if passed else i)  # passed ones: the most recent first

    ranked = sorted(range(len(items)), key=rank)
    keep = sorted(ranked[:cap])
    return [items[i][0] if isinstance(items[i], tuple) else items[i] for i in keep]


@lru_cache(maxsize=4096)
def _wrapped(text: str, indent: str, first: str | None) -> tuple[str, ...]:
    return tuple(_wrap(text, indent, first))


def _wrap(text: str, indent: str, first: str | None = None) -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=first or indent, subsequent_indent=indent + "  ",
                         break_on_hyphens=False) or [first or indent]


def _question(book: Any, test_id: str, fact: str, lang: str) -> str:
    return question(book, test_id, fact, lang)


def _assumptions(assumptions: list[dict], lang: str) -> list[str]:
    """The assumptions' texts, those of a grouped kind in one line per kind (where the text
    is the standard one: a rule's own assumption text is kept as written)."""
    out, grouped = [], {}
    for a in assumptions:
        kind = a.get("treated_as")
        fact = a.get("fact_title") or a["fact"]  # ru/kk: the fact in words
        if kind in GROUPED and a.get("text") == t(f"memo.assume.{kind}", lang, fact=fact, value=""):
            if kind not in grouped:
                grouped[kind] = []
                out.append(kind)  # its place in the list
            grouped[kind].append(fact)
        else:
            out.append(a.get("text", ""))
    return [t(f"short.assume.{item}", lang, facts=", ".join(grouped[item])) if item in grouped else item for item in out]
