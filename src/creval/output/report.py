"""Rendering results: a readable text table, Markdown, and JSON."""

from __future__ import annotations

import json
import re
import textwrap

from creval.engine.evaluate import ScenarioResult, TestResult
from creval.output.i18n import outcome_shown, t, tr
from creval.output.i18n import shown as in_words
from creval.output.keydates import key_dates, marked
from creval.output.short import scenario_header

STATUS_MARK = {"met": "met", "unmet": "UNMET", "unknown": "unknown"}


def as_json(results: list[ScenarioResult], array: bool | None = None) -> str:
    """One object for one scenario, an array for several (or whenever `array` is set)."""
    objects = [r.to_json() for r in results]
    payload = objects if (array if array is not None else len(objects) != 1) else objects[0]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _details(r, lang: str):
    """A result's details as (title, value) in `lang`; a list joined, an empty value None."""
    for name, value in r.details.items():
        shown = ", ".join(tr(v, lang) for v in value) if isinstance(value, list) else tr(value, lang) if value is not None else None
        yield (name if lang == "en" else r.detail_titles.get(name, name)), (None if shown in (None, "") else shown)


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ", break_on_hyphens=False) or [indent]


def as_text(result: ScenarioResult, lang: str | None = None) -> str:
    """The readable report; labels, outcome names and values in `lang` (default: the
    language the result was evaluated in)."""
    lang = lang or getattr(result, "lang", None) or "en"
    lines = scenario_header(result, lang, f"{t('report.rules', lang)} {result.rules_digest[:19]}")
    for r in result.results:
        lines.extend(_test_text(r, result.expected.get(r.test), lang, result.as_of))
    return "\n".join(lines)


def _test_text(r: TestResult, expected: str | None, lang: str = "en", as_of: str = "") -> list[str]:
    verdict = ""
    if expected:
        verdict = f"  [{t('report.as_expected', lang)}]" if expected == r.outcome else \
            f"  [{t('report.mismatch', lang, expected=outcome_shown(expected, lang))}]"
    label = t("report.outcome", lang)
    lines = ["", f"-- {r.test}: {r.title}", f"   {label}  {outcome_shown(r.outcome, lang)}{verdict}"]
    lines += _wrap(r.explanation, " " * (5 + len(label)))
    if r.missing:
        lines.append(f"   {t('report.missing', lang)}  {', '.join(r.missing)}")
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
        lines += _wrap(f"{c.id.ljust(width)}  {marks[c.status]:<{mark_width}}  {c.reason}{_assumed(c, lang)} {refs}", "     ")
    for title, shown in _details(r, lang):
        lines.append(f"   {title}: {shown if shown is not None else t('value.none', lang)}")
    if r.dates:
        lines.append(f"   {t('report.key_dates', lang)}")
        for d in key_dates(r.dates, lang):  # in date order, with the last days to act, past ones marked
            lines += _wrap(marked(d, as_of, lang, with_event=True), "     ")
    lines.append(f"   {t('report.sources', lang)}")
    for i, s in enumerate(_sources_shown(r), 1):
        lines += _wrap(f"[{i}] {s}", "     ")
    for key, items in (("report.notes", r.notes), ("report.caveats", r.caveats)):
        if items:
            lines.append(f"   {t(key, lang)}")
            for item in items:
                lines += _wrap(f"- {item}", "     ")
    return lines


def alternatives_shown(r: TestResult, lang: str) -> list[str]:
    """The outcome on each part of the rough dates' ranges (engine/ranged.py), one line each,
    in date order; none when every date is exact or every possible day agrees."""
    if not getattr(r, "alternatives", None):
        return []
    from creval.engine.ranged import alternative_lines

    return alternative_lines(r, lang)


def law_line(r: TestResult, lang: str) -> str:
    """The version of the law applied, its period and how sure its source is; '' for a test
    whose law has one version only."""
    v = r.law_version
    if v is None:
        return ""
    if v["from"] and v["until"]:
        period = t("law.period.between", lang, **{"from": v["from"], "until": v["until"]})
    elif v["from"] or v["until"]:
        period = t("law.period.from" if v["from"] else "law.period.until", lang, **{"from": v["from"], "until": v["until"]})
    else:
        period = ""
    sure = t(f"law.confidence.{v['confidence']}", lang)
    return f"{v['title']}" + (f" ({period}; {sure})" if period else f" ({sure})")


