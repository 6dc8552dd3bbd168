"""A printable handout of an exercise pack: one scenario per page, then an answer grid.

One self-contained HTML page (no scripts, no outside files) for a trainer to print or send:
each scenario's title, assessment date, story and facts, and its questions with the numbered
choices, each scenario on a page of its own; last, a grid that a trainee fills in with the
numbers of their choices. Nothing of the answer keys or of the engine's outcomes is in it,
nor the scenario ids (which often name the point taught): scenarios go by number and title.
Every text from a scenario file is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

from creval.law.rulebook import RuleBook
from creval.render import facts
from creval.input.scenario import in_language
from creval.render.i18n import outcome_shown, t

__all__ = ["STYLE", "facts_shown", "handout"]

STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; margin: 2em; color: #000; }
h1 { font-size: 15pt; margin: 0 0 .3em; }
h2 { font-size: 12pt; margin: 1em 0 .3em; }
.meta { color: #333; margin: 0 0 1em; }
.story p { margin: 0 0 .6em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0 1em; }
th, td { border: 1px solid #555; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eee; }
td.answer { width: 6em; }
ol.choices { margin: .2em 0 1em; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 10pt; }
section.page { page-break-after: always; break-after: page; }
section.page:last-child { page-break-after: auto; break-after: auto; }
@media screen { section.page { border-bottom: 2px dashed #999; padding-bottom: 2em; margin-bottom: 2em; } }
@page { margin: 18mm; }
"""


def facts_shown(card: Any, book: RuleBook, lang: str) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """The facts a scenario states, by matter: (name, title in `lang`, value in words), as every
    list of facts shows them (render/facts.py)."""
    given = facts.given(card.scenario, unknown=True)
    return [(matter, facts.rows(book, matter, given[matter], lang)) for matter in sorted(given)]


def _paragraphs(text: str) -> str:
    blocks = [b.strip() for b in text.strip().split("\n\n") if b.strip()]
    return "".join(f"<p>{'<br>'.join(escape(line) for line in b.splitlines())}</p>" for b in blocks)


def _scenario_page(card, number: int, count: int, book: RuleBook, lang: str) -> str:
    scenario = card.scenario
    title = t("exercise.scenario.heading", lang, n=number, count=count, title=in_language(scenario.title, lang)).lstrip("= ").rstrip(" :")
    parts = [f'<section class="page">', f"<h1>{escape(title)}</h1>",
             f'<p class="meta">{escape(t("exercise.scenario.as_of", lang, date=card.result.as_of))}</p>']
    if scenario.narrative:
        parts.append(f'<div class="story">{_paragraphs(in_language(scenario.narrative, lang))}</div>')
    parts.append(f"<h2>{escape(t('exercise.scenario.facts', lang).rstrip(':'))}</h2>")
    for matter, given in facts_shown(card, book, lang):
        rows = "".join(f"<tr><td>{escape(title)} <code>{escape(name)}</code></td><td>{escape(value)}</td></tr>"
                       for name, title, value in given)
        parts.append(f"<table><caption>{escape(matter)}</caption>"
                     f"<tr><th>{escape(t('handout.fact', lang))}</th><th>{escape(t('handout.value', lang))}</th></tr>"
                     f"{rows}</table>")
    for q in card.questions:
        parts.append(f"<h2>{escape(t('handout.question', lang, test=q.test, title=q.title))}</h2>")
        parts.append('<ol class="choices">' + "".join(f"<li>{escape(outcome_shown(c, lang))}</li>" for c in q.choices) + "</ol>")
    parts.append("</section>")
    return "\n".join(parts)


def _grid(cards, lang: str) -> str:
    """The answer grid: one row per question, the numbered choices, a box for the answer."""
    head = "".join(f"<th>{escape(t(k, lang))}</th>" for k in
                   ("handout.grid.number", "handout.grid.scenario", "handout.grid.test", "handout.grid.choices",
                    "handout.grid.answer"))
    rows, n = [], 0
    for number, card in enumerate(cards, 1):
        for q in card.questions:
            n += 1
            choices = "<br>".join(f"{i}&nbsp;{escape(outcome_shown(c, lang))}" for i, c in enumerate(q.choices, 1))
            # by number and title: an id often names the point a scenario teaches
            rows.append(f"<tr><td>{n}</td><td>{number}. {escape(in_language(card.scenario.title, lang))}</td>"
                        f"<td>{escape(q.title)}</td><td>{choices}</td><td class=\"answer\"></td></tr>")
    return ("<section class=\"page\">"
            f"<h1>{escape(t('handout.grid.title', lang))}</h1>"
            f"<p>{escape(t('handout.grid.name', lang))} ______________________________ &nbsp; "
            f"{escape(t('handout.grid.date', lang))} ______________</p>"
            f"<p class=\"meta\">{escape(t('handout.grid.how', lang))}</p>"
            f"<table><tr>{head}</tr>{''.join(rows)}</table></section>")


def handout(cards, paths: list[str], book: RuleBook, lang: str) -> str:
    """The whole page, in `lang`."""
    title = t("handout.title", lang, pack=", ".join(paths))
    pages = [_scenario_page(card, n, len(cards), book, lang) for n, card in enumerate(cards, 1)]
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{escape(lang)}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head>",
        "<body>",
        *pages,
        _grid(cards, lang),
        "</body></html>",
    ])
