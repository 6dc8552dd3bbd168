"""Rendering results: a readable text table, Markdown, and JSON."""

from __future__ import annotations

import json
import re
import textwrap
from typing import Any

from creval.engine.results import ScenarioResult, TestResult
from creval.render.facts import in_words, question
from creval.render.i18n import outcome_label, outcome_shown, t
from creval.render.i18n import shown as in_sentence
from creval.render.keydates import key_dates, marked
from creval.render.parts import (alternatives_shown, assumed_shown, details, law_line, scenario_header, source_shown,
                                 sources_shown)

__all__ = ["STATUS_MARK", "as_json", "as_markdown", "as_text", "test_text"]

STATUS_MARK = {"met": "met", "unmet": "UNMET", "unknown": "unknown"}


def as_json(results: list[ScenarioResult], array: bool | None = None) -> str:
    """One object for one scenario, an array for several (or whenever `array` is set)."""
    objects = [r.to_json() for r in results]
    payload = objects if (array if array is not None else len(objects) != 1) else objects[0]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False) or [indent]


def as_text(result: ScenarioResult, lang: str | None = None, book: Any = None) -> str:
    """The readable report; labels, outcome names and values in `lang` (default: the
    language the result was evaluated in); `book`, the rule book, names each test's outcomes
    in its own words."""
    lang = lang or getattr(result, "lang", None) or "en"
    lines = scenario_header(result, lang, f"{t('report.rules', lang)} {result.rules_digest[:19]}")
    for r in result.results:
        lines.extend(test_text(r, result.expected.get(r.test), lang, result.as_of, book))
    return "\n".join(lines)


def test_text(r: TestResult, expected: str | None, lang: str = "en", as_of: str = "", book: Any = None) -> list[str]:
    test = book.tests.get(r.test) if book is not None else None
    verdict = ""
    if expected:
        verdict = f"  [{t('report.as_expected', lang)}]" if expected == r.outcome else \
            f"  [{t('report.mismatch', lang, expected=outcome_shown(expected, lang, test))}]"
    label = t("report.outcome", lang)
    lines = ["", f"-- {r.test}: {r.title}", f"   {label}  {outcome_shown(r.outcome, lang, test)}{verdict}"]
    lines += _wrap(r.explanation, " " * (5 + len(label)))
    if r.missing:
        if lang == "en" or test is None:
            lines.append(f"   {t('report.missing', lang)}  {', '.join(r.missing)}")
        else:  # ru/kk: the fact's words, one a line, its code beside it («- дата рождения ребёнка (child_birth_date)»)
            lines.append(f"   {t('report.missing', lang)}")
            for m in r.missing:
                spec = test.rule.facts.get(m)
                lines += _wrap(f"- {spec.title.get(lang)} ({m})" if spec is not None else f"- {m}", "     ")
    if alternatives_shown(r, lang):
        lines.append(f"   {t('report.alternatives', lang)}")
        lines += [w for line in alternatives_shown(r, lang) for w in _wrap(f"- {line}", "     ")]
    law = law_line(r, lang)
    if law:
        lines += _wrap(f"{t('report.law', lang)}  {law}", "   ")
    if r.assumptions:
        lines.append(f"   {t('report.assumptions', lang)}")
        for a in r.assumptions:
            lines += _wrap(f"- {a['text']}", "     ")
    lines.append(f"   {t('report.criteria', lang)}")
    width = max(len(c.id) for c in r.criteria)
    marks = {s: t(f"status.{s}", lang) for s in STATUS_MARK}
    mark_width = max(7, *(len(m) for m in marks.values()))
    for c in r.criteria:
        refs = _source_refs(c.source, r.sources)
        lines += _wrap(f"{c.id.ljust(width)}  {marks[c.status]:<{mark_width}}  {c.reason}{assumed_shown(c, lang)} {refs}", "     ")
    for title, shown in details(r, lang):
        lines.append(f"   {title}: {shown if shown is not None else t('value.none', lang)}")
    if r.dates:
        lines.append(f"   {t('report.key_dates', lang)}")
        for d in key_dates(r.dates, lang):  # in date order, with the last days to act, past ones marked
            lines += _wrap(marked(d, as_of, lang, with_event=True), "     ")
    lines.append(f"   {t('report.sources', lang)}")
    for i, s in enumerate(sources_shown(r), 1):
        lines += _wrap(f"[{i}] {s}", "     ")
    for key, items in (("report.notes", r.notes), ("report.caveats", r.caveats)):
        if items:
            lines.append(f"   {t(key, lang)}")
            for item in items:
                lines += _wrap(f"- {item}", "     ")
    return lines


def _source_refs(source: str, sources: list[str]) -> str:
    """A criterion's sources as numbers into the SOURCES list, e.g. [2, 5]."""
    numbers, rest = [], source
    while rest:  # a citation may itself hold "; ": match whole citations, the longest first
        found = max((s for s in sources if rest == s or rest.startswith(s + "; ")), key=len, default=None)
        if found is None:
            return f"[{source}]"
        numbers.append(str(sources.index(found) + 1))
        rest = rest[len(found) + 2:]
    return f"[{', '.join(numbers)}]" if numbers else f"[{source}]"


