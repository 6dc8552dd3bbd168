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

from creval.output.i18n import outcome_shown, t

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


def scenario_header(result: Any, lang: str, last: str) -> list[str]:
    """A scenario's heading lines, short or full: id and title, file, assessment date, `last`
    (the hint to --full, or the rules digest), and any evaluation errors."""
    lines = [f"== {result.scenario}" + (f": {result.title}" if result.title else "")]
    lines.append(f"   {t('report.file', lang)} {result.file or '-'} | {t('report.assessed_as_of', lang)} {result.as_of}"
                 f" | {last}")
    lines += [f"   {t('report.error', lang)} {error}" for error in result.errors]
    return lines


def _default_book():
    from creval.law.rulebook import load

    return load()


def test_lines(r: Any, as_of: str, expected: str | None, lang: str, book: Any) -> list[str]:
    """One test's short answer, at most MAX_LINES lines."""
    from creval.output.report import law_line

    labels = {k: t(k, lang) for k in ("report.outcome", "report.law", "report.assumptions", "report.missing",
                                       "short.alternatives", "report.key_dates")}
    width = max(len(v) for v in labels.values()) + 2
    pad = " " * (3 + width)
    verdict = ""
    if expected:
        verdict = f"  [{t('report.as_expected', lang)}]" if expected == r.outcome else \
            f"  [{t('report.mismatch', lang, expected=outcome_shown(expected, lang))}]"
    head = [f"-- {r.test}: {r.title}", f"   {labels['report.outcome'].ljust(width)}{outcome_shown(r.outcome, lang)}{verdict}"]
    head += _wrap(r.explanation, pad)
    law = law_line(r, lang)
    if law:
        head += _wrap(law, pad, first=f"   {labels['report.law'].ljust(width)}")
    sections = [  # (label key, items): each item one text, wrapped
        ("report.missing", [_question(book, r.test, m, lang) for m in r.missing]),
        ("short.alternatives", [_alternative(a, book, r.test, lang) for a in (getattr(r, "alternatives", None) or [])]),
        ("report.assumptions", _assumptions(r.assumptions, lang)),
        ("report.key_dates", _dates(r.dates, as_of, lang)),
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
    from creval.output.facts import question

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


def _dates(dates: list, as_of: str, lang: str, short: bool = True) -> list[tuple[str, bool]]:
    """Key dates in date order (output/keydates.py); a date before the assessment date is
    marked as passed, the assessment date itself as such. Each as (text, still to come).

    A key date that opens a new regime for an act is shown, in the short answer, as the last
    day to act under the old one (the day before: the last day to file under Art 12(1)); the
    memo (`short=False`) lists both."""
    from creval.output.keydates import key_dates, marked

    lines = key_dates(dates, lang)
    if short:
        ended = {d.last_day_of for d in lines if d.last_day_of}
        lines = [d for d in lines if d.last_day_of or d.event not in ended]
    # ranked as still to come (kept first when the answer is cut): a date whose earliest day has not passed
    return [(marked(d, as_of, lang), d.date >= as_of) for d in lines]


def _alternative(alt: Any, book: Any, test_id: str, lang: str) -> str:
    """One other outcome for a ranged date: `when` (fact, from, to) and the `outcome`,
    read as a mapping or an object."""
    def get(obj, key):
        return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)

    test = book.tests.get(test_id)
    conditions = []
    for cond in get(alt, "when") or []:
        fact = get(cond, "fact")
        spec = test.rule.facts.get(fact) if test is not None and fact else None
        name = spec.title.get(lang) if spec is not None else str(fact)
        conditions.append(t("short.alternative.range", lang, fact=name, start=get(cond, "from") or "…", end=get(cond, "to") or "…"))
    outcome = get(alt, "outcome") or "-"
    when = "; ".join(conditions) or "-"
    if isinstance(alt, dict) and alt.get("if") and test is not None:  # the criteria that decide within those days
        from creval.engine.ranged import condition_shown

        when += ", " + condition_shown(alt, {cid: c.title.get(lang) for cid, c in test.rule.criteria.items()}, lang)
    return t("short.alternative", lang, when=when, outcome=outcome_shown(outcome, lang))