def _assumed(c, lang: str) -> str:
    assumed = getattr(c, "assumed", None)
    return f" ({t('report.assumed', lang, facts=', '.join(assumed))})" if assumed else ""


def _sources_shown(r: TestResult) -> list[str]:
    """The sources as cited in the result's language (JSON keeps the English citations)."""
    shown = getattr(r, "sources_shown", None) or []
    return shown if len(shown) == len(r.sources) else r.sources


def _source_shown(source: str, r: TestResult) -> str:
    """A criterion's `source` ("A; B") in the result's language."""
    for english, shown in sorted(zip(r.sources, _sources_shown(r)), key=lambda pair: -len(pair[0])):
        if english != shown:
            source = source.replace(english, shown)
    return source


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
    from creval.output.i18n import outcome_label, t

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
        label = outcome_label(r.test, r.outcome, lang) if lang != "en" else r.outcome
        shown = f"`{r.outcome}`" + (f" ({label})" if label != r.outcome else "")
        out += ["", f"## {r.title} (`{r.test}`)", "", f"**{t('memo.outcome', lang)}: {shown}.** {r.explanation}", ""]
        if r.assessed_on and r.assessed_on != result.as_of:
            out += [f"{t('memo.assessed_on', lang)}: {in_words(r.assessed_on, lang)}.".replace("..", "."), ""]
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
            out.append(f"| {_cell(c.title)} (`{c.id}`) | {t(f'status.{c.status}', lang)} | {_cell(c.reason + _assumed(c, lang))} | {_cell(_source_shown(c.source, r))} |")
        assumed = getattr(r, "assumptions", None) or []
        out += ["", f"### {t('memo.assumptions', lang)}", ""]
        out += [f"- {a['text']}" for a in assumed] or [t("memo.assumptions.none", lang)]
        out += ["", f"### {t('memo.needed', lang)}", ""]
        out += _needed_markdown(r, book, lang) or [t("memo.needed.none", lang)]
        out += ["", f"### {t('memo.key_dates', lang)}", ""]
        out += [_date_markdown(d, result.as_of, lang) for d in key_dates(r.dates, lang)] or [t("memo.key_dates.none", lang)]
        if r.details:
            out += ["", f"### {t('memo.details', lang)}", ""]
            for title, shown in _details(r, lang):
                out.append(f"- {title}: {shown if shown is not None else t('memo.none', lang)}")
        out += ["", f"### {t('memo.sources', lang)}", ""] + [f"- {s}" for s in _sources_shown(r)]
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


def as_short_text(result: ScenarioResult, lang: str | None = None, book=None) -> str:
    """The short answer (output/short.py): outcome, law, assumptions, questions, key dates."""
    from creval.output.short import as_short_text as short

    return short(result, lang, book)


def as_html(results: list[ScenarioResult], lang: str | None = None, book=None, given=None) -> str:
    """The decision memos as one self-contained HTML page that prints well (output/filing.py);
    `given`: each result's facts as stated (output/facts.given), in the same order."""
    from creval.output.filing import as_html as html

    return html(results, lang, book, given)


def as_docx(results: list[ScenarioResult], lang: str | None = None, book=None, given=None) -> bytes:
    """The decision memos as a Word document (output/filing.py)."""
    from creval.output.filing import as_docx as docx

    return docx(results, lang, book, given)


def _facts_markdown(book, given, lang: str) -> list[str]:
    """The memo's "facts as given" section (output/facts.py)."""
    from creval.output.facts import in_words

    out = ["", f"## {t('filing.facts', lang)}"]
    for heading, rows in in_words(book, given, lang):
        out += ["", f"### {heading}", ""]
        out += [f"- {_md(title)}: {_md(value)}" for title, value in rows] or [t("filing.facts.none", lang)]
    return out


def _needed_markdown(r: TestResult, book, lang: str) -> list[str]:
    """The facts still needed, as the rule file's questions (the fact's code beside it)."""
    from creval.output.facts import question

    return [f"- {question(book, r.test, m, lang)} (`{m}`)" for m in r.missing]
