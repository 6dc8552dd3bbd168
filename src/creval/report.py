"""Rendering results: a readable text table, Markdown, and JSON."""

from __future__ import annotations

import json
import textwrap

from .evaluate import ScenarioResult, TestResult

STATUS_MARK = {"met": "met", "unmet": "UNMET", "unknown": "unknown"}


def as_json(results: list[ScenarioResult], one_per_line: bool = False, array: bool | None = None) -> str:
    """One object for one scenario, an array for several (or whenever `array` is set)."""
    objects = [r.to_json() for r in results]
    if one_per_line:
        return "\n".join(json.dumps(o, ensure_ascii=False) for o in objects)
    payload = objects if (array if array is not None else len(objects) != 1) else objects[0]
    return json.dumps(payload, ensure_ascii=False, indent=2)


def _wrap(text: str, indent: str, width: int = 100) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent + "  ") or [indent]


def as_text(result: ScenarioResult) -> str:
    lines = [f"== {result.scenario}" + (f": {result.title}" if result.title else "")]
    lines.append(f"   file {result.file or '-'} | assessed as of {result.as_of} | rules {result.rules_digest[:19]}")
    for error in result.errors:
        lines.append(f"   ERROR {error}")
    for r in result.results:
        lines.extend(_test_text(r, result.expected.get(r.test)))
    return "\n".join(lines)


def _test_text(r: TestResult, expected: str | None) -> list[str]:
    verdict = ""
    if expected:
        verdict = "  [as expected]" if expected == r.outcome else f"  [MISMATCH: expected {expected}]"
    lines = ["", f"-- {r.test}: {r.title}", f"   OUTCOME  {r.outcome}{verdict}"]
    lines += _wrap(r.explanation, "            ")
    if r.missing:
        lines.append(f"   MISSING  {', '.join(r.missing)}")
    lines.append("   CRITERIA")
    width = max(len(c.id) for c in r.criteria)
    for c in r.criteria:
        refs = _source_refs(c.source, r.sources)
        lines += _wrap(f"{c.id.ljust(width)}  {STATUS_MARK[c.status]:<7}  {c.reason} {refs}", "     ")
    for name, value in r.details.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        lines.append(f"   {name}: {shown if shown not in (None, '') else 'none'}")
    if r.dates:
        lines.append("   KEY DATES")
        for d in r.dates:
            lines += _wrap(f"{d.date}  {d.event}: {d.text}", "     ")
    lines.append("   SOURCES")
    for i, s in enumerate(r.sources, 1):
        lines += _wrap(f"[{i}] {s}", "     ")
    for title, items in (("NOTES", r.notes), ("CAVEATS", r.caveats)):
        if items:
            lines.append(f"   {title}")
            for item in items:
                lines += _wrap(f"- {item}", "     ")
    return lines


def _source_refs(source: str, sources: list[str]) -> str:
    """A criterion's sources as numbers into the SOURCES list, e.g. [2, 5]."""
    numbers = [str(sources.index(part) + 1) for part in source.split("; ") if part in sources]
    return f"[{', '.join(numbers)}]" if numbers else f"[{source}]"


def as_markdown(result: ScenarioResult) -> str:
    out = [f"# {result.scenario}" + (f": {result.title}" if result.title else ""), ""]
    out.append(f"- Assessment date: {result.as_of}")
    out.append(f"- Scenario file: `{result.file or '-'}`")
    out.append(f"- creval {result.creval}, rules `{result.rules_digest}`")
    for error in result.errors:
        out.append(f"- **Error:** {error}")
    for r in result.results:
        out += ["", f"## {r.title} (`{r.test}`)", "", f"**Outcome: `{r.outcome}`.** {r.explanation}", ""]
        expected = result.expected.get(r.test)
        if expected:
            out += [f"Answer key: `{expected}` ({'as expected' if expected == r.outcome else 'MISMATCH'}).", ""]
        if r.missing:
            out += ["Facts still needed: " + ", ".join(f"`{m}`" for m in r.missing) + ".", ""]
        out += ["| Criterion | Status | Reason | Source |", "|---|---|---|---|"]
        for c in r.criteria:
            out.append(f"| {c.title} (`{c.id}`) | {c.status} | {_cell(c.reason)} | {_cell(c.source)} |")
        if r.details:
            out.append("")
            for name, value in r.details.items():
                out.append(f"- {name}: {', '.join(value) if isinstance(value, list) else value}")
        if r.dates:
            out += ["", "Key dates:", ""] + [f"- **{d.date}** `{d.event}`: {d.text}" for d in r.dates]
        out += ["", "Sources:", ""] + [f"- {s}" for s in r.sources]
        for title, items in (("Notes", r.notes), ("Caveats", r.caveats)):
            if items:
                out += ["", f"{title}:", ""] + [f"- {i}" for i in items]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
