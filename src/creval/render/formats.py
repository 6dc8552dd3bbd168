"""The output formats of scenario results: one table, for every surface that writes them.

`creval check --format NAME`, `creval ask --format NAME` and the case page's memo downloads
(/case/r/TOKEN/memo.SUFFIX) look a format up here and call its renderer; none of them picks
a renderer of its own. Each renderer takes the results already in words (render.explain) and
gives text, or bytes for a binary document (never written to a terminal).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional, Union

from creval.render import filing, report, short
from creval.render.explain import BRIEF_MISUSED

__all__ = ["FORMATS", "Format", "by_suffix"]


def _text(results: list, lang: str, book: Any, given: Optional[list], full: bool, array: bool) -> str:
    page = report.as_text if full else short.as_short_text  # --full: every section, else the short answer
    return "\n\n".join(page(r, lang, book) for r in results)


def _json(results: list, lang: str, book: Any, given: Optional[list], full: bool, array: bool) -> str:
    return report.as_json(results, array=array or len(results) > 1)


def _markdown(results: list, lang: str, book: Any, given: Optional[list], full: bool, array: bool) -> str:
    return "\n".join(report.as_markdown(r, lang, book, given[i] if given else None) for i, r in enumerate(results))


def _html(results: list, lang: str, book: Any, given: Optional[list], full: bool, array: bool) -> str:
    return filing.as_html(results, lang, book, given)


def _docx(results: list, lang: str, book: Any, given: Optional[list], full: bool, array: bool) -> bytes:
    return filing.as_docx(results, lang, book, given)


@dataclass(frozen=True)
class Format:
    name: str  # as --format names it
    suffix: str  # of a file downloaded (the memo's URL ends in it)
    media_type: str
    binary: bool  # bytes, not text
    memo: bool  # shows the facts as given: needs each result's scenario (render.facts.given)
    marked: bool  # a terminal colours its UNMET and MISSING
    renderer: Callable[..., Union[str, bytes]]

    def render(self, results: list, lang: str, book: Any, given: Optional[list] = None, full: bool = False,
               array: bool = False) -> Union[str, bytes]:
        """`results` in this format. `given`: each result's facts as given (memos); `full`: text
        with every section; `array`: JSON as an array even for one result (several files asked)."""
        if (self.name != "text" or full) and any(getattr(r, "brief", False) for r in results):
            raise ValueError(BRIEF_MISUSED)  # every other output shows what a brief explanation leaves out
        return self.renderer(results, lang, book, given if self.memo else None, full, array)


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("text", "txt", "text/plain", binary=False, memo=False, marked=True, renderer=_text),
    Format("json", "json", "application/json", binary=False, memo=False, marked=False, renderer=_json),
    Format("markdown", "md", "text/markdown", binary=False, memo=True, marked=False, renderer=_markdown),
    Format("html", "html", "text/html", binary=False, memo=True, marked=False, renderer=_html),
    Format("docx", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           binary=True, memo=True, marked=False, renderer=_docx),
)}


def by_suffix(suffix: str) -> Optional[Format]:
    """The format of a file name's suffix (without its dot): md, html, docx, ..."""
    return next((f for f in FORMATS.values() if f.suffix == suffix), None)