def as_markdown(result: ScenarioResult, lang: str | None = None, book=None, given=None) -> str:
    """A decision memo for the case file: the facts as given (when `given`, the scenario's
    stated facts, is passed), outcome, criteria with reasons and sources, assumptions, facts
    still needed (as questions), key dates, caveats, and a stamp to reproduce it."""
    lang = lang or getattr(result, "lang", None) or "en"
    if book is None:
        from creval.law.rulebook import load

        book = load()
    out = [f"# {_md(result.scenario)}" + (f": {_md(result.title)}" if result.title else ""), "", f"_{t('memo.title', lang)}_", ""]
    out.append(f"- **{t('memo.as_of', lang)}:** {result.as_of}")
    out.append(f"- **{t('memo.file', lang)}:** {_code(result.file or '-')}")
    for error in result.errors:
        out.append(f"- **{t('memo.error', lang)}:** {_md(error)}")
    if given is not None:
        out += _facts_markdown(book, given, lang)
    for r in result.results:
        label = outcome_label(r.test, r.outcome, lang, book.tests.get(r.test)) if lang != "en" else r.outcome
        shown = f"`{r.outcome}`" + (f" ({label})" if label != r.outcome else "")
        out += ["", f"## {r.title} (`{r.test}`)", "", f"**{t('memo.outcome', lang)}: {shown}.** {r.explanation}", ""]
        if r.assessed_on and r.assessed_on != result.as_of:
            out += [f"{t('memo.assessed_on', lang)}: {in_sentence(r.assessed_on, lang)}.".replace("..", "."), ""]
        if alternatives_shown(r, lang):
            out += [f"### {t('memo.alternatives', lang)}", ""] + [f"- {a}" for a in alternatives_shown(r, lang)] + [""]
        law = law_line(r, lang)
        if law:
            out += [f"**{t('memo.law', lang)}:** {law}.", ""]
        expected = result.expected.get(r.test)
        if expected:
            verdict = t("memo.as_expected" if expected == r.outcome else "memo.mismatch", lang)
            out += [t("memo.answer_key", lang, expected=expected, verdict=verdict), ""]
        out += [f"### {t('memo.criteria', lang)}", ""]
        out += ["| " + " | ".join(t(f"memo.col.{c}", lang) for c in ("criterion", "status", "reason", "source")) + " |",
                "|---|---|---|---|"]
        for c in r.criteria:
            out.append(f"| {_cell(c.title)} (`{c.id}`) | {t(f'status.{c.status}', lang)} | {_cell(c.reason + assumed_shown(c, lang))} | {_cell(source_shown(c.source, r))} |")
        assumed = getattr(r, "assumptions", None) or []
        out += ["", f"### {t('memo.assumptions', lang)}", ""]
        out += [f"- {a['text']}" for a in assumed] or [t("memo.assumptions.none", lang)]
        out += ["", f"### {t('memo.needed', lang)}", ""]
        out += _needed_markdown(r, book, lang) or [t("memo.needed.none", lang)]
        out += ["", f"### {t('memo.key_dates', lang)}", ""]
        out += [_date_markdown(d, result.as_of, lang) for d in key_dates(r.dates, lang)] or [t("memo.key_dates.none", lang)]
        if r.details:
            out += ["", f"### {t('memo.details', lang)}", ""]
            for title, shown in details(r, lang):
                out.append(f"- {title}: {shown if shown is not None else t('memo.none', lang)}")
        out += ["", f"### {t('memo.sources', lang)}", ""] + [f"- {s}" for s in sources_shown(r)]
        for key, items in (("memo.notes", r.notes), ("memo.caveats", r.caveats)):
            if items:
                out += ["", f"### {t(key, lang)}", ""] + [f"- {i}" for i in items]
    out += ["", f"## {t('memo.stamp', lang)}", ""]
    out.append(f"- {t('memo.stamp.creval', lang)}: {result.creval}")
    out.append(f"- {t('memo.stamp.rules', lang)}: `{result.rules_digest}`")
    out.append(f"- {t('memo.as_of', lang)}: {result.as_of}")
    out.append(f"- {t('memo.stamp.scenario', lang)}: `{getattr(result, 'scenario_digest', '') or '-'}`")
    out.append(f"- {t('memo.file', lang)}: {_code(result.file or '-')}")
    out += ["", t("memo.stamp.reproduce", lang, as_of=result.as_of, version=result.creval, language=lang, format="markdown")]
    return "\n".join(out) + "\n"


def _date_markdown(d, as_of: str, lang: str) -> str:
    """One key date of the memo: bold, its mark against the assessment date, its text."""
    when = d.when(as_of)
    mark = f" ({t(f'short.date.{when}', lang)})" if when else ""
    event = "" if d.last_day_of else f" `{d.event}`"
    if lang != "en" and event:  # ru/kk: the words first, the event's code after them
        return f"- **{d.date}**{mark}: {d.text} ({event.strip()})"
    return f"- **{d.date}**{mark}{event}: {d.text}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_MARKDOWN = re.compile(r"([\\`*_\[\]<>|#~!&])")


def _md(text: str) -> str:
    """Text copied from a scenario (its title, a fact, an error quoting it) as Markdown shows
    it literally: on one line (no forged `**Outcome:**` line), every character that would
    start emphasis, a link, a table cell or raw HTML escaped."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text).split()))


def _code(text: str) -> str:
    """A file name as inline code: on one line, fenced by more backticks than it holds."""
    text = " ".join(str(text).split())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if "`" in text else f"`{text}`"


def _facts_markdown(book, given, lang: str) -> list[str]:
    """The memo's "facts as given" section (render/facts.py)."""
    out = ["", f"## {t('filing.facts', lang)}"]
    for heading, rows in in_words(book, given, lang):
        out += ["", f"### {heading}", ""]
        out += [f"- {_md(title)}: {_md(value)}" for title, value in rows] or [t("filing.facts.none", lang)]
    return out


def _needed_markdown(r: TestResult, book, lang: str) -> list[str]:
    """The facts still needed, as the rule file's questions (the fact's code beside it)."""
    return [f"- {question(book, r.test, m, lang)} (`{m}`)" for m in r.missing]
