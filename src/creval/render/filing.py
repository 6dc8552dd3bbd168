"""The decision memo a caseworker files: one HTML page that prints well, or a Word document.

Both are drawn from one list of blocks (`memo_blocks`), so the two say the same: the facts as
given (in words), for each test the outcome and its sentence, the law applied, the criteria,
the assumptions, the facts still needed (as questions), the key dates in date order, the
sources, notes and caveats, and the stamp that reproduces the memo.

Every text is escaped in HTML; the page carries its language (`lang`), its own CSS and rules
for print (no colours needed, tables kept whole, a page per scenario).
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass, field
from typing import Any

from creval.render import facts as facts_mod
from creval.render.i18n import outcome_label, t
from creval.render.i18n import shown as in_sentence
from creval.render.parts import alternative, details, key_date_lines, law_line, source_shown, sources_shown

__all__ = ["Block", "CSS", "as_docx", "as_html", "memo_blocks"]


@dataclass
class Block:
    kind: str  # h1, h2, h3, p, meta, ul, table, break
    text: str = ""
    items: list = field(default_factory=list)  # ul: texts; meta: (label, value); table: rows
    header: list = field(default_factory=list)  # table
    strong: str = ""  # p: a bold lead-in


def _outcome(code: str, lang: str, test: Any = None) -> str:
    label = outcome_label("", code, lang, test)
    return code if label == code else f"{code} ({label})"


def memo_blocks(result: Any, lang: str, book: Any, given: dict | None, fmt: str = "html") -> list[Block]:
    """The memo of one scenario result as blocks."""
    out = [Block("h1", f"{result.scenario}" + (f": {result.title}" if result.title else "")),
           Block("p", t("memo.title", lang))]
    meta = [(t("memo.as_of", lang), result.as_of), (t("memo.file", lang), result.file or "-")]
    meta += [(t("memo.error", lang), e) for e in result.errors]
    out.append(Block("meta", items=meta))
    if given is not None:
        out.append(Block("h2", t("filing.facts", lang)))
        words = facts_mod.in_words(book, given, lang)
        for heading, rows in words:
            out.append(Block("h3", heading))
            if rows:
                out.append(Block("table", header=[t("filing.col.fact", lang), t("filing.col.value", lang)], items=rows))
            else:
                out.append(Block("p", t("filing.facts.none", lang)))
    for r in result.results:
        out.append(Block("h2", f"{r.title} ({r.test})"))
        out.append(Block("p", r.explanation, strong=f"{t('memo.outcome', lang)}: {_outcome(r.outcome, lang, book.tests.get(r.test) if book is not None else None)}."))
        if r.assessed_on and r.assessed_on != result.as_of:
            out.append(Block("p", f"{t('memo.assessed_on', lang)}: {in_sentence(r.assessed_on, lang)}.".replace("..", ".")))
        law = law_line(r, lang)
        if law:
            out.append(Block("p", law, strong=f"{t('memo.law', lang)}:"))
        expected = result.expected.get(r.test)
        if expected:
            verdict = t("memo.as_expected" if expected == r.outcome else "memo.mismatch", lang)
            out.append(Block("p", t("memo.answer_key", lang, expected=expected, verdict=verdict)))
        out.append(Block("h3", t("memo.criteria", lang)))
        out.append(Block("table", header=[t(f"memo.col.{c}", lang) for c in ("criterion", "status", "reason", "source")],
                         items=[(c.title, t(f"status.{c.status}", lang), c.reason, source_shown(c.source, r)) for c in r.criteria]))
        out.append(Block("h3", t("memo.assumptions", lang)))
        out.append(Block("ul", items=[a["text"] for a in r.assumptions]) if r.assumptions
                   else Block("p", t("memo.assumptions.none", lang)))
        out.append(Block("h3", t("memo.needed", lang)))
        out.append(Block("ul", items=[facts_mod.question(book, r.test, m, lang) for m in r.missing]) if r.missing
                   else Block("p", t("memo.needed.none", lang)))
        alternatives = getattr(r, "alternatives", None) or []
        if alternatives:
            out.append(Block("h3", t("filing.alternatives", lang)))
            out.append(Block("ul", items=[alternative(a, book, r.test, lang) for a in alternatives]))
        out.append(Block("h3", t("memo.key_dates", lang)))
        out.append(Block("ul", items=[text for text, _ in key_date_lines(r.dates, result.as_of, lang, short=False)]) if r.dates
                   else Block("p", t("memo.key_dates.none", lang)))
        if r.details:
            out.append(Block("h3", t("memo.details", lang)))
            out.append(Block("ul", items=[f"{title}: {shown if shown is not None else t('memo.none', lang)}"
                                          for title, shown in details(r, lang)]))
        out.append(Block("h3", t("memo.sources", lang)))
        out.append(Block("ul", items=list(sources_shown(r))))
        for key, items in (("memo.notes", r.notes), ("memo.caveats", r.caveats)):
            if items:
                out += [Block("h3", t(key, lang)), Block("ul", items=list(items))]
    out.append(Block("h2", t("memo.stamp", lang)))
    out.append(Block("meta", items=[
        (t("memo.stamp.creval", lang), result.creval), (t("memo.stamp.rules", lang), result.rules_digest),
        (t("memo.as_of", lang), result.as_of),
        (t("memo.stamp.scenario", lang), getattr(result, "scenario_digest", "") or "-"),
        (t("memo.file", lang), result.file or "-"),
    ]))
    out.append(Block("p", t("memo.stamp.reproduce", lang, as_of=result.as_of, version=result.creval, language=lang, format=fmt).replace("`", "")))
    return out


def _all_blocks(results: list, lang: str | None, book: Any, given: list | None, fmt: str) -> tuple[str, list[Block]]:
    if book is None:
        from creval.law.rulebook import load

        book = load()
    lang = lang or (getattr(results[0], "lang", None) if results else None) or "en"
    blocks: list[Block] = []
    for i, result in enumerate(results):
        if i:
            blocks.append(Block("break"))
        blocks += memo_blocks(result, lang, book, given[i] if given is not None else None, fmt)
    return lang, blocks


CSS = """
body { font-family: "DejaVu Serif", Georgia, "Times New Roman", serif; max-width: 50em; margin: 2em auto;
       padding: 0 1em; line-height: 1.4; color: #111; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; border-bottom: 1px solid #999; margin-top: 1.6em; }
h3 { font-size: 1.05em; margin-bottom: 0.3em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 1px solid #999; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
th { background: #eee; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
dl.meta dt { font-weight: bold; }
dl.meta dd { margin: 0; overflow-wrap: anywhere; }
.subtitle { font-style: italic; margin-top: 0; }
.page-break { break-before: page; page-break-before: always; }
@media print {
  body { margin: 0; max-width: none; font-size: 11pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  tr, li { break-inside: avoid; page-break-inside: avoid; }
  th { background: none; }
  a { color: inherit; text-decoration: none; }
}
""".strip()


def as_html(results: list, lang: str | None = None, book: Any = None, given: list | None = None) -> str:
    """One self-contained page (no external file, script or font) holding every memo."""
    lang, blocks = _all_blocks(results, lang, book, given, "html")
    e = html.escape
    title = blocks[0].text if blocks else t("memo.title", lang)
    out = ["<!DOCTYPE html>", f'<html lang="{e(lang)}">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(title)}</title>", f"<style>\n{CSS}\n</style>", "</head>", "<body>"]
    first_p_after_h1 = False
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            out.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
            first_p_after_h1 = b.kind == "h1"
            continue
        if b.kind == "p":
            css = ' class="subtitle"' if first_p_after_h1 else ""
            lead = f"<strong>{e(b.strong)}</strong> " if b.strong else ""
            out.append(f"<p{css}>{lead}{e(b.text)}</p>")
        elif b.kind == "meta":
            out.append('<dl class="meta">' + "".join(f"<dt>{e(str(k))}</dt><dd>{e(str(v))}</dd>" for k, v in b.items) + "</dl>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(str(h))}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in b.items)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
        elif b.kind == "break":
            out.append('<div class="page-break"></div>')
        first_p_after_h1 = False
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def as_docx(results: list, lang: str | None = None, book: Any = None, given: list | None = None) -> bytes:
    """A Word document (python-docx) holding every memo, a page per scenario."""
    import docx
    from docx.enum.text import WD_BREAK

    lang, blocks = _all_blocks(results, lang, book, given, "docx")
    document = docx.Document()
    document.core_properties.language = lang
    document.core_properties.title = blocks[0].text if blocks else ""
    document.core_properties.author = "creval"
    for b in blocks:
        if b.kind in ("h1", "h2", "h3"):
            document.add_heading(_plain(b.text), level=int(b.kind[1]))
        elif b.kind == "p":
            para = document.add_paragraph()
            if b.strong:
                para.add_run(_plain(b.strong) + " ").bold = True
            para.add_run(_plain(b.text))
        elif b.kind == "meta":
            for k, v in b.items:
                para = document.add_paragraph()
                para.add_run(_plain(f"{k}: ")).bold = True
                para.add_run(_plain(str(v)))
        elif b.kind == "ul":
            for item in b.items:
                document.add_paragraph(_plain(str(item)), style="List Bullet")
        elif b.kind == "table":
            table = document.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header):
                cell.text = ""
                cell.paragraphs[0].add_run(_plain(str(text))).bold = True
            for row in b.items:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = _plain(str(text))
        elif b.kind == "break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _plain(text: str) -> str:
    """Text XML can hold: a control character from a title is written as \\uXXXX (as on a
    terminal) instead of making the document unreadable."""
    from creval.render.terminal import safe

    return safe(text)
